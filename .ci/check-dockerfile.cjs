#!/usr/bin/env node
// Lints the Dockerfile: first with dockerfile-utils (the validator behind the VS Code Docker
// language server: syntax, unknown instructions and flags, malformed JSON forms, ...; every finding,
// warning or error, fails), then with this project's rules, hadolint-style, on the dockerfile-ast
// parse tree. Usage: node .ci/check-dockerfile.cjs TOOLS_DIR DOCKERFILE [DOCKERIGNORE]
// TOOLS_DIR is where dockerfile-utils is installed (check-deploy.sh installs it there).
"use strict";
const fs = require("node:fs");
const path = require("node:path");
const { createRequire } = require("node:module");

const [toolsDir, dockerfilePath, dockerignorePath] = process.argv.slice(2);
if (!toolsDir || !dockerfilePath) {
  console.error("usage: check-dockerfile.cjs TOOLS_DIR DOCKERFILE [DOCKERIGNORE]");
  process.exit(2);
}
const toolRequire = createRequire(path.join(path.resolve(toolsDir), "package.json"));
const utils = toolRequire("dockerfile-utils");
const { DockerfileParser } = toolRequire("dockerfile-ast");
const utilsVersion = toolRequire("dockerfile-utils/package.json").version;

const content = fs.readFileSync(dockerfilePath, "utf8");
const problems = [];
const report = (line, rule, message) => problems.push(`${dockerfilePath}:${line}: ${rule} ${message}`);

// --- dockerfile-utils, every check switched on as an error
const E = utils.ValidationSeverity.ERROR;
const diagnostics = utils.validate(content, {
  deprecatedMaintainer: E,
  directiveCasing: E,
  emptyContinuationLine: E,
  instructionCasing: E,
  instructionCmdMultiple: E,
  instructionEntrypointMultiple: E,
  instructionHealthcheckMultiple: E,
  instructionJSONInSingleQuotes: E,
  instructionWorkdirRelative: E,
});
for (const d of diagnostics) report(d.range.start.line + 1, "dockerfile-utils:", d.message);

// --- project rules
const dockerfile = DockerfileParser.parse(content);
const lineOf = (instruction) => instruction.getRange().start.line + 1;
const froms = dockerfile.getFROMs();
if (froms.length === 0) report(1, "DF001", "no FROM instruction");

const stageNames = new Set();
for (const from of froms) {
  const name = from.getImageName();
  const stage = from.getBuildStage();
  if (name && stageNames.has(name.toLowerCase())) {
    // FROM an earlier stage: nothing to pin.
  } else if (!name) {
    report(lineOf(from), "DF002", "FROM without an image");
  } else if (name.includes("$")) {
    report(lineOf(from), "DF003", `base image "${from.getImage()}" comes from a build argument; pin it in the file`);
  } else {
    const tag = from.getImageTag();
    const digest = from.getImageDigest();
    if (!tag && !digest) report(lineOf(from), "DF004 (hadolint DL3006)", `base image "${name}" is not pinned by a tag`);
    if (tag === "latest") report(lineOf(from), "DF005 (hadolint DL3007)", `base image "${name}" uses the tag latest`);
  }
  if (stage) stageNames.add(stage.toLowerCase());
}

const all = dockerfile.getInstructions();
const finalFrom = froms.at(-1);
const finalStage = finalFrom ? all.filter((i) => lineOf(i) >= lineOf(finalFrom)) : [];
const keyword = (i) => i.getKeyword().toUpperCase();
const args = (i) => i.getArgumentsContent() ?? "";

const workdirs = finalStage.filter((i) => keyword(i) === "WORKDIR");
if (workdirs.length === 0) report(lineOf(finalFrom ?? all[0]), "DF006", "the final stage sets no WORKDIR");
for (const w of all.filter((i) => keyword(i) === "WORKDIR")) {
  if (!args(w).startsWith("/")) report(lineOf(w), "DF007", `WORKDIR ${args(w)} is not absolute`);
}

const users = finalStage.filter((i) => keyword(i) === "USER");
const lastUser = users.at(-1);
if (!lastUser) report(lineOf(finalFrom ?? all[0]), "DF008 (hadolint DL3002)", "the final stage never switches away from root (no USER)");
else if (/^(root|0)(:|$)/.test(args(lastUser).trim())) report(lineOf(lastUser), "DF008 (hadolint DL3002)", "the last USER is root");

for (const kw of ["ENTRYPOINT", "CMD"]) {
  const found = finalStage.filter((i) => keyword(i) === kw);
  if (found.length === 0) report(lineOf(finalFrom ?? all[0]), "DF009", `the final stage has no ${kw}`);
  for (const i of found) {
    if (!args(i).trim().startsWith("[")) report(lineOf(i), "DF010 (hadolint DL3025)", `${kw} is not in JSON (exec) form: signals would not reach the process`);
  }
}

