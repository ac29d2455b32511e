// Entry of the child process that imports DAG files. It reports each file before and after
// importing it, so the parent can blame the exact file that hangs or kills the process. It also
// hashes each DAG: the canonical JSON of a 10,000-task DAG is tens of MiB of short-lived strings,
// better made in this short-lived process than in the scheduler on every parse of the folder. A
// DAG the parent already holds with that hash (request.known) is reported by id and hash only.
import { relative } from "node:path";
import { hashSerializedDag } from "@updraft/core";
import { describeImportFailure } from "./describe-import-failure.ts";
import { importDagFile } from "./import-dag-file.ts";
import type { ParseMessage, ParseRequest } from "./protocol.ts";

function send(message: ParseMessage): Promise<void> {
  return new Promise((resolve) => process.send!(message, () => resolve()));
}

process.once("message", async (request: ParseRequest) => {
  for (const file of request.files) {
    await send({ type: "start", file });
    try {
      const dags = await importDagFile(file);
      const fileloc = relative(request.dagsFolder, file);
      const parsed = dags.map((d) => {
        const serialized = d.serialize(fileloc);
        const hash = hashSerializedDag(serialized);
        return request.known?.[serialized.dagId] === hash ? { known: true as const, dagId: serialized.dagId, hash } : { serialized, hash };
      });
      await send({ type: "parsed", file, dags: parsed });
    } catch (error) {
      await send({ type: "failed", file, message: describeImportFailure(error, request.dagsFolder) });
    }
  }
  // A file's module is done when its import resolves: a timer or socket it left open must not
  // keep this process (and whoever waits for it) alive.
  await send({ type: "done" });
  process.exit(0);
});
