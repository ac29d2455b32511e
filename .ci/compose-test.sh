#!/usr/bin/env bash
# Compose end-to-end test on a real Docker engine: what the README's compose section promises.
#  1. a Docker engine: installs docker.io + docker-compose and starts dockerd when missing (skips,
#     saying why, only where none can be installed or started);
#  2. base images: pulls them, or, where no registry answers, builds local stand-ins with
#     ../shared/docker-standins (beside the clone);
#  3. builds the image, then `up -d` with a generated .env under a unique project name and runs
#     .ci/compose-scenario.mjs: health, parallel_tasks, --scale worker=3, fan-out over every worker,
#     a worker killed mid-task, the scheduler restarted mid-run, two webservers behind the proxy
#     serving one session (then one stopped), workers of a second project;
#  4. always `down -v`; on failure the containers' logs go to artifacts/compose/.
# Settings: COMPOSE_TEST_KEEP=1 leaves the stack up (no down -v) to look at it; COMPOSE_TEST_NO_BUILD=1
# uses the updraft:local image already there (while iterating on the test itself);
# DOCKER_STANDINS_DIR overrides where the stand-in scripts are.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
export PATH="/usr/sbin:/usr/bin:/sbin:/bin:$PATH" # Debian's docker CLI (matches its dockerd, has compose v1 beside it)
artifacts="$root/artifacts/compose"
t_start=$(date +%s)

log() { printf '\n== compose-test: %s\n' "$*"; }
skip() { printf '\n== compose-test: SKIPPED: %s\n' "$*"; exit 0; }
secs() { echo "$(($(date +%s) - $1)) s"; }

# The stand-in scripts sit in the shared folder beside the clone (../shared; ../../shared from a worktree).
standins="${DOCKER_STANDINS_DIR:-}"
for dir in "$root/../shared/docker-standins" "$root/../../shared/docker-standins"; do
  [ -n "$standins" ] || [ ! -f "$dir/lib.sh" ] || standins="$(cd "$dir" && pwd)"
done
if [ -n "$standins" ] && [ -f "$standins/lib.sh" ]; then
  # shellcheck source=/dev/null
  . "$standins/lib.sh" # start_dockerd, have_image (does not change the working directory)
else
  standins=""
  have_image() { docker image inspect "$1" >/dev/null 2>&1; }
  start_dockerd() {
    docker info >/dev/null 2>&1 && return 0
    nohup dockerd >>/tmp/dockerd.log 2>&1 &
    for _ in $(seq 1 60); do docker info >/dev/null 2>&1 && return 0; sleep 1; done
    return 1
  }
fi

# --- 1. engine -----------------------------------------------------------------------------------
log "Docker engine"
t0=$(date +%s)
if ! command -v dockerd >/dev/null 2>&1 || ! { command -v docker-compose >/dev/null 2>&1 || docker compose version >/dev/null 2>&1; }; then
  if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
    skip "no Docker engine here, and no root apt-get to install one (docker.io, docker-compose)"
  fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get -o DPkg::Lock::Timeout=300 update -qq || true
  apt-get -o DPkg::Lock::Timeout=300 install -y -qq docker.io docker-compose debootstrap >/dev/null ||
    skip "apt-get could not install docker.io and docker-compose"
fi
if ! (start_dockerd); then
  skip "dockerd is installed but would not start here (see /tmp/dockerd.log); this test needs a running engine"
fi
if docker compose version >/dev/null 2>&1; then compose_bin=(docker compose); else compose_bin=(docker-compose); fi
echo "engine: $(docker version -f 'dockerd {{.Server.Version}}' 2>/dev/null), storage $(docker info -f '{{.Driver}}'); compose: $("${compose_bin[@]}" version --short 2>/dev/null || "${compose_bin[@]}" version | head -n 1) ($(secs "$t0"))"

# --- 2. base images ------------------------------------------------------------------------------
log "base images"
t0=$(date +%s)
# FROM images of the Dockerfile that are not its own stages, plus compose's postgres and redis.
bases=$(awk 'toupper($1) == "FROM" { if (!($2 in stage)) print $2; if (toupper($3) == "AS") stage[$4] = 1 }' Dockerfile | sort -u)
bases="$bases postgres:16 redis:7"
missing=""
for image in $bases; do have_image "$image" || missing="$missing $image"; done
standin_labels=$(for image in $bases; do have_image "$image" && docker image inspect -f '{{index .Config.Labels "org.updraft.standin"}}{{index .Config.Labels "org.updraft.standin.extra-ca-sha256"}}' "$image"; done | tr -d '\n' || true)
pulled=1
for image in $missing; do
  echo "pulling $image"
  timeout 120 docker pull -q "$image" >/dev/null 2>&1 || { pulled=""; echo "cannot pull $image (no registry reachable?)"; break; }
done
if [ -z "$pulled" ] || [ -n "$standin_labels" ]; then
  # No registry (or stand-ins already in use): build the missing stand-ins; the script skips tags
  # that exist and rebuilds the node image when the host's extra CA certificates changed.
  [ -n "$standins" ] || { echo "no registry and no docker-standins folder beside the clone ($root/../shared/docker-standins; DOCKER_STANDINS_DIR)" >&2; exit 1; }
  bash "$standins/build-standins.sh"
fi
echo "base images ready ($(secs "$t0")): $bases"

