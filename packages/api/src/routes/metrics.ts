// GET /metrics for Prometheus, without a user as Flower's is: it reveals counts, never names.
import { Type } from "typebox";
import type { UpdraftMetrics } from "../metrics/updraft-metrics.ts";
import type { ApiApp } from "./context.ts";

export function metricsRoutes(app: ApiApp, metrics: UpdraftMetrics): void {
  app.get(
    "/metrics",
    { config: { access: "public" }, schema: { hide: true, response: { 200: Type.String() } } },
    async (_request, reply) => reply.type(metrics.contentType).send(await metrics.scrape()),
  );
}
