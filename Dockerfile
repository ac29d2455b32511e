# Updraft image: one image for every role (scheduler, worker, webserver, one-shot migrate); the
# command picks the role: `docker run --init updraft:local worker --concurrency 8`.
# Multi-stage: the build stage installs everything and compiles (`pnpm build`: every package to
# dist/); the runtime stage gets Node (the binary only), the compiled JavaScript and production
# dependencies only (`pnpm deploy --prod`), and runs it with plain node as the non-root user
# `node`. DAG files stay TypeScript: the DAG loader imports them through tsx (DAG parsing) or
# compiles them with esbuild (task processes), production dependencies of @updraft/dag-loader. No BuildKit-only syntax (no RUN --mount).

# --- manifests: only what `pnpm install` reads, so the install layer below stays cached until a
# package.json, the lockfile or the workspace settings change (not on every source edit).
FROM node:20-bookworm-slim AS manifests
WORKDIR /src
COPY . .
RUN find . -type f ! -name package.json ! -name pnpm-lock.yaml ! -name pnpm-workspace.yaml ! -name .npmrc -delete \
    && find . -depth -mindepth 1 -type d -empty -delete

# --- build: full install (dev dependencies too), `pnpm build`, then the production tree in /out
FROM node:20-bookworm-slim AS build
ARG PNPM_VERSION=10.34.9
ENV TURBO_TELEMETRY_DISABLED=1
# pnpm from the npm registry rather than corepack: the corepack bundled with Node 20 may not know
# the keys that sign current pnpm releases. binutils: `strip` for the Node binary below.
RUN npm install -g "pnpm@${PNPM_VERSION}" && npm cache clean --force && pnpm --version \
    && apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends binutils \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY --from=manifests /src/ ./
RUN pnpm install --frozen-lockfile
COPY . .
# `deploy --legacy`: the CLI and the workspace packages it depends on, with production
# dependencies only; docker/finish-deploy.mjs adds the compiled dist/ folders that packing leaves
# out (they are git-ignored) and the dashboard's build, drops the TypeScript sources of packages
# that have dist/, and removes what never runs (browser libraries vite bundled, TypeScript, source
# maps, declarations, docs). The Node binary loses its debug symbols only (the dynamic symbols
# native addons link against stay).
RUN pnpm build \
    && pnpm --filter @updraft/cli deploy --prod --legacy /out/app \
    && node docker/finish-deploy.mjs /src /out/app \
    && chmod 0755 /out/app/bin/updraft.js \
    && mkdir -p /out/bin /out/dags && cp dags/*.ts /out/dags/ \
    && strip --strip-all -o /out/bin/node /usr/local/bin/node \
    && ln -s /opt/updraft/app/bin/updraft.js /out/bin/updraft

# --- runtime
FROM debian:bookworm-slim
ENV NODE_ENV=production \
    UPDRAFT_HOME=/opt/updraft/.updraft \
    UPDRAFT_DAGS_FOLDER=/opt/updraft/dags
# The same user as the official Node images (1000:1000), so mounted DAG folders read the same.
RUN groupadd --gid 1000 node && useradd --uid 1000 --gid node --shell /bin/bash --create-home node
# /usr/local/bin: node, and `updraft` (the CLI's bin: it runs the compiled dist/main.js in-process).
COPY --from=build /out/bin/ /usr/local/bin/
COPY --from=build /out/app/ /opt/updraft/app/
COPY --from=build /out/dags/ /opt/updraft/dags/
RUN mkdir -p "$UPDRAFT_HOME" && chown node:node "$UPDRAFT_HOME" && node --version && updraft --help >/dev/null
WORKDIR /opt/updraft
USER node
EXPOSE 8080
# One check per role: `updraft health` reads the role from the container's command (PID 1) and
# checks Postgres, Redis (distributed executor) and the role's own liveness: the webserver's
# /api/v1/health, the scheduler's and each worker's fresh heartbeat row in Postgres.
HEALTHCHECK --interval=15s --timeout=10s --start-period=60s --retries=3 CMD ["updraft", "health"]
ENTRYPOINT ["updraft"]
CMD ["webserver"]
