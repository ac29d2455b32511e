// What every route module receives: the typed Fastify instance and the shared services.
import type { FrozenConfig } from "@updraft/config";
import type { UpdraftDb } from "@updraft/db";
import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import type { FastifyBaseLogger, FastifyInstance, RawReplyDefaultExpression, RawRequestDefaultExpression, RawServerDefault } from "fastify";

export type ApiApp = FastifyInstance<RawServerDefault, RawRequestDefaultExpression, RawReplyDefaultExpression, FastifyBaseLogger, TypeBoxTypeProvider>;

export interface ApiContext {
  db: UpdraftDb;
  config: FrozenConfig;
}
