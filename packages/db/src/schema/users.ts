// Accounts for the web UI and API. Only a password hash is stored; hashing is the caller's job
// so this package stays free of crypto policy.
import { sql } from "drizzle-orm";
import type { UserRole } from "@updraft/core";
import { pgTable, serial, text } from "drizzle-orm/pg-core";
import { timestamptz } from "./columns.ts";

export const users = pgTable("users", {
  id: serial("id").primaryKey(),
  username: text("username").notNull().unique("users_username_key"),
  email: text("email"),
  passwordHash: text("password_hash").notNull(),
  role: text("role").$type<UserRole>().notNull(),
  createdAt: timestamptz("created_at").notNull().default(sql`now()`),
  lastLoginAt: timestamptz("last_login_at"),
});

export type UserRow = typeof users.$inferSelect;
