// Server push for the dashboard: a text/event-stream of small change events from the process's
// one ChangeFeed. Each connection only subscribes; it never queries the database itself.
import { Type } from "typebox";
import type { ChangeFeed } from "../live/change-feed.ts";
import { errorResponses } from "../schemas/common.ts";
import type { ApiApp } from "./context.ts";

/** Comment lines keep proxies from closing an idle stream. */
const KEEPALIVE_MS = 15_000;

export function eventRoutes(app: ApiApp, feed: ChangeFeed): void {
  const open = new Set<() => void>();
  // preClose runs before the HTTP server stops: ending the streams first lets close() finish.
  app.addHook("preClose", async () => {
    for (const end of open) end();
  });
  app.addHook("onClose", () => feed.close());

  app.get(
    "/api/v1/events",
    {
      schema: {
        tags: ["Monitoring"],
        summary: 'Server-sent events: {"type":"run-changed","dag_id","run_id"} and {"type":"workers-changed"}',
        response: {
          200: { description: "An event stream", content: { "text/event-stream": { schema: Type.String() } } },
          ...errorResponses,
        },
      },
    },
    (request, reply) => {
      reply.hijack();
      const raw = reply.raw;
      raw.writeHead(200, {
        "content-type": "text/event-stream; charset=utf-8",
        "cache-control": "no-cache, no-transform",
        connection: "keep-alive",
        // nginx would otherwise buffer the stream.
        "x-accel-buffering": "no",
      });
      // Tell the browser to reconnect quickly after a restart, then confirm the stream is open.
      raw.write("retry: 2000\n: connected\n\n");
      const unsubscribe = feed.subscribe((events) => {
        for (const event of events) raw.write(`data: ${JSON.stringify(event)}\n\n`);
      });
      const keepalive = setInterval(() => raw.write(": keepalive\n\n"), KEEPALIVE_MS);
      const end = () => {
        if (!open.delete(end)) return;
        clearInterval(keepalive);
        unsubscribe();
        raw.end();
      };
      open.add(end);
      request.raw.once("close", end);
    },
  );
}
