// The LISTEN side of NOTIFY on Postgres: one dedicated connection (never a pooled one, so a
// restart cannot leave a pooled client in a broken LISTEN state) that reconnects by itself after
// Postgres restarts or goes away, subscribes again to every channel, and then calls each handler
// once with an empty payload: notifications sent while it was away are lost, so listeners treat
// the reconnect itself as a wake-up.
import { type OutageLog } from "@updraft/core";
import pg from "pg";

type Handler = (payload: string) => void;

const RETRY_MIN_MS = 250;
const RETRY_MAX_MS = 5_000;

export class ListenConnection {
  private readonly handlers = new Map<string, Set<Handler>>();
  private client: pg.Client | null = null;
  private connecting: Promise<void> | null = null;
  private retryTimer: NodeJS.Timeout | null = null;
  private failures = 0;
  private closed = false;

  constructor(
    private readonly connectionString: string,
    private readonly outage: OutageLog,
  ) {}

  /** Subscribes `handler` to `channel`; resolves once the LISTEN is in place (or retrying). */
  async listen(channel: string, handler: Handler): Promise<() => Promise<void>> {
    let set = this.handlers.get(channel);
    const fresh = set === undefined;
    if (!set) this.handlers.set(channel, (set = new Set()));
    set.add(handler);
    if (this.client === null) await this.connect();
    else if (fresh) await this.client.query(`LISTEN ${quote(channel)}`).catch(() => {});
    return async () => {
      const current = this.handlers.get(channel);
      if (!current?.delete(handler) || current.size > 0) return;
      this.handlers.delete(channel);
      await this.client?.query(`UNLISTEN ${quote(channel)}`).catch(() => {});
    };
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    await this.connecting?.catch(() => {});
    const client = this.client;
    this.client = null;
    await client?.end().catch(() => {});
  }

  private connect(): Promise<void> {
    this.connecting ??= this.open().finally(() => (this.connecting = null));
    return this.connecting;
  }

  private async open(): Promise<void> {
    const client = new pg.Client({ connectionString: this.connectionString, keepAlive: true, connectionTimeoutMillis: 10_000 });
    let lost = false;
    const onLost = (error: unknown) => {
      if (lost) return;
      lost = true;
      if (this.client === client) this.client = null;
      client.end().catch(() => {});
      if (this.closed) return;
      this.outage.down(error);
      this.scheduleRetry();
    };
    client.on("error", onLost);
    client.on("end", () => onLost(new Error("the LISTEN connection ended")));
    client.on("notification", (message) => {
      for (const handler of this.handlers.get(message.channel) ?? []) handler(message.payload ?? "");
    });
    try {
      await client.connect();
      for (const channel of this.handlers.keys()) await client.query(`LISTEN ${quote(channel)}`);
    } catch (error) {
      onLost(error);
      return;
    }
    if (this.closed) {
      await client.end().catch(() => {});
      return;
    }
    this.client = client;
    const wasRetry = this.failures > 0;
    this.failures = 0;
    this.outage.up();
    // Whatever was notified while the connection was down is gone: wake every listener once.
    if (wasRetry) for (const set of this.handlers.values()) for (const handler of set) handler("");
  }

  private scheduleRetry(): void {
    if (this.retryTimer || this.closed) return;
    const delay = Math.min(RETRY_MAX_MS, RETRY_MIN_MS * 2 ** Math.min(this.failures++, 5));
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      void this.connect();
    }, delay);
    this.retryTimer.unref();
  }
}

function quote(channel: string): string {
  return `"${channel.replaceAll('"', '""')}"`;
}
