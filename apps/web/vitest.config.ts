// Unit tests of the pure view logic and the real-browser tests (test/*.browser.test.ts), which
// start `updraft standalone` and drive Debian's chromium through playwright-core.
import { defineConfig } from "vitest/config";
import { updraftVitestDefaults } from "../../vitest.shared.ts";

export default defineConfig({
  ...updraftVitestDefaults,
  test: {
    ...updraftVitestDefaults.test,
    include: ["test/**/*.test.ts"],
    // Each browser test file runs its own standalone process; two at once is plenty for 2 cores.
    maxWorkers: 2,
  },
});
