// bull-board at /queues: the broker's Redis queues (waiting, active, failed jobs), like Flower's
// broker tab. Its routes get the API's access rules (reads for every user, job actions for
// Admin) and the same login. Queues appear as soon as a worker or the scheduler created them.
import { createBullBoard } from "@bull-board/api";
import { BullMQAdapter } from "@bull-board/api/bullMQAdapter";
import { FastifyAdapter } from "@bull-board/fastify";
import type { Broker } from "@updraft/broker";
import type { ApiApp } from "./context.ts";

export const QUEUES_PREFIX = "/queues";
const REFRESH_MS = 10_000;

export async function registerQueueBoard(app: ApiApp, broker: Broker | undefined): Promise<void> {
  if (!broker) {
    app.get(QUEUES_PREFIX, { schema: { hide: true } }, async (_request, reply) =>
      reply
        .type("text/html")
        .send(
          `<!doctype html><title>Queues</title><body style="font-family:system-ui;margin:3rem"><h1>No queues</h1><p>This Updraft runs the local executor, which needs no broker. Queues exist with <code>UPDRAFT_EXECUTOR=distributed</code> (Redis and <code>updraft worker</code>).</p><p><a href="/">Back to the dashboard</a></p></body>`,
        ),
    );
    return;
  }
  const serverAdapter = new FastifyAdapter();
  serverAdapter.setBasePath(QUEUES_PREFIX);
  const board = createBullBoard({ queues: [], serverAdapter, options: { uiConfig: { boardTitle: "Updraft queues" } } });
  const refresh = async () => {
    const names = await broker.knownQueueNames();
    board.replaceQueues(names.map((name) => new BullMQAdapter(broker.queue(name), { readOnlyMode: false })));
  };
  await refresh().catch(() => {});
  const timer = setInterval(() => void refresh().catch(() => {}), REFRESH_MS);
  timer.unref();
  app.addHook("onClose", async () => clearInterval(timer));
  await app.register(serverAdapter.registerPlugin() as Parameters<ApiApp["register"]>[0], { prefix: QUEUES_PREFIX });
}
