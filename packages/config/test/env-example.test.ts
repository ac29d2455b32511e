// Keeps /work/main/.env.example (at the workspace root) in step with CONFIG_VARIABLES, the
// schema's own list: every variable documented there, nothing there that the schema ignores.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { CONFIG_VARIABLES } from "../src/index.ts";

const examplePath = fileURLToPath(new URL("../../../.env.example", import.meta.url));
const lines = readFileSync(examplePath, "utf8").split("\n");

/** Assignments in the file, commented out (`# NAME=value`) or not, in file order. */
const assignments = lines.flatMap((line, index) => {
  const match = /^#?\s*([A-Z][A-Z0-9_]*)=(.*)$/.exec(line);
  return match ? [{ name: match[1]!, value: match[2]!, comment: lines[index - 1] ?? "" }] : [];
});

describe(".env.example", () => {
  it("lists every variable of the schema, once", () => {
    const names = assignments.map((a) => a.name);
    for (const { name } of CONFIG_VARIABLES) expect(names.filter((n) => n === name), name).toHaveLength(1);
  });

  it("lists nothing the schema does not know", () => {
    const known = new Set<string>(CONFIG_VARIABLES.map((v) => v.name));
    expect(assignments.map((a) => a.name).filter((name) => !known.has(name))).toEqual([]);
  });

  it("follows the schema's order", () => {
    expect(assignments.map((a) => a.name)).toEqual(CONFIG_VARIABLES.map((v) => v.name));
  });

  it("shows each default as the value and describes each variable on the line above", () => {
    for (const { name, default: defaultValue } of CONFIG_VARIABLES) {
      const assignment = assignments.find((a) => a.name === name)!;
      // Optional variables have no default; their line shows an example instead.
      if (defaultValue !== "") expect(assignment.value, name).toBe(defaultValue);
      expect(assignment.comment, name).toMatch(/^# \S/);
      expect(assignment.comment, name).not.toMatch(/^#\s*[A-Z][A-Z0-9_]*=/);
    }
  });
});
