// Log lines of one try, written in batches (every FLUSH_MS) so a chatty task costs few inserts,
// yet a person watching the log sees lines within a fraction of a second.
import { errorMessage, type Logger } from "@updraft/core";
import { appendTaskLogs, type LogRecord, type TryKey, type UpdraftDb } from "@updraft/db";

const FLUSH_MS = 200;

export class LogBuffer {
  private pending: LogRecord[] = [];
  private timer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> = Promise.resolve();

  constructor(
    private readonly db: UpdraftDb,
    private readonly key: TryKey,
    private readonly logger: Logger,
  ) {}

  add(stream: LogRecord["stream"], line: string, ts: Date): void {
    this.pending.push({ ...this.key, stream, line, ts });
    this.timer ??= setTimeout(() => this.flush(), FLUSH_MS);
  }

  private flush(): void {
    this.timer = null;
    const batch = this.pending;
    this.pending = [];
    if (batch.length === 0) return;
    this.flushing = this.flushing
      .then(() => appendTaskLogs(this.db, batch))
      .catch((error: unknown) => this.logger.warn({ err: errorMessage(error) }, "writing task log lines failed"));
  }

  async close(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.flush();
    await this.flushing;
  }
}
