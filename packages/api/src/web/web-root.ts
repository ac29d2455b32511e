// Where the built dashboard lives: apps/web/dist, found through the @updraft/web package so it
// works from the source tree, an installed package or a Docker image alike.
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

/** The dashboard's dist folder, or undefined when the package cannot be found. */
export function defaultWebRoot(): string | undefined {
  try {
    // createRequire (not import.meta.resolve) also works under test runners that rewrite modules.
    const manifest = createRequire(import.meta.url).resolve("@updraft/web/package.json");
    return join(dirname(manifest), "dist");
  } catch {
    return undefined;
  }
}

/** True when the folder holds a built dashboard. */
export function isBuilt(webRoot: string | undefined): webRoot is string {
  return webRoot !== undefined && existsSync(join(webRoot, "index.html"));
}