# --- 3. build, up, scenario ----------------------------------------------------------------------
project="updraftci$(date +%s)$$"
work=$(mktemp -d)
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
password="ci-$(head -c 18 /dev/urandom | base64 | tr -dc 'A-Za-z0-9')"
compose=("${compose_bin[@]}" --project-directory "$root" -f "$root/docker-compose.yml" --env-file "$work/.env" -p "$project")
# Workers only, as a second project on the first one's network (docker-compose.workers.yml).
extra=("${compose_bin[@]}" --project-directory "$root" -f "$root/docker-compose.workers.yml" --env-file "$work/.env" -p "${project}x")
export UPDRAFT_NETWORK="${project}_default" UPDRAFT_WORKER_QUEUES="default,remote"
summary="$work/summary.txt"
: >"$summary"

cleanup() {
  local rc=$?
  set +e
  if [ "$rc" != 0 ]; then
    log "FAILED (exit $rc): keeping the containers' logs in $artifacts"
    mkdir -p "$artifacts"
    "${compose[@]}" ps -a >"$artifacts/ps.txt" 2>&1
    "${compose[@]}" logs --no-color --timestamps >"$artifacts/compose.log" 2>&1
    "${extra[@]}" logs --no-color --timestamps >"$artifacts/compose-workers.log" 2>&1
    for id in $(docker ps -a -q --filter "label=com.docker.compose.project=$project" --filter "label=com.docker.compose.project=${project}x"); do
      name=$(docker inspect -f '{{.Name}}' "$id" | tr -d /)
      docker logs --timestamps "$id" >"$artifacts/$name.log" 2>&1
      docker inspect "$id" >"$artifacts/$name.inspect.json" 2>&1
    done
    cp "$summary" "$artifacts/summary.txt" 2>/dev/null
    cp "$work/.env" "$artifacts/env.txt" 2>/dev/null
  fi
  if [ "${COMPOSE_TEST_KEEP:-0}" = 1 ]; then
    echo "COMPOSE_TEST_KEEP=1: stack left up; stop it with: ${compose[*]} down -v   (.env in $work)"
  else
    "${extra[@]}" down -v --remove-orphans --timeout 30 >/dev/null 2>&1
    "${compose[@]}" down -v --remove-orphans --timeout 30 >/dev/null 2>&1 ||
      echo "warning: down -v of project $project failed" >&2
    rm -rf "$work"
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# The generated .env: what a user writes (see .env.example), plus a moderate load for 2 cores.
cat >"$work/.env" <<EOF
UPDRAFT_WEB_PORT=$port
UPDRAFT_ADMIN_PASSWORD=$password
UPDRAFT_LOG_LEVEL=info
EOF
[ -z "${COMPOSE_TEST_WORKER_CONCURRENCY:-}" ] || echo "UPDRAFT_WORKER_CONCURRENCY=$COMPOSE_TEST_WORKER_CONCURRENCY" >>"$work/.env"

log "build the image (project $project)"
t0=$(date +%s)
if [ "${COMPOSE_TEST_NO_BUILD:-0}" = 1 ] && have_image updraft:local; then
  echo "COMPOSE_TEST_NO_BUILD=1: using the existing updraft:local ($(docker image inspect -f '{{.Created}}' updraft:local))"
else
# One image serves all four app services: building one of them builds it (each further service
# would only send the context again); the proxy (docker/proxy) is the other image.
"${compose[@]}" build migrate proxy 2>&1 | grep --line-buffered -v -E '^ ---> |^Removing intermediate container' || { echo "build failed" >&2; exit 1; }
fi
size=$(docker image inspect -f '{{.Size}}' updraft:local)
echo "image size: $((size / 1000 / 1000)) MB" | tee -a "$summary"
proxy_size=$(docker image inspect -f '{{.Size}}' updraft-proxy:local)
echo "proxy image size (HAProxy on debian:bookworm-slim): $((proxy_size / 1000 / 1000)) MB" | tee -a "$summary"
echo "build: $(secs "$t0")" | tee -a "$summary"

log "up -d"
t_up=$(date +%s)
"${compose[@]}" up -d
echo "up -d returned: $(secs "$t_up")" | tee -a "$summary"

log "scenario (.ci/compose-scenario.mjs)"
COMPOSE_CMD=$(python3 -c 'import json, sys; print(json.dumps(sys.argv[1:]))' "${compose[@]}") \
  EXTRA_COMPOSE_CMD=$(python3 -c 'import json, sys; print(json.dumps(sys.argv[1:]))' "${extra[@]}") \
  UPDRAFT_URL="http://127.0.0.1:$port" UPDRAFT_ADMIN_PASSWORD="$password" SUMMARY_FILE="$summary" \
  node .ci/compose-scenario.mjs

log "down -v"
t0=$(date +%s)
"${extra[@]}" down -v --remove-orphans --timeout 60
"${compose[@]}" down -v --remove-orphans --timeout 60
left=$(for p in "$project" "${project}x"; do
  docker ps -a -q --filter "label=com.docker.compose.project=$p"; docker volume ls -q --filter "label=com.docker.compose.project=$p"
done)
[ -z "$left" ] || { echo "down -v left containers or volumes behind: $left" >&2; exit 1; }
echo "down -v: $(secs "$t0"), nothing left behind" | tee -a "$summary"

log "passed in $(secs "$t_start")"
cat "$summary"
