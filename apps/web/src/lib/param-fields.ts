// The trigger form's fields, from a DAG's params: each param's input kind from its JSON Schema
// (Airflow's Param) or, for an untyped param, from its default's type; and the run's conf parsed
// back from what was typed. Pure, so it is unit-tested without a browser.
import type { ParamSchema } from "../api/types.ts";

export type ParamKind =
  | { kind: "enum"; options: unknown[] }
  | { kind: "boolean" }
  | { kind: "number"; integer: boolean }
  | { kind: "string"; format: string | undefined }
  | { kind: "json" };

/** A field's value as the form holds it: text, a checkbox, or the index of an enum option. */
export type FieldValue = string | boolean;

function typeOf(schema: ParamSchema | undefined): string | undefined {
  const t = schema?.type;
  // ["string", "null"] and the like: the first non-null type decides the input.
  return Array.isArray(t) ? t.find((x) => x !== "null") : t;
}

/** The input a param gets: by its schema's enum, type and format, else by its default's type. */
export function paramKind(schema: ParamSchema | undefined, def: unknown): ParamKind {
  if (schema?.enum && schema.enum.length > 0) return { kind: "enum", options: schema.enum };
  const type = typeOf(schema) ?? (typeof def === "boolean" ? "boolean" : typeof def === "number" ? "number" : typeof def === "string" ? "string" : undefined);
  switch (type) {
    case "boolean":
      return { kind: "boolean" };
    case "integer":
      return { kind: "number", integer: true };
    case "number":
      return { kind: "number", integer: false };
    case "string":
      return { kind: "string", format: schema?.format };
    default:
      return { kind: "json" };
  }
}

/** The HTML input type for a string format (others are plain text, checked by the API). */
export function inputTypeForFormat(format: string | undefined): string {
  switch (format) {
    case "date":
      return "date";
    case "time":
      return "time";
    case "email":
      return "email";
    case "uri":
    case "url":
      return "url";
    default:
      return "text";
  }
}

/** The form's starting value for a param: its default, in the field's representation. */
export function initialValue(kind: ParamKind, def: unknown): FieldValue {
  switch (kind.kind) {
    case "enum": {
      const i = kind.options.findIndex((o) => JSON.stringify(o) === JSON.stringify(def));
      return i < 0 ? "" : String(i);
    }
    case "boolean":
      return def === true;
    case "number":
      return typeof def === "number" ? String(def) : "";
    case "string":
      return typeof def === "string" ? def : def === undefined || def === null ? "" : String(def);
    case "json":
      return def === undefined ? "" : JSON.stringify(def, null, 2);
  }
}

export interface ParamField {
  name: string;
  kind: ParamKind;
  schema: ParamSchema | undefined;
  def: unknown;
}

/** One field per param (params with a default, and typed params without one), in declaration order. */
export function paramFields(params: Record<string, unknown>, schemas: Record<string, ParamSchema> | undefined): ParamField[] {
  const names = [...new Set([...Object.keys(params), ...Object.keys(schemas ?? {})])];
  return names.map((name) => ({ name, schema: schemas?.[name], def: params[name], kind: paramKind(schemas?.[name], params[name]) }));
}

/**
 * The run's conf from the form: each field parsed to its kind. An empty number or JSON field is
 * left out, so the param's default applies (and the API names a typed param that has none).
 * @throws Error naming the param when a number or JSON field does not parse.
 */
export function confFromFields(fields: readonly ParamField[], values: Record<string, FieldValue>): Record<string, unknown> {
  const conf: Record<string, unknown> = {};
  for (const field of fields) {
    const value = values[field.name] ?? initialValue(field.kind, field.def);
    switch (field.kind.kind) {
      case "boolean":
        conf[field.name] = value === true;
        break;
      case "enum":
        if (value !== "") conf[field.name] = field.kind.options[Number(value)];
        break;
      case "number": {
        const text = String(value).trim();
        if (text === "") break;
        const n = Number(text);
        if (!Number.isFinite(n)) throw new Error(`param "${field.name}" must be a number`);
        conf[field.name] = n;
        break;
      }
      case "string":
        conf[field.name] = String(value);
        break;
      case "json": {
        const text = String(value).trim();
        if (text === "") break;
        try {
          conf[field.name] = JSON.parse(text);
        } catch {
          throw new Error(`param "${field.name}" must be JSON (for example ${JSON.stringify(field.def ?? {})})`);
        }
        break;
      }
    }
  }
  return conf;
}

/** The param an API error names (`param "rows" of DAG …`), to show the message beside its field. */
export function paramNamedIn(message: string): string | undefined {
  return /param "([^"]+)"/.exec(message)?.[1];
}
