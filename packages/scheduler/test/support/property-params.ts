// fast-check parameters for the property tests, from the environment, so a failure seen once can
// be replayed and a property can be run longer without editing the test:
//   PROPERTY_RUNS=5000            more (or fewer) runs than the test's default
//   FC_SEED=-1234 [FC_PATH=3:1:0] replay the failing run fast-check printed ("seed", "path")
// fast-check's thrown error names the seed, the path and the (shrunk) counterexample; vitest
// prints that message, so a failure in CI is enough to replay it here.
import type fc from "fast-check";

/**
 * @param defaultRuns the number of runs when PROPERTY_RUNS is not set
 * @returns parameters for `fc.assert`: numRuns, and seed/path when FC_SEED/FC_PATH are set
 */
export function propertyParams<T>(defaultRuns: number): fc.Parameters<T> {
  const env = process.env;
  const numRuns = env.PROPERTY_RUNS ? Number(env.PROPERTY_RUNS) : defaultRuns;
  return {
    numRuns,
    ...(env.FC_SEED ? { seed: Number(env.FC_SEED) } : {}),
    ...(env.FC_PATH ? { path: env.FC_PATH } : {}),
  };
}