// BuildKit-only syntax fails on the legacy builder (docker.io 20.10 with docker-compose 1.29).
content.split("\n").forEach((line, index) => {
  if (/^\s*RUN\s+(--\w+[=\s]\S+\s+)*--mount[=\s]/i.test(line)) report(index + 1, "DF020", "RUN --mount needs BuildKit; the legacy builder rejects it");
  if (/^\s*#\s*syntax\s*=/i.test(line) && index < 5) report(index + 1, "DF020", "a # syntax= directive needs BuildKit");
});

// Every role's container reports its health (an exec-form HEALTHCHECK in the final stage).
const healthchecks = finalStage.filter((i) => keyword(i) === "HEALTHCHECK");
if (healthchecks.length === 0) report(lineOf(finalFrom ?? all[0]), "DF019", "the final stage has no HEALTHCHECK");
for (const h of healthchecks) {
  if (!/\bCMD\s*\[/.test(args(h))) report(lineOf(h), "DF019", "HEALTHCHECK CMD is not in JSON (exec) form");
}

for (const i of all) {
  const kw = keyword(i);
  const text = args(i);
  if (kw === "ADD") report(lineOf(i), "DF011 (hadolint DL3020)", "use COPY (ADD fetches URLs and unpacks archives)");
  if (kw === "RUN" && /(^|[;&|]\s*)cd\s/.test(text)) report(lineOf(i), "DF012 (hadolint DL3003)", "use WORKDIR rather than cd");
  if (kw === "RUN" && /\bsudo\b/.test(text)) report(lineOf(i), "DF013 (hadolint DL3004)", "sudo in RUN");
  if (kw === "RUN" && /apt-get\s+install/.test(text) && !/--no-install-recommends/.test(text)) {
    report(lineOf(i), "DF014 (hadolint DL3015)", "apt-get install without --no-install-recommends");
  }
  if (kw === "RUN" && /apt-get\s+install/.test(text) && !/rm -rf \/var\/lib\/apt\/lists/.test(text)) {
    report(lineOf(i), "DF015 (hadolint DL3009)", "apt-get lists are not removed in the same RUN");
  }
  if (kw === "RUN" && /\bpnpm\s+install\b/.test(text) && !/--frozen-lockfile/.test(text)) {
    report(lineOf(i), "DF016", "pnpm install without --frozen-lockfile");
  }
  if (kw === "COPY" || kw === "ADD") {
    for (const flag of i.getFlags ? i.getFlags() : []) {
      if (flag.getName() === "from" && !stageNames.has(String(flag.getValue()).toLowerCase())) {
        report(lineOf(i), "DF017 (hadolint DL3022)", `COPY --from=${flag.getValue()} names no earlier stage`);
      }
    }
  }
}

// The pnpm the image installs is the one package.json pins (packageManager).
const rootPackage = path.join(path.dirname(path.resolve(dockerfilePath)), "package.json");
if (fs.existsSync(rootPackage)) {
  const pinned = String(JSON.parse(fs.readFileSync(rootPackage, "utf8")).packageManager ?? "").split("@")[1];
  const arg = all.find((i) => keyword(i) === "ARG" && /^PNPM_VERSION=/.test(args(i).trim()));
  const inFile = arg ? args(arg).trim().split("=")[1] : content.match(/pnpm@(\d+\.\d+\.\d+)/)?.[1];
  if (!pinned) report(1, "DF018", "package.json has no packageManager pnpm@VERSION");
  else if (inFile !== pinned) report(arg ? lineOf(arg) : 1, "DF018", `installs pnpm ${inFile ?? "(unpinned)"}, package.json pins pnpm ${pinned}`);
}

// .dockerignore keeps installed, generated, local and secret files out of the build context.
if (dockerignorePath) {
  if (!fs.existsSync(dockerignorePath)) {
    problems.push(`${dockerignorePath}: missing`);
  } else {
    const entries = new Set(
      fs.readFileSync(dockerignorePath, "utf8").split("\n").map((l) => l.trim()).filter((l) => l && !l.startsWith("#"))
        .map((l) => l.replace(/^\*\*\//, "").replace(/^\.\//, "").replace(/\/$/, "")),
    );
    for (const needed of ["node_modules", ".git", ".updraft", "dist", ".turbo", "artifacts", "coverage", ".env"]) {
      if (!entries.has(needed)) problems.push(`${dockerignorePath}: does not exclude ${needed}`);
    }
  }
}

if (problems.length > 0) {
  for (const p of problems) console.error(p);
  console.error(`Dockerfile check: ${problems.length} problem(s)`);
  process.exit(1);
}
console.log(`Dockerfile check: ${dockerfilePath} passes dockerfile-utils ${utilsVersion} (all checks as errors) and the project rules DF001-DF020; ${dockerignorePath ?? "no .dockerignore"} checked.`);
