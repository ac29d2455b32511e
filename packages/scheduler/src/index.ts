export * from "./decisions/index.ts";
