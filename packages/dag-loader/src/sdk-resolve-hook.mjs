// Module resolution hook (node:module register) for DAG files:
// - `import ... from "@updraft/sdk"` resolves to the SDK of the Updraft process importing the
//   file, wherever the DAGs folder lives, so users need no node_modules of their own;
// - .ts/.js files outside node_modules load as ES modules even without a package.json saying
//   "type": "module" (DAG files are ES modules; .cts/.cjs stay CommonJS).
let sdkUrl;

export function initialize(data) {
  sdkUrl = data.sdkUrl;
}

const ESM_SOURCE = /\.(?:ts|js)$/;

export async function resolve(specifier, context, nextResolve) {
  if (specifier === "@updraft/sdk" && sdkUrl) return nextResolve(sdkUrl, context);
  const resolved = await nextResolve(specifier, context);
  const path = resolved.url.split("?")[0];
  if (resolved.url.startsWith("file:") && ESM_SOURCE.test(path) && !path.includes("/node_modules/")) {
    if (resolved.format === "commonjs" || resolved.format === "commonjs-typescript" || resolved.format == null) {
      return { ...resolved, format: path.endsWith(".ts") ? "module-typescript" : "module" };
    }
  }
  return resolved;
}
