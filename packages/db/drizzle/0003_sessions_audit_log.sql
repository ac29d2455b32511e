CREATE TABLE "session" (
	"id" serial PRIMARY KEY NOT NULL,
	"session_id" text NOT NULL,
	"user_id" integer NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"expiry" timestamp with time zone NOT NULL,
	CONSTRAINT "session_session_id_key" UNIQUE("session_id")
);
--> statement-breakpoint
CREATE TABLE "log" (
	"id" serial PRIMARY KEY NOT NULL,
	"dttm" timestamp with time zone DEFAULT now() NOT NULL,
	"dag_id" text,
	"task_id" text,
	"run_id" text,
	"map_index" integer,
	"try_number" integer,
	"event" text NOT NULL,
	"execution_date" timestamp with time zone,
	"owner" text,
	"extra" text
);
--> statement-breakpoint
CREATE TABLE "rate_limit" (
	"key" text PRIMARY KEY NOT NULL,
	"points" integer NOT NULL,
	"expire" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "session" ADD CONSTRAINT "session_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "session_expiry_idx" ON "session" USING btree ("expiry");--> statement-breakpoint
CREATE INDEX "log_dttm_idx" ON "log" USING btree ("dttm");--> statement-breakpoint
CREATE INDEX "log_dag_id_idx" ON "log" USING btree ("dag_id");--> statement-breakpoint
CREATE INDEX "log_event_idx" ON "log" USING btree ("event");