// Entry point of `updraft`: runs the command and turns any error into one clear line on stderr
// and exit code 1 (an UpdraftError also says what to do).
import { isUpdraftError } from "@updraft/core";
import { buildProgram } from "./program.ts";

try {
  await buildProgram().parseAsync(process.argv);
} catch (error) {
  const message = isUpdraftError(error) ? error.describe() : error instanceof Error ? error.message : String(error);
  process.stderr.write(`updraft: ${message}\n`);
  if (process.env.UPDRAFT_DEBUG && error instanceof Error) process.stderr.write(`${error.stack}\n`);
  process.exitCode = 1;
}
