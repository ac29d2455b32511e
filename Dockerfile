# Updraft image: one image for every role (scheduler, worker, webserver, one-shot migrate); the
# command picks the role: `docker run updraft:local worker --concurrency 8`.
# The app runs from its TypeScript source with tsx, like `pnpm updraft` does; `pnpm build` still
# runs so that packages that need a build (the web UI) are built into the image.

# --- manifests: only what `pnpm install` reads, so the install layer below stays cached until a
# package.json, the lockfile or the workspace settings change (not on every source edit).
FROM node:20-bookworm-slim AS manifests
WORKDIR /src
COPY . .
RUN find . -type f ! -name package.json ! -name pnpm-lock.yaml ! -name pnpm-workspace.yaml ! -name .npmrc -delete \
    && find . -depth -mindepth 1 -type d -empty -delete

# --- the image
FROM node:20-bookworm-slim
ARG PNPM_VERSION=10.34.9
ENV TURBO_TELEMETRY_DISABLED=1 \
    UPDRAFT_HOME=/opt/updraft/.updraft \
    UPDRAFT_DAGS_FOLDER=/opt/updraft/dags
# pnpm from the npm registry rather than corepack: the corepack bundled with Node 20 may not know
# the keys that sign current pnpm releases. bash is in the Debian base (Essential), as bash tasks need.
RUN npm install -g "pnpm@${PNPM_VERSION}" && npm cache clean --force && pnpm --version && bash --version >/dev/null

WORKDIR /opt/updraft
COPY --from=manifests /src/ ./
# The store's files are linked or copied into node_modules; dropping it keeps them once in the layer.
# /usr/local/bin/updraft: the same command as `pnpm updraft`, without pnpm in between and with tsx
# resolved here, so it works from any working directory.
RUN pnpm install --frozen-lockfile \
    && rm -rf "$(pnpm store path)" \
    && tsx_loader="$(node --input-type=module -e "console.log(import.meta.resolve('tsx'))")" \
    && printf '#!/bin/sh\nexec node --conditions=updraft-source --import %s /opt/updraft/apps/cli/src/main.ts "$@"\n' "$tsx_loader" \
        > /usr/local/bin/updraft \
    && chmod 0755 /usr/local/bin/updraft

COPY . .
# Every package with a build script (turbo); a workspace without a web UI builds nothing extra.
RUN pnpm build \
    && rm -rf .turbo node_modules/.cache \
    && mkdir -p "$UPDRAFT_HOME" /opt/updraft/dags \
    && chown node:node "$UPDRAFT_HOME"

USER node
EXPOSE 8080
# One check per role (docker/healthcheck.mjs reads the role from the container's command):
# webserver: /api/v1/health; scheduler and worker: their own heartbeat row in Postgres.
HEALTHCHECK --interval=15s --timeout=10s --start-period=60s --retries=3 CMD ["node", "/opt/updraft/docker/healthcheck.mjs"]
ENTRYPOINT ["updraft"]
CMD ["webserver"]
