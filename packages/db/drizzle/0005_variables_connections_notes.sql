CREATE TABLE "variables" (
	"id" serial PRIMARY KEY NOT NULL,
	"key" text NOT NULL,
	"val" text,
	"description" text,
	"is_encrypted" boolean DEFAULT false NOT NULL,
	CONSTRAINT "variables_key_key" UNIQUE("key")
);
--> statement-breakpoint
CREATE TABLE "connections" (
	"id" serial PRIMARY KEY NOT NULL,
	"conn_id" text NOT NULL,
	"conn_type" text NOT NULL,
	"description" text,
	"host" text,
	"schema" text,
	"login" text,
	"password" text,
	"port" integer,
	"extra" text,
	"is_encrypted" boolean DEFAULT false NOT NULL,
	"is_extra_encrypted" boolean DEFAULT false NOT NULL,
	CONSTRAINT "connections_conn_id_key" UNIQUE("conn_id")
);
--> statement-breakpoint
ALTER TABLE "dag_runs" ADD COLUMN "note" text;--> statement-breakpoint
ALTER TABLE "task_instances" ADD COLUMN "note" text;