// Refuses request bodies nested deeper than MAX_BODY_DEPTH with a 400 naming the field. JSON.parse
// takes any depth, but what handles the value next recurses: JSON.stringify in the database
// drivers (a run's conf, a variable, an XCom) overflowed the stack at a few thousand levels, which
// answered 500 and stored nothing. The walk below is iterative, so it cannot overflow itself.
import type { FastifyInstance } from "fastify";
import { UpdraftError } from "@updraft/core";

/**
 * Deepest nesting of objects and arrays a request body may have; the body itself is level 1, so
 * `{"conf": {}}` is 2 deep. .NET's System.Text.Json allows 64 by default and Python's json about
 * 1,000; 100 leaves any real conf or variable room and the stack far from its limit.
 */
export const MAX_BODY_DEPTH = 100;

/**
 * The dotted path (from `body`) of the first value nested deeper than `maxDepth`, or null when
 * none is. Only the path's first `shownKeys` keys are named, so a deep path stays one short line.
 */
export function findTooDeep(value: unknown, maxDepth: number, shownKeys = 3): string | null {
  const stack: { value: unknown; depth: number; path: string }[] = [{ value, depth: 1, path: "body" }];
  for (let item = stack.pop(); item !== undefined; item = stack.pop()) {
    if (item.value === null || typeof item.value !== "object") continue;
    if (item.depth > maxDepth) return item.path;
    const named = item.depth <= shownKeys;
    for (const [key, child] of Object.entries(item.value)) {
      stack.push({ value: child, depth: item.depth + 1, path: named ? `${item.path}.${key}` : item.path });
    }
  }
  return null;
}

/** Answers 400 UPDRAFT_INVALID_INPUT, before validation, for a body nested deeper than {@link MAX_BODY_DEPTH}. */
export function installBodyDepthLimit(app: FastifyInstance): void {
  app.addHook("preValidation", async (request) => {
    const path = findTooDeep(request.body, MAX_BODY_DEPTH);
    if (path !== null) {
      throw new UpdraftError("UPDRAFT_INVALID_INPUT", `${path} is nested more than ${MAX_BODY_DEPTH} levels deep`);
    }
  });
}
