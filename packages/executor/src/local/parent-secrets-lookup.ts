// The secrets lookup of a pooled task process: the child never opens the database, so
// Variable.get / Connection.get ask the parent (local executor or worker) over IPC.
import type { ConnectionLookupResult, SecretsLookup } from "@updraft/sdk";
import { PendingRequests } from "./pending-requests.ts";
import type { FromChild, SecretKind, ToChild } from "./pool-protocol.ts";

type Result = Extract<ToChild, { type: "lookup-result" }>;

export class ParentSecretsLookup implements SecretsLookup {
  private readonly requests = new PendingRequests<unknown>();

  constructor(private readonly send: (message: FromChild) => void) {}

  variable(key: string): Promise<string | null> {
    return this.ask("variable", key) as Promise<string | null>;
  }

  connection(connId: string): Promise<ConnectionLookupResult | null> {
    return this.ask("connection", connId) as Promise<ConnectionLookupResult | null>;
  }

  /** Hands the parent's answer to the waiting task. */
  settle(message: Result): void {
    this.requests.settle(message.id, message.error !== null ? { error: new Error(message.error) } : { value: message.value });
  }

  private ask(kind: SecretKind, key: string): Promise<unknown> {
    return this.requests.ask((id) => this.send({ type: "lookup", id, kind, key }));
  }
}
