// The logger of long-running commands (scheduler, webserver, standalone): pino, printed for people
// when the output is a terminal and as JSON lines otherwise (for log collectors in compose).
import pino from "pino";
import type { FrozenConfig } from "@updraft/config";

export function createLogger(config: FrozenConfig, name: string): pino.Logger {
  const pretty = process.stdout.isTTY;
  return pino({
    name,
    level: config.logLevel,
    ...(pretty ? { transport: { target: "pino-pretty", options: { colorize: true, translateTime: "HH:MM:ss.l", ignore: "pid,hostname" } } } : {}),
  });
}
