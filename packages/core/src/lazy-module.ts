// A dependency loaded on first use rather than at import: a process that never needs it (a task
// process never validates a param nor reads a schedule) does not carry its memory.
import { createRequire } from "node:module";

/**
 * A getter that `require`s `specifier` (resolved from `parentUrl`, the caller's import.meta.url)
 * the first time it is called and returns the same module after that.
 */
export function lazyModule<T>(parentUrl: string, specifier: string): () => T {
  const require = createRequire(parentUrl);
  let loaded: T | undefined;
  return () => (loaded ??= require(specifier) as T);
}
