// The fault suite (`pnpm test:faults`): real processes against private Postgres and Redis servers
// the tests stop, restart and wipe. One file at a time: the faults are about timing under load.
import { defineConfig } from "vitest/config";
import { updraftVitestDefaults } from "../../vitest.shared.ts";

export default defineConfig({
  ...updraftVitestDefaults,
  test: {
    ...updraftVitestDefaults.test,
    include: ["test/faults/**/*.fault.ts"],
    testTimeout: 600_000,
    hookTimeout: 180_000,
    fileParallelism: false,
  },
});
