#!/usr/bin/env python3
"""Checks the shape of docker-compose.yml as compose resolved it (`docker-compose config` output),
plus the raw file's ${VAR:-default} references against .env.example.

Usage: check-compose.py RESOLVED_CONFIG_YAML COMPOSE_FILE ENV_EXAMPLE
PyYAML is there wherever docker-compose (v1) is: it depends on it.
"""
import re
import sys

import yaml

resolved_path, compose_path, env_example_path = sys.argv[1:4]
config = yaml.safe_load(open(resolved_path))
raw = open(compose_path).read()
problems = []


def problem(msg):
    problems.append(msg)


services = config.get("services", {})
APP = ["migrate", "scheduler", "worker", "webserver"]
for name in ["postgres", "redis", *APP, "proxy"]:
    if name not in services:
        problem(f"service {name} is missing")
if problems:
    print("\n".join(problems), file=sys.stderr)
    sys.exit(1)

# Backing services
pg, redis = services["postgres"], services["redis"]
if not str(pg.get("image", "")).startswith("postgres:16"):
    problem("postgres: image is not postgres:16")
if "pg_isready" not in " ".join(pg.get("healthcheck", {}).get("test", [])):
    problem("postgres: no pg_isready healthcheck")
if not any(str(v).split(":")[0] == "postgres-data" for v in pg.get("volumes", [])) or "postgres-data" not in (config.get("volumes") or {}):
    problem("postgres: data is not on the named volume postgres-data")
if not str(redis.get("image", "")).startswith("redis:7"):
    problem("redis: image is not redis:7")
if "redis-cli ping" not in " ".join(redis.get("healthcheck", {}).get("test", [])):
    problem("redis: no redis-cli ping healthcheck")

# App services: one image, built from the Dockerfile at the repository root
EXPECTED_ENV = {
    "DATABASE_URL": "postgres://updraft:updraft@postgres:5432/updraft",
    "REDIS_URL": "redis://redis:6379/0",
    "UPDRAFT_EXECUTOR": "distributed",
    "UPDRAFT_WEB_HOST": "0.0.0.0",
    "UPDRAFT_DAGS_FOLDER": "/opt/updraft/dags",
}
for name in APP:
    svc = services[name]
    if svc.get("image") != "updraft:local":
        problem(f"{name}: image is not updraft:local")
    build = svc.get("build")
    context = build.get("context") if isinstance(build, dict) else build
    if not context:
        problem(f"{name}: no build")
    env = svc.get("environment") or {}
    if isinstance(env, list):
        env = dict(e.split("=", 1) for e in env)
    for key, value in EXPECTED_ENV.items():
        if str(env.get(key)) != value:
            problem(f"{name}: {key} is {env.get(key)!r}, expected {value!r}")
    for key in ["UPDRAFT_PARALLELISM", "UPDRAFT_MAX_ACTIVE_TASKS_PER_DAG", "UPDRAFT_MAX_ACTIVE_RUNS_PER_DAG", "UPDRAFT_WORKER_CONCURRENCY"]:
        if key not in env:
            problem(f"{name}: {key} is not passed through")

depends_ok = {"postgres": "service_healthy", "redis": "service_healthy", "migrate": "service_completed_successfully"}
for name in ["scheduler", "worker", "webserver"]:
    svc = services[name]
    deps = svc.get("depends_on") or {}
    for dep, cond in depends_ok.items():
        got = deps.get(dep, {}).get("condition") if isinstance(deps, dict) else None
        if got != cond:
            problem(f"{name}: depends_on {dep} is {got!r}, expected {cond!r}")
    if not any(str(v).endswith(":/opt/updraft/dags:ro") for v in svc.get("volumes", [])):
        problem(f"{name}: ./dags is not mounted read-only at /opt/updraft/dags")
    if svc.get("command") != [name]:
        problem(f"{name}: command is {svc.get('command')!r}, expected [{name!r}]")

migrate = services["migrate"]
if str(migrate.get("restart")) != "no":
    problem("migrate: restart is not \"no\" (it is a one-shot)")
script = " ".join(map(str, (migrate.get("entrypoint") or []) + (migrate.get("command") or [])))
for needed in ["db migrate", "users create", "--role Admin", "already exists", "UPDRAFT_ADMIN_PASSWORD"]:
    if needed not in script:
        problem(f"migrate: its command does not contain {needed!r}")

worker = services["worker"]
for key in ["container_name", "ports", "hostname"]:
    if key in worker:
        problem(f"worker: has {key}, so `--scale worker=N` would clash")

# The webserver scales (`--scale webserver=2`): no host port of its own; the proxy publishes it.
web = services["webserver"]
for key in ["container_name", "ports", "hostname"]:
    if key in web:
        problem(f"webserver: has {key}, so `--scale webserver=N` would clash (the proxy publishes the port)")
web_env = web.get("environment") or {}
if isinstance(web_env, list):
    web_env = dict(e.split("=", 1) for e in web_env)
if str(web_env.get("UPDRAFT_WEB_PROXY_FIX_X_FOR")) != "1":
    problem("webserver: UPDRAFT_WEB_PROXY_FIX_X_FOR is not 1 (behind the proxy, the client address is in X-Forwarded-For)")
health = " ".join(map(str, web.get("healthcheck", {}).get("test", [])))
if "updraft health --role webserver" not in health:
    problem("webserver: the healthcheck is not `updraft health --role webserver` (it asks /api/v1/health)")
proxy = services["proxy"]
ports = proxy.get("ports") or []
if not any((isinstance(p, dict) and int(p.get("target", 0)) == 8080) or (isinstance(p, str) and p.endswith(":8080")) for p in ports):
    problem("proxy: container port 8080 is not published")
if "${UPDRAFT_WEB_PORT:-8080}:8080" not in raw:
    problem("proxy: host port is not ${UPDRAFT_WEB_PORT:-8080}")
build = proxy.get("build")
if (build.get("context") if isinstance(build, dict) else build) is None:
    problem("proxy: no build (docker/proxy)")

# No fixed container names anywhere: they break scaling and running two stacks side by side.
for name, svc in services.items():
    if "container_name" in svc:
        problem(f"{name}: container_name set")

# Every ${VAR} the file reads is documented in .env.example, with the same default.
documented = {}
for line in open(env_example_path):
    m = re.match(r"^#?\s*([A-Z][A-Z0-9_]*)=(.*)$", line.strip())
    if m:
        documented[m.group(1)] = m.group(2).strip()
for var, default in re.findall(r"(?<!\$)\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}", raw):
    if var not in documented:
        problem(f"${{{var}}} is used by {compose_path} but not documented in {env_example_path}")
    elif default != documented[var]:
        problem(f"${{{var}:-{default}}}: the default differs from {env_example_path} ({documented[var]!r})")

if problems:
    print("\n".join(problems), file=sys.stderr)
    print(f"compose check: {len(problems)} problem(s)", file=sys.stderr)
    sys.exit(1)
print(f"compose check: {len(services)} services in the expected shape; every ${{VAR}} documented in {env_example_path} with the same default")
