// Bounded writes. On the embedded database (PGlite) every statement runs on this process's one
// thread: a 10,000-row UPDATE holds every other query, HTTP answer and signal handler until it
// ends. Multi-row writes whose rows are independent (each guarded on its own) go in chunks, and
// the event loop gets a turn between two chunks.

/** Rows per statement for multi-row writes of task instances. */
export const WRITE_CHUNK_ROWS = 500;

/**
 * Runs `write` for each chunk of at most `size` rows, in order, yielding to the event loop
 * (setImmediate) between chunks. Not atomic across chunks: use it only where each row stands alone.
 */
export async function inChunks<T>(rows: readonly T[], write: (chunk: readonly T[]) => Promise<unknown>, size = WRITE_CHUNK_ROWS): Promise<void> {
  for (let i = 0; i < rows.length; i += size) {
    if (i > 0) await new Promise((resolve) => setImmediate(resolve));
    await write(rows.slice(i, i + size));
  }
}
