#!/usr/bin/env node
// Finishes the production tree that `pnpm --filter @updraft/cli deploy --prod` wrote, in the
// Dockerfile's build stage. Usage: node docker/finish-deploy.mjs WORKSPACE_DIR DEPLOY_DIR
//  1. Built output that the deploy's packing leaves out (dist/ is git-ignored, and packages without
//     a "files" list are packed by .gitignore) is copied from the workspace into each deployed
//     workspace package: the dashboard's apps/web/dist, and every package's compiled dist/; the
//     TypeScript sources of a package with dist/ go (only the `updraft-source` condition reaches them).
//  2. What never runs is removed: the dashboard's browser libraries (React, ...: vite bundled them
//     into apps/web/dist, so nothing else reaches them), TypeScript (only ever an optional peer
//     dependency), source maps, type declarations, Markdown, and the workspace packages' tests and
//     build configs.
// Prints what it did and the tree's size before and after.
import { cpSync, existsSync, lstatSync, readdirSync, readFileSync, realpathSync, rmSync, statSync } from "node:fs";
import { join, relative, sep } from "node:path";

const [workspace, deploy] = process.argv.slice(2);
if (!workspace || !deploy) {
  console.error("usage: finish-deploy.mjs WORKSPACE_DIR DEPLOY_DIR");
  process.exit(2);
}

function sizeOf(dir) {
  let total = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isSymbolicLink()) continue;
    if (entry.isDirectory()) total += sizeOf(path);
    else total += lstatSync(path).size;
  }
  return total;
}
const mb = (bytes) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
const before = sizeOf(deploy);

// --- 1. built output of workspace packages
const sources = new Map(); // package name -> workspace folder
for (const group of ["apps", "packages"]) {
  const root = join(workspace, group);
  if (!existsSync(root)) continue;
  for (const name of readdirSync(root)) {
    const manifest = join(root, name, "package.json");
    if (existsSync(manifest)) sources.set(JSON.parse(readFileSync(manifest, "utf8")).name, join(root, name));
  }
}
const deployed = [deploy]; // the deployed package itself, then every injected workspace package
const store = join(deploy, "node_modules", ".pnpm");
for (const entry of existsSync(store) ? readdirSync(store) : []) {
  if (!entry.startsWith("@updraft+")) continue;
  const scope = join(store, entry, "node_modules", "@updraft");
  for (const name of existsSync(scope) ? readdirSync(scope) : []) {
    const dir = join(scope, name);
    if (!lstatSync(dir).isSymbolicLink()) deployed.push(dir);
  }
}
for (const dir of deployed) {
  const name = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")).name;
  const source = sources.get(name);
  if (source && existsSync(join(source, "dist")) && !existsSync(join(dir, "dist"))) {
    cpSync(join(source, "dist"), join(dir, "dist"), { recursive: true });
    console.log(`finish-deploy: copied ${name}/dist`);
  }
  // Compiled: the TypeScript sources are only reached through the `updraft-source` condition,
  // which production never sets.
  if (existsSync(join(dir, "dist")) && existsSync(join(dir, "src")) && name !== "@updraft/web") rmSync(join(dir, "src"), { recursive: true });
  for (const unused of ["test", "tsconfig.json", "tsconfig.build.json", "vitest.config.ts", "vite.config.ts", "turbo.json"]) {
    rmSync(join(dir, unused), { recursive: true, force: true });
  }
}

// --- 2. files that never run
let removed = 0;
// Source maps, declarations, docs everywhere; TypeScript sources only in third-party packages (they
// ship them beside their JavaScript; Updraft's own may still be what runs).
const DROP = [/\.map$/, /\.d\.[cm]?ts$/, /\.md$/i, /\.markdown$/i, /\.tsbuildinfo$/];
const DROP_THIRD_PARTY = [/\.[cm]?tsx?$/];
const DROP_DIRS = new Set(["coverage", ".github", "__tests__"]);
function prune(dir, thirdParty) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isSymbolicLink()) continue;
    if (entry.isDirectory() && DROP_DIRS.has(entry.name)) {
      removed += sizeOf(path);
      rmSync(path, { recursive: true });
    } else if (entry.isDirectory()) prune(path, thirdParty);
    else if (DROP.some((re) => re.test(entry.name)) || (thirdParty && DROP_THIRD_PARTY.some((re) => re.test(entry.name)))) {
      removed += statSync(path).size;
      rmSync(path);
    }
  }
}
/** The links in a node_modules folder (scoped ones too), as [name, absolute target]. */
function links(dir) {
  const out = [];
  for (const entry of existsSync(dir) ? readdirSync(dir, { withFileTypes: true }) : []) {
    const path = join(dir, entry.name);
    if (entry.name.startsWith("@") && entry.isDirectory()) out.push(...links(path));
    else if (entry.isSymbolicLink() && existsSync(path)) out.push([entry.name, realpathSync(path)]);
  }
  return out;
}
/** The store entry (folder name under .pnpm) that a path lies in. */
const storeEntry = (path) => (path.startsWith(store + sep) ? relative(store, path).split(sep)[0] : null);

const dropped = [];
if (existsSync(store)) {
  // Store entries reachable from the deployed package's own dependencies, not following the
  // dashboard's (bundled) or TypeScript (optional peer, never imported at run time).
  const skip = (entry) => entry.startsWith("@updraft+web@") || /^typescript@/.test(entry);
  const reachable = new Set();
  const queue = links(join(deploy, "node_modules")).map(([, target]) => storeEntry(target)).filter(Boolean);
  while (queue.length > 0) {
    const entry = queue.pop();
    if (reachable.has(entry)) continue;
    reachable.add(entry);
    if (skip(entry)) continue;
    for (const [, target] of links(join(store, entry, "node_modules"))) {
      const next = storeEntry(target);
      if (next && !reachable.has(next)) queue.push(next);
    }
  }
  for (const entry of readdirSync(store)) {
    if (entry === "node_modules" || entry.startsWith(".") || !statSync(join(store, entry)).isDirectory()) continue;
    if (!reachable.has(entry) || /^typescript@/.test(entry)) {
      dropped.push(entry.split("@").slice(0, entry.startsWith("@") ? 2 : 1).join("@"));
      rmSync(join(store, entry), { recursive: true, force: true });
    }
  }
  // The hoisted links that now point nowhere
  const hoisted = join(store, "node_modules");
  for (const entry of existsSync(hoisted) ? readdirSync(hoisted, { withFileTypes: true }) : []) {
    const dirs = entry.name.startsWith("@") ? readdirSync(join(hoisted, entry.name)).map((n) => join(entry.name, n)) : [entry.name];
    for (const name of dirs) if (!existsSync(join(hoisted, name))) rmSync(join(hoisted, name), { force: true });
  }
  for (const entry of readdirSync(store)) {
    if (entry !== "node_modules" && statSync(join(store, entry)).isDirectory()) prune(join(store, entry), !entry.startsWith("@updraft+"));
  }
}
console.log(`finish-deploy: dropped ${dropped.length} packages that nothing running reaches: ${dropped.join(", ")}`);
console.log(`finish-deploy: ${mb(before)} -> ${mb(sizeOf(deploy))} (${mb(removed)} of maps, declarations, docs and third-party TypeScript sources removed)`);
