// Compiles a DAG file that passes an upstream result of the wrong type and checks that the
// TypeScript compiler rejects it, naming the mismatched input.
import { fileURLToPath } from "node:url";
import ts from "typescript";
import { expect, it } from "vitest";

it("a DAG passing a mismatched upstream result fails to compile", () => {
  const tsconfig = fileURLToPath(new URL("../tsconfig.json", import.meta.url));
  const fixture = fileURLToPath(new URL("./fixtures/wrong-input.ts", import.meta.url));
  const { config } = ts.readConfigFile(tsconfig, ts.sys.readFile);
  const parsed = ts.parseJsonConfigFileContent(config, ts.sys, fileURLToPath(new URL("..", import.meta.url)));
  const program = ts.createProgram([fixture], parsed.options);
  const messages = ts
    .getPreEmitDiagnostics(program)
    .filter((d) => d.file?.fileName === fixture)
    .map((d) => ts.flattenDiagnosticMessageText(d.messageText, "\n"));
  expect(messages.length).toBeGreaterThan(0);
  expect(messages.join("\n")).toMatch(/\{ rows: number; \}.*not assignable to type 'string'|Type '\{ rows: number; \}' is not assignable to type 'string'/s);
});
