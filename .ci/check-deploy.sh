#!/usr/bin/env bash
# Validates the deployment files without a Docker engine (CI has none and reaches no image registry):
#  1. docker-compose.yml with real compose parsers: docker-compose 1.29 (Debian's `docker-compose`;
#     it rejects keys newer than it, so the file stays valid for v1 and v2) and, where installed,
#     `docker compose` v2; with .env.example, with no settings and with overrides; then the resolved
#     shape (.ci/check-compose.py).
#  2. Dockerfile and .dockerignore with dockerfile-utils from npm plus the project's rules
#     (.ci/check-dockerfile.cjs).
# Installs what it needs when missing; exits non-zero on any problem.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

log() { printf '\n== %s\n' "$*"; }
apt_install() {
  export DEBIAN_FRONTEND=noninteractive
  apt-get -o DPkg::Lock::Timeout=300 update -qq
  apt-get -o DPkg::Lock::Timeout=300 install -y -qq "$@"
}

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

log "compose file (docker-compose.yml)"
if ! command -v docker-compose >/dev/null 2>&1; then apt_install docker-compose >/dev/null; fi
docker-compose version | sed -n 1p # sed reads it all: head could end the pipe early (SIGPIPE, exit 141)
python3 -c 'import yaml' # PyYAML, a dependency of docker-compose

# Three environments: the documented defaults, nothing at all, and overrides of every kind.
cp .env.example "$tmp/env.example"
: >"$tmp/env.empty"
cat >"$tmp/env.overrides" <<'EOF'
UPDRAFT_WEB_PORT=9090
UPDRAFT_ADMIN_PASSWORD=a long secret
UPDRAFT_PARALLELISM=4
UPDRAFT_WORKER_CONCURRENCY=2
UPDRAFT_LOG_LEVEL=
DATABASE_URL=postgres://someone@127.0.0.1:5432/other
EOF
compose_v2=""
if docker compose version >/dev/null 2>&1; then compose_v2=1; docker compose version | sed -n 1p; fi
for env in example empty overrides; do
  # --project-directory keeps a developer's own .env out of it; --env-file is the file under test.
  docker-compose --project-directory "$root" --env-file "$tmp/env.$env" -f docker-compose.yml config -q
  docker-compose --project-directory "$root" --env-file "$tmp/env.$env" -f docker-compose.yml config >"$tmp/resolved.$env.yml"
  if [ -n "$compose_v2" ]; then
    docker compose --project-directory "$root" --env-file "$tmp/env.$env" -f docker-compose.yml config -q
  fi
  echo "docker-compose config with .env = $env: valid"
done
# The workers-only project (docker-compose.workers.yml) resolves too, joined to a named network.
UPDRAFT_NETWORK=updraft_default docker-compose --project-directory "$root" --env-file "$tmp/env.example" -f docker-compose.workers.yml config -q
echo "docker-compose -f docker-compose.workers.yml config: valid"
python3 .ci/check-compose.py "$tmp/resolved.example.yml" docker-compose.yml .env.example
python3 - "$tmp/resolved.overrides.yml" <<'EOF'
# Overrides reach the containers, except the settings the stack itself owns.
import sys, yaml
services = yaml.safe_load(open(sys.argv[1]))["services"]
web, worker, migrate, proxy = services["webserver"], services["worker"], services["migrate"], services["proxy"]
problems = []
if not any(isinstance(p, dict) and int(p.get("published", 0)) == 9090 or str(p).startswith("9090:") for p in proxy["ports"]):
    problems.append("UPDRAFT_WEB_PORT=9090 does not publish the dashboard (the proxy) on host port 9090")
if str(web["environment"]["UPDRAFT_WEB_PORT"]) != "8080":
    problems.append("the webserver must keep listening on 8080 inside its container")
if str(worker["environment"]["UPDRAFT_WORKER_CONCURRENCY"]) != "2" or str(worker["environment"]["UPDRAFT_PARALLELISM"]) != "4":
    problems.append("concurrency settings from .env do not reach the worker")
if "postgres@" in str(worker["environment"]["DATABASE_URL"]) or "127.0.0.1" in str(worker["environment"]["DATABASE_URL"]):
    problems.append("a local DATABASE_URL from .env leaks into the containers")
if str(migrate["environment"]["UPDRAFT_ADMIN_PASSWORD"]) != "a long secret":
    problems.append("UPDRAFT_ADMIN_PASSWORD does not reach migrate intact")
if str(services["webserver"]["environment"].get("UPDRAFT_ADMIN_PASSWORD", "")):
    problems.append("the admin password is passed to services that do not need it")
if problems:
    print("\n".join(problems), file=sys.stderr)
    sys.exit(1)
print("compose overrides: host port, concurrency and admin password pass through; stack-owned settings stay fixed")
EOF

log "Dockerfile and .dockerignore"
dfu_version=0.16.3
tools="${XDG_CACHE_HOME:-$HOME/.cache}/updraft-ci/dockerfile-utils-$dfu_version"
if [ ! -f "$tools/node_modules/dockerfile-utils/package.json" ]; then
  mkdir -p "$tools"
  [ -f "$tools/package.json" ] || echo '{"private": true}' >"$tools/package.json"
  npm install --prefix "$tools" --no-audit --no-fund --no-save --loglevel=error "dockerfile-utils@$dfu_version" >/dev/null
fi
node .ci/check-dockerfile.cjs "$tools" Dockerfile .dockerignore
node .ci/check-dockerfile.cjs "$tools" docker/proxy/Dockerfile .dockerignore

echo
echo "deploy checks: passed"
