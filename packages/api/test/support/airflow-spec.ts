// Loads Airflow's v1 OpenAPI document (test/fixtures/airflow-v1.yaml, source in
// airflow-v1.SOURCE.txt) and validates real responses against its response schemas with Ajv.
// OpenAPI 3.0's `nullable: true` is rewritten to JSON Schema (`anyOf [schema, null]`); `$ref`s
// resolve inside the document; Airflow's "datetime" format is read as "date-time".
import { readFileSync } from "node:fs";
import { Ajv, type ErrorObject } from "ajv";
import addFormatsModule from "ajv-formats";
import { parse } from "yaml";

const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

type Json = Record<string, unknown>;
type Operation = { responses: Record<string, Json>; operationId: string };

export const METHODS = ["get", "post", "patch", "put", "delete"] as const;

function rewriteNullable(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(rewriteNullable);
  if (node === null || typeof node !== "object") return node;
  const out: Json = {};
  for (const [k, v] of Object.entries(node)) out[k] = rewriteNullable(v);
  if (out.nullable === true) {
    delete out.nullable;
    return { anyOf: [out, { type: "null" }] };
  }
  delete out.nullable;
  return out;
}

const escape = (segment: string) => segment.replace(/~/g, "~0").replace(/\//g, "~1");

export class AirflowSpec {
  readonly doc: Json & { paths: Record<string, Record<string, Operation>> };
  readonly #ajv: Ajv;

  constructor(file: URL) {
    this.doc = rewriteNullable(parse(readFileSync(file, "utf8"))) as AirflowSpec["doc"];
    this.#ajv = new Ajv({ strict: false, allErrors: true });
    addFormats(this.#ajv);
    this.#ajv.addFormat("datetime", this.#ajv.formats["date-time"]!);
    this.#ajv.addSchema(this.doc, "airflow");
  }

  /** Every operation as `METHOD /path`. */
  operations(): Array<{ key: string; method: string; path: string; operationId: string }> {
    return Object.entries(this.doc.paths).flatMap(([path, ops]) =>
      METHODS.filter((m) => ops[m] !== undefined).map((m) => ({ key: `${m.toUpperCase()} ${path}`, method: m.toUpperCase(), path, operationId: ops[m]!.operationId })),
    );
  }

  /** The spec path template matching a concrete path (`/dags/etl` -> `/dags/{dag_id}`), literal segments first. */
  template(method: string, path: string): string | undefined {
    const parts = path.split("/");
    const candidates = Object.keys(this.doc.paths).filter((t) => {
      const tp = t.split("/");
      return this.doc.paths[t]![method.toLowerCase()] !== undefined && tp.length === parts.length && tp.every((seg, i) => seg.startsWith("{") || seg === parts[i]);
    });
    // Prefer the template with the most literal segments (`/dags/~/dagRuns/list` over `/dags/{dag_id}/dagRuns/{dag_run_id}`).
    const literal = (t: string) => t.split("/").filter((s) => !s.startsWith("{")).length;
    return candidates.sort((a, b) => literal(b) - literal(a))[0];
  }

  /** Validation errors of a response body against the operation's schema for that status; [] when valid. */
  validate(method: string, template: string, status: number, body: unknown): string[] {
    const op = this.doc.paths[template]![method.toLowerCase()]!;
    const key = op.responses[String(status)] !== undefined ? String(status) : "default";
    let response = op.responses[key];
    let pointer = `#/paths/${escape(template)}/${method.toLowerCase()}/responses/${key}`;
    if (response === undefined) return [`status ${status} is not a documented response`];
    if (typeof response.$ref === "string") {
      pointer = response.$ref;
      const components = this.doc.components as { responses: Record<string, Json> };
      response = components.responses[response.$ref.split("/").pop()!];
    }
    const content = (response as { content?: Record<string, unknown> } | undefined)?.content;
    if (content === undefined) return body === undefined || body === null || body === "" ? [] : [`status ${status} has no body in the spec`];
    if (content["application/json"] === undefined) return [];
    const validator = this.#ajv.getSchema(`airflow${pointer}/content/application~1json/schema`);
    if (validator === undefined) return [`no schema at ${pointer}`];
    return validator(body) ? [] : (validator.errors ?? []).map((e: ErrorObject) => `${e.instancePath || "/"} ${e.message ?? ""} ${JSON.stringify(e.params)}`);
  }
}
