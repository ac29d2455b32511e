// The one place in Updraft that reads process.env: merges the environment over an optional
// .env file, validates the result against the schema and hands out a frozen UpdraftConfig.
// Every other package receives its settings from here instead of reading variables itself.
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { UpdraftError } from "@updraft/core";
import { parse as parseDotenv } from "dotenv";
import type { z } from "zod";
import { CONFIG_VARIABLES, createConfigSchema, type ConfigVariableName, type UpdraftConfig } from "./schema.ts";

/** Where {@link loadConfig} reads its inputs from; every field is optional. */
export interface LoadConfigOptions {
  /** The environment; default `process.env`. Wins over the .env file. */
  env?: Readonly<Record<string, string | undefined>>;
  /** Directory relative paths and the default .env are resolved against; default `process.cwd()`. */
  cwd?: string;
  /**
   * The dotenv file to read, relative to `cwd`. Default `.env` in `cwd`, silently skipped when
   * missing; a path given explicitly must exist.
   */
  dotenvPath?: string;
}

/** Deeply frozen, so a setting read once cannot be changed behind another module's back. */
export type FrozenConfig = Readonly<Omit<UpdraftConfig, "web">> & { readonly web: Readonly<UpdraftConfig["web"]> };

/**
 * Reads, validates and freezes the configuration. Sources, strongest first: `env`, then the
 * dotenv file, then the defaults in the schema. Empty values count as unset. Neither
 * `process.env` nor `env` is modified.
 *
 * @throws UpdraftError `UPDRAFT_CONFIG_INVALID` with a one-line message naming each bad
 *   variable, its value and what it accepts, e.g.
 *   `UPDRAFT_PARALLELISM="abc" is invalid: expected a whole number >= 1`.
 */
export function loadConfig(options: LoadConfigOptions = {}): FrozenConfig {
  const { env = process.env, cwd = process.cwd(), dotenvPath } = options;
  const fromFile = readDotenv(cwd, dotenvPath);
  const raw: Partial<Record<ConfigVariableName, string>> = {};
  for (const { name } of CONFIG_VARIABLES) {
    // Empty strings count as unset at both levels, so `FOO=` in the shell lets .env (or the default) apply.
    const value = nonEmpty(env[name]) ?? nonEmpty(fromFile[name]);
    if (value !== undefined) raw[name] = value;
  }
  const result = createConfigSchema(resolve(cwd)).safeParse(raw);
  if (!result.success) throw invalid(result.error, raw);
  return deepFreeze(result.data);
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === "" ? undefined : value;
}

function readDotenv(cwd: string, dotenvPath: string | undefined): Record<string, string> {
  const path = resolve(cwd, dotenvPath ?? ".env");
  let content: string;
  try {
    content = readFileSync(path, "utf8");
  } catch (cause) {
    if (dotenvPath === undefined && (cause as NodeJS.ErrnoException).code === "ENOENT") return {};
    throw new UpdraftError("UPDRAFT_CONFIG_INVALID", `cannot read the dotenv file ${path}: ${(cause as Error).message}`, {
      details: { path },
      cause,
    });
  }
  // parse() rather than config(): config() writes into process.env, which would leak this file's
  // values into every later loadConfig call (and into tests).
  return parseDotenv(content);
}

function invalid(error: z.ZodError, raw: Partial<Record<ConfigVariableName, string>>): UpdraftError {
  const problems: { variable: string; value: string | undefined; expected: string }[] = [];
  for (const issue of error.issues) {
    const variable = String(issue.path[0] ?? "");
    // Report each variable once: a value can fail several checks, the first message says enough.
    if (problems.some((p) => p.variable === variable)) continue;
    problems.push({ variable, value: raw[variable as ConfigVariableName], expected: issue.message });
  }
  const message = problems
    .map(({ variable, value, expected }) => `${variable}=${JSON.stringify(redact(value ?? ""))} is invalid: ${expected}`)
    .join("; ");
  return new UpdraftError("UPDRAFT_CONFIG_INVALID", message, {
    details: { problems: problems.map((p) => ({ ...p, value: redact(p.value ?? "") })) },
  });
}

/** Hides the password of a URL-shaped value, so a mistyped DATABASE_URL never lands in a log with its secret. */
function redact(value: string): string {
  return value.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:/@\s]*:)[^@\s]*@/i, "$1***@");
}

function deepFreeze<T extends object>(value: T): T {
  for (const child of Object.values(value)) {
    if (typeof child === "object" && child !== null && !Object.isFrozen(child)) deepFreeze(child);
  }
  return Object.freeze(value);
}
