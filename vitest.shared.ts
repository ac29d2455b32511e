// Shared vitest settings: resolve workspace packages to their TypeScript source (the
// "updraft-source" export condition) so tests never run against a stale dist/. Only "node" and
// "default" follow it: adding "import"/"module" makes pg load pg-pool's ESM build and break.
import type { ViteUserConfig } from "vitest/config";

const conditions = ["updraft-source", "node", "default"];

export const updraftVitestDefaults: ViteUserConfig = {
  resolve: { conditions },
  ssr: { resolve: { conditions, externalConditions: ["updraft-source"] } },
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
};
