// Entry point of `updraft`: runs the command and turns any error into one clear line on stderr
// and exit code 1 (an UpdraftError also says what to do). Only commander loads up front; each
// command imports what it uses when it runs, so `--help` starts about as fast as bare node.
import { buildProgram } from "./program.ts";

try {
  await buildProgram().parseAsync(process.argv);
} catch (error) {
  const { isUpdraftError } = await import("@updraft/core");
  const message = isUpdraftError(error) ? error.describe() : error instanceof Error ? error.message : String(error);
  process.stderr.write(`updraft: ${message}\n`);
  if (process.env.UPDRAFT_DEBUG && error instanceof Error) process.stderr.write(`${error.stack}\n`);
  // Everything the command started has been stopped by now (see commands/standalone.ts); exit
  // even if a stray handle (a logger thread, a socket) would keep the event loop alive.
  process.exit(1);
}
