// API fuzz: every operation in Updraft's own OpenAPI document, called with malformed bodies,
// wrong types, huge strings, bad ids and unicode, as an Admin (so auth never hides a crash).
// Every answer must be below 500, every 4xx a problem JSON, and the server must still answer
// afterwards. The generator is seeded (FUZZ_SEED, default 20261130) so a failure reproduces.
import { describe, expect, it } from "vitest";
import { as, useApi } from "./support/api-fixture.ts";

const SEED = Number(process.env.FUZZ_SEED ?? 20261130);
const CASES_PER_OPERATION = 12;

/** mulberry32: a tiny seeded PRNG, enough to pick fuzz values reproducibly. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const NASTY_STRINGS = ["", " ", "~", "..", "../../etc/passwd", "%00", "null", "-1", "0", "1e309", "NaN", "true", "🚀💥", "ß́‮evil", "a".repeat(70_000), "'; drop table dags; --", "<script>alert(1)</script>", "\u0000", "9".repeat(40)];
const NASTY_VALUES: unknown[] = [null, true, false, -1, 0, 1.5, 2 ** 53, -(2 ** 31), "x", "🚀", [], [null], {}, { a: { b: { c: [1, "2", null] } } }, "z".repeat(100_000)];

describe("API fuzz", () => {
  const api = useApi();

  it(`answers every operation of the OpenAPI document with < 500 and problem JSON (seed ${SEED})`, async () => {
    const { server } = api();
    const random = prng(SEED);
    const pick = <T>(values: readonly T[]): T => values[Math.floor(random() * values.length)]!;
    const doc = (await server.inject({ url: "/api/v1/openapi.json" })).json() as { paths: Record<string, Record<string, unknown>> };
    const operations = Object.entries(doc.paths).flatMap(([path, ops]) =>
      ["get", "post", "patch", "put", "delete"].filter((m) => ops[m] !== undefined).map((m) => ({ method: m.toUpperCase(), path })),
    );
    expect(operations.length).toBeGreaterThan(40);
    const failures: string[] = [];
    let calls = 0;
    for (const op of operations) {
      // The live event stream never ends by design; it is covered by its own test.
      if (op.path === "/api/v1/events") continue;
      for (let i = 0; i < CASES_PER_OPERATION; i++) {
        const url = op.path.replace(/\{[^}]+\}/g, () => encodeURIComponent(pick(NASTY_STRINGS)).slice(0, 2000));
        const query = random() < 0.5 ? `?${pick(["limit", "offset", "order_by", "state", "dag_ids", "token", "update_mask", "tags"])}=${encodeURIComponent(pick(NASTY_STRINGS).slice(0, 500))}` : "";
        const kind = Math.floor(random() * 4);
        const body =
          kind === 0
            ? "{not json"
            : kind === 1
              ? JSON.stringify(pick(NASTY_VALUES))
              : JSON.stringify(Object.fromEntries(Array.from({ length: 1 + Math.floor(random() * 4) }, () => [pick(["dag_run_id", "state", "new_state", "task_ids", "slots", "name", "username", "password", "role", "conf", "dry_run", "logical_date", "is_paused", "task_id", "dag_ids"]), pick(NASTY_VALUES)])));
        const hasBody = op.method !== "GET" && op.method !== "DELETE";
        const res = await server.inject({
          method: op.method as "GET",
          url: url + query,
          headers: { ...as.Admin, ...(hasBody ? { "content-type": "application/json" } : {}) },
          ...(hasBody ? { payload: body } : {}),
        });
        calls++;
        const where = `${op.method} ${url.slice(0, 120)}${query.slice(0, 60)} body=${body.slice(0, 80)}`;
        if (res.statusCode >= 500) failures.push(`${res.statusCode} ${where}: ${res.body.slice(0, 200)}`);
        else if (res.statusCode >= 400) {
          const type = String(res.headers["content-type"]);
          const problem = type.includes("json") ? (res.json() as { status?: unknown; type?: unknown }) : {};
          if (!type.includes("application/problem+json") || problem.status !== res.statusCode || typeof problem.type !== "string") {
            failures.push(`not a problem JSON (${res.statusCode}, ${type}) ${where}`);
          }
        }
      }
    }
    console.log(`API fuzz: ${calls} calls over ${operations.length} operations, seed ${SEED}, ${failures.length} failures`);
    expect(failures).toEqual([]);
    // Still answering, and the data is still there.
    expect((await server.inject({ url: "/api/v1/health" })).statusCode).toBe(200);
    expect((await server.inject({ url: "/api/v1/dags", headers: as.Viewer })).statusCode).toBe(200);
  });
});
