// Variables over REST in Airflow's v1 shape, encrypted at rest with UPDRAFT_FERNET_KEY.
import { variables } from "@updraft/db";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { as, useApi } from "./support/api-fixture.ts";

const KEY = "cw_0x689RpI-jtRR7oE8h_eQsKImvJapLeSbXpwF4e4=";

describe("variable routes", () => {
  const api = useApi(undefined, { env: { UPDRAFT_FERNET_KEY: KEY } });

  it("creates, reads, patches, lists without values and deletes a variable; the value is encrypted at rest", async () => {
    const { server, database } = api();
    const created = await server.inject({ method: "POST", url: "/api/v1/variables", headers: as.Op, payload: { key: "api_token", value: "t0ps3cret", description: "token" } });
    expect(created.statusCode).toBe(200);
    expect(created.json()).toEqual({ key: "api_token", value: "t0ps3cret", description: "token" });

    const [row] = await database.db.select().from(variables).where(eq(variables.key, "api_token"));
    expect(row!.isEncrypted).toBe(true);
    expect(row!.val).not.toContain("t0ps3cret");

    const got = await server.inject({ url: "/api/v1/variables/api_token", headers: as.Op });
    expect(got.json()).toEqual({ key: "api_token", value: "t0ps3cret", description: "token" });

    const patched = await server.inject({ method: "PATCH", url: "/api/v1/variables/api_token?update_mask=value", headers: as.Op, payload: { value: "new", description: "ignored" } });
    expect(patched.json()).toEqual({ key: "api_token", value: "new", description: "token" });

    const list = (await server.inject({ url: "/api/v1/variables", headers: as.Op })).json();
    expect(list).toEqual({ variables: [{ key: "api_token", description: "token" }], total_entries: 1 });
    expect((await server.inject({ url: "/api/v1/variables", headers: as.Viewer })).statusCode).toBe(403);

    expect((await server.inject({ method: "DELETE", url: "/api/v1/variables/api_token", headers: as.Op })).statusCode).toBe(204);
    const gone = await server.inject({ url: "/api/v1/variables/api_token", headers: as.Op });
    expect(gone.statusCode).toBe(404);
    expect(gone.json().type).toBe("UPDRAFT_VARIABLE_NOT_FOUND");
    const bad = await server.inject({ method: "POST", url: "/api/v1/variables", headers: as.Op, payload: { key: "x" } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().detail).toContain("value");
  });
});
