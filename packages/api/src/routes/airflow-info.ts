// Airflow's informational endpoints: dagStats (run counts per state), dagSources/{file_token}
// (a DAG file's text), version, and config (Admin only, secrets shown as "< hidden >" as Airflow).
import { readFile } from "node:fs/promises";
import { filelocOfToken } from "@updraft/api-contract";
import type { FrozenConfig } from "@updraft/config";
import { DAG_RUN_STATES, UpdraftError } from "@updraft/core";
import { countDagRunsPerDagAndState, listDags } from "@updraft/db";
import { Config, ConfigOptionParams, ConfigQuery, DagSourceContent, DagSourceParams, DagStats, DagStatsQuery, VersionInfo } from "../schemas/airflow-reads.ts";
import { errorResponses } from "../schemas/common.ts";
import type { ApiApp, ApiContext } from "./context.ts";
import { resolveInside } from "./dag-details.ts";
import { splitList } from "./query-lists.ts";

/** Shown instead of a secret's value, as Airflow's config endpoint does. */
export const HIDDEN = "< hidden >";
const SECRET_KEY = /password|secret|token|fernet|key|database_url|redis_url/i;

const snake = (name: string) => name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

/** The effective configuration as Airflow's sections: `core` for top-level settings, one per nested group. */
export function configSections(config: FrozenConfig) {
  const sections = new Map<string, Array<{ key: string; value: string }>>();
  const add = (section: string, key: string, value: unknown) => {
    const shown = SECRET_KEY.test(key) ? HIDDEN : value === undefined ? "" : String(value);
    sections.set(section, [...(sections.get(section) ?? []), { key, value: shown }]);
  };
  for (const [name, value] of Object.entries(config)) {
    if (value !== null && typeof value === "object") for (const [k, v] of Object.entries(value as object)) add(snake(name), snake(k), v);
    else add("core", snake(name), value);
  }
  return [...sections].map(([name, options]) => ({ name, options }));
}

export function airflowInfoRoutes(app: ApiApp, { db, config }: ApiContext, version: string): void {
  app.get(
    "/api/v1/dagStats",
    { schema: { tags: ["DagStats"], summary: "Run counts per DAG and state", querystring: DagStatsQuery, response: { 200: DagStats, ...errorResponses } } },
    async (request) => {
      const dagIds = request.query.dag_ids === undefined ? (await listDags(db)).map((d) => d.dagId) : splitList([request.query.dag_ids]);
      const counts = await countDagRunsPerDagAndState(db, dagIds);
      const dags = dagIds.map((dagId) => ({
        dag_id: dagId,
        stats: DAG_RUN_STATES.map((state) => ({ state, count: Number(counts.find((c) => c.dagId === dagId && c.state === state)?.count ?? 0) })),
      }));
      return { dags, total_entries: dags.length };
    },
  );

  app.get(
    "/api/v1/dagSources/:file_token",
    {
      schema: {
        tags: ["DAG"],
        summary: "Get a DAG file's source by the file_token of its DAG (JSON, or text with Accept: text/plain)",
        params: DagSourceParams,
        response: { 200: DagSourceContent, ...errorResponses },
      },
    },
    async (request, reply) => {
      const fileloc = filelocOfToken(request.params.file_token);
      // Only files that define a known DAG are served, and only from inside the DAGs folder.
      const known = fileloc === undefined ? undefined : (await listDags(db)).find((d) => d.fileloc === fileloc);
      const path = known === undefined ? undefined : await resolveInside(config.dagsFolder, known.fileloc).catch(() => undefined);
      if (path === undefined) {
        throw new UpdraftError("UPDRAFT_DAG_NOT_FOUND", "No DAG file has this file_token", { details: { fileToken: request.params.file_token } });
      }
      const content = await readFile(path, "utf8");
      const accept = request.headers.accept ?? "";
      if (/text\/plain|plain\/text/.test(accept) && !accept.includes("application/json")) return reply.type("text/plain; charset=utf-8").serializer((v: unknown) => String(v)).send(content as never);
      return { content };
    },
  );

  app.get(
    "/api/v1/version",
    { schema: { tags: ["Monitoring"], summary: "Updraft's version", response: { 200: VersionInfo, ...errorResponses } } },
    async () => ({ version, git_version: null }),
  );

  app.get(
    "/api/v1/config",
    { config: { access: "Admin" }, schema: { tags: ["Config"], summary: "The effective configuration; secrets hidden", querystring: ConfigQuery, response: { 200: Config, ...errorResponses } } },
    async (request) => {
      const sections = configSections(config).filter((s) => request.query.section === undefined || s.name === request.query.section);
      return { sections };
    },
  );

  app.get(
    "/api/v1/config/section/:section/option/:option",
    { config: { access: "Admin" }, schema: { tags: ["Config"], summary: "One configuration option; secrets hidden", params: ConfigOptionParams, response: { 200: Config, ...errorResponses } } },
    async (request) => {
      const section = configSections(config).find((s) => s.name === request.params.section);
      const option = section?.options.find((o) => o.key === request.params.option);
      if (section === undefined || option === undefined) {
        throw new UpdraftError("UPDRAFT_INVALID_INPUT", `No option "${request.params.option}" in section "${request.params.section}"`, {
          details: { section: request.params.section, option: request.params.option },
        });
      }
      return { sections: [{ name: section.name, options: [option] }] };
    },
  );
}
