#!/usr/bin/env bash
# The README's start command on a fresh clone, on a machine that has only Node (no pnpm, no
# corepack on PATH): clones this repository's HEAD into a temp dir, runs the start command until
# /api/v1/health answers, prints how long that took, then stops it by its process group's pid and
# checks that nothing is left. Exit 0 on success.
#   bash .ci/fresh-clone.sh            # from the repository root
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
# The command the README gives; the check below keeps the two the same.
start_cmd='npx -y pnpm@10.34.9 install && npx -y pnpm@10.34.9 start'
grep -qF "$start_cmd" "$repo/README.md" || { echo "README.md no longer shows: $start_cmd (update .ci/fresh-clone.sh)" >&2; exit 1; }
want=$(node -p "require('$repo/package.json').packageManager")
[ "$want" = "pnpm@10.34.9" ] || { echo "packageManager is $want; update the README's commands and this script" >&2; exit 1; }

tmp=$(mktemp -d)
pid=""
cleanup() {
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then kill -TERM -- "-$pid" 2>/dev/null || true; sleep 5; kill -KILL -- "-$pid" 2>/dev/null || true; fi
  rm -rf "$tmp"
}
trap cleanup EXIT

# A PATH with everything of this machine except pnpm, pnpx, corepack and yarn; node is copied so
# that tools which add node's own directory to PATH do not find /usr/bin/pnpm through it.
mkdir "$tmp/bin"
for dir in /usr/local/bin /usr/bin /bin; do
  for f in "$dir"/*; do
    b=$(basename "$f")
    case "$b" in pnpm | pnpx | corepack | yarn | yarnpkg | node) continue ;; esac
    [ -e "$tmp/bin/$b" ] || ln -s "$f" "$tmp/bin/$b"
  done
done
cp "$(command -v node)" "$tmp/bin/node"
export PATH="$tmp/bin"
if command -v pnpm >/dev/null 2>&1; then echo "pnpm is still on PATH" >&2; exit 1; fi

git clone -q "$repo" "$tmp/updraft"
cd "$tmp/updraft"
port=$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
echo "== fresh clone in $tmp/updraft; node $(node --version), no pnpm on PATH; port $port"
echo "== $start_cmd"
started=$(date +%s)
UPDRAFT_WEB_PORT=$port CI=true setsid bash -c "$start_cmd" >"$tmp/start.log" 2>&1 &
pid=$!
deadline=$((started + ${FRESH_CLONE_TIMEOUT_S:-1500}))
until curl -sf "http://127.0.0.1:$port/api/v1/health" >/dev/null 2>&1; do
  if ! kill -0 "$pid" 2>/dev/null || [ "$(date +%s)" -gt "$deadline" ]; then
    echo "the start command did not answer health; its output:" >&2
    tail -n 60 "$tmp/start.log" >&2
    exit 1
  fi
  sleep 1
done
echo "== health answered after $(($(date +%s) - started)) s (install + build + start)"
grep -E '^\s+\[[0-9.]+s\]|started in' "$tmp/start.log" || true

kill -TERM -- "-$pid"
for _ in $(seq 1 30); do ps -o pid= -g "$pid" >/dev/null 2>&1 || break; sleep 1; done
if left=$(ps -o pid=,args= -g "$pid"); then echo "processes left after stopping:" >&2; echo "$left" >&2; exit 1; fi
pid=""
echo "== stopped; no process left"
