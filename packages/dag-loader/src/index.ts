export { discoverDagFiles } from "./discover.ts";
export { importDagFile } from "./import-dag-file.ts";
export { loadDagsFolder } from "./load-dags-folder.ts";
export type { DagBagResult, ImportError, LoadedDag, LoadOptions } from "./load-dags-folder.ts";
export { ensureTypeScriptLoader, runsFromSource, siblingModule, updraftNodeArgs } from "./node-args.ts";
export { formatTypeDiagnostic, typecheckDagsFolder, withTypeErrorsAsImportErrors } from "./typecheck-dags.ts";
export type { TypecheckResult, TypeDiagnostic } from "./typecheck-dags.ts";
