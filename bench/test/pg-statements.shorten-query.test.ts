import { describe, expect, it } from "vitest";
import { shortenQuery } from "../src/pg-statements.ts";

describe("shortenQuery", () => {
  it("collapses whitespace and cuts long statements to the limit with an ellipsis", () => {
    expect(shortenQuery("select  1\n  from\tt")).toBe("select 1 from t");
    const long = shortenQuery(`select ${"x, ".repeat(60)}y from t`, 20);
    expect(long).toHaveLength(20);
    expect(long.endsWith("…")).toBe(true);
  });
});
