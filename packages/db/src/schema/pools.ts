// Named slot budgets that cap how many task instances run at once across all workers. Every
// task without an explicit pool uses `default_pool`, which a migration creates.
import { integer, pgTable, text } from "drizzle-orm/pg-core";

export const DEFAULT_POOL_NAME = "default_pool";
export const DEFAULT_POOL_SLOTS = 128;

export const pools = pgTable("pools", {
  name: text("name").primaryKey(),
  slots: integer("slots").notNull(),
  description: text("description"),
});

export type PoolRow = typeof pools.$inferSelect;
