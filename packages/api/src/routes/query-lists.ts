// Query parameters that accept both repetition (`?state=a&state=b`) and comma lists (`?state=a,b`).

export function splitList(values: readonly string[]): string[] {
  return values.flatMap((v) => v.split(",")).map((v) => v.trim()).filter((v) => v !== "");
}
