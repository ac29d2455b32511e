// The secrets lookup of a pooled task process: the child never opens the database, so
// Variable.get / Connection.get ask the parent (local executor or worker) over IPC.
import type { ConnectionLookupResult, SecretsLookup } from "@updraft/sdk";
import type { FromChild, SecretKind, ToChild } from "./pool-protocol.ts";

type Result = Extract<ToChild, { type: "lookup-result" }>;

export class ParentSecretsLookup implements SecretsLookup {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();

  constructor(private readonly send: (message: FromChild) => void) {}

  variable(key: string): Promise<string | null> {
    return this.ask("variable", key) as Promise<string | null>;
  }

  connection(connId: string): Promise<ConnectionLookupResult | null> {
    return this.ask("connection", connId) as Promise<ConnectionLookupResult | null>;
  }

  /** Hands the parent's answer to the waiting task. */
  settle(message: Result): void {
    const waiter = this.pending.get(message.id);
    if (!waiter) return;
    this.pending.delete(message.id);
    if (message.error !== null) waiter.reject(new Error(message.error));
    else waiter.resolve(message.value);
  }

  private ask(kind: SecretKind, key: string): Promise<unknown> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.send({ type: "lookup", id, kind, key });
    });
  }
}
