// Requests a pooled task process sends its parent over IPC, each answered by a message carrying
// the same id (secrets lookups, DAG file compiles): the waiting promise per id.
export class PendingRequests<T> {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (value: T) => void; reject: (error: Error) => void }>();

  /** Sends a request under a fresh id (`send` puts it in the message); resolves with its answer. */
  ask(send: (id: number) => void): Promise<T> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      send(id);
    });
  }

  /** Hands the answer to request `id` to its waiter (an unknown id is ignored). */
  settle(id: number, answer: { value: T } | { error: Error }): void {
    const waiter = this.pending.get(id);
    if (!waiter) return;
    this.pending.delete(id);
    if ("error" in answer) waiter.reject(answer.error);
    else waiter.resolve(answer.value);
  }
}
