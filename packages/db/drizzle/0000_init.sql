CREATE TABLE "dags" (
	"dag_id" text PRIMARY KEY NOT NULL,
	"fileloc" text NOT NULL,
	"is_paused" boolean DEFAULT true NOT NULL,
	"is_active" boolean DEFAULT true NOT NULL,
	"serialized" jsonb NOT NULL,
	"hash" text NOT NULL,
	"description" text,
	"schedule" text,
	"tags" text[] DEFAULT '{}'::text[] NOT NULL,
	"last_parsed_at" timestamp with time zone NOT NULL,
	"next_dagrun_logical_date" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "dag_runs" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"dag_id" text NOT NULL,
	"run_id" text NOT NULL,
	"run_type" text NOT NULL,
	"state" text NOT NULL,
	"conf" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"logical_date" timestamp with time zone NOT NULL,
	"data_interval_start" timestamp with time zone,
	"data_interval_end" timestamp with time zone,
	"queued_at" timestamp with time zone,
	"start_date" timestamp with time zone,
	"end_date" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "dag_runs_dag_id_run_id_key" UNIQUE("dag_id","run_id")
);
--> statement-breakpoint
CREATE TABLE "task_instance_history" (
	"dag_id" text NOT NULL,
	"run_id" text NOT NULL,
	"task_id" text NOT NULL,
	"try_number" integer NOT NULL,
	"state" text NOT NULL,
	"start_date" timestamp with time zone,
	"end_date" timestamp with time zone,
	"duration" double precision,
	"hostname" text,
	"worker_name" text,
	"pid" integer,
	"queue" text,
	"pool" text,
	"error" text,
	CONSTRAINT "task_instance_history_pkey" PRIMARY KEY("dag_id","run_id","task_id","try_number")
);
--> statement-breakpoint
CREATE TABLE "task_instances" (
	"dag_id" text NOT NULL,
	"run_id" text NOT NULL,
	"task_id" text NOT NULL,
	"state" text,
	"try_number" integer DEFAULT 0 NOT NULL,
	"max_tries" integer DEFAULT 0 NOT NULL,
	"start_date" timestamp with time zone,
	"end_date" timestamp with time zone,
	"duration" double precision,
	"queue" text DEFAULT 'default' NOT NULL,
	"pool" text DEFAULT 'default_pool' NOT NULL,
	"pool_slots" integer DEFAULT 1 NOT NULL,
	"priority_weight" integer DEFAULT 1 NOT NULL,
	"hostname" text,
	"worker_name" text,
	"pid" integer,
	"queued_at" timestamp with time zone,
	"next_retry_at" timestamp with time zone,
	"last_heartbeat_at" timestamp with time zone,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "task_instances_pkey" PRIMARY KEY("dag_id","run_id","task_id")
);
--> statement-breakpoint
CREATE TABLE "xcom" (
	"dag_id" text NOT NULL,
	"run_id" text NOT NULL,
	"task_id" text NOT NULL,
	"key" text DEFAULT 'return_value' NOT NULL,
	"value" jsonb,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "xcom_pkey" PRIMARY KEY("dag_id","run_id","task_id","key")
);
--> statement-breakpoint
CREATE TABLE "task_logs" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"dag_id" text NOT NULL,
	"run_id" text NOT NULL,
	"task_id" text NOT NULL,
	"try_number" integer NOT NULL,
	"ts" timestamp with time zone DEFAULT now() NOT NULL,
	"stream" text NOT NULL,
	"line" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "import_errors" (
	"id" serial PRIMARY KEY NOT NULL,
	"filename" text NOT NULL,
	"stack_trace" text NOT NULL,
	"timestamp" timestamp with time zone NOT NULL,
	CONSTRAINT "import_errors_filename_key" UNIQUE("filename")
);
--> statement-breakpoint
CREATE TABLE "pools" (
	"name" text PRIMARY KEY NOT NULL,
	"slots" integer NOT NULL,
	"description" text
);
--> statement-breakpoint
CREATE TABLE "users" (
	"id" serial PRIMARY KEY NOT NULL,
	"username" text NOT NULL,
	"email" text,
	"password_hash" text NOT NULL,
	"role" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_login_at" timestamp with time zone,
	CONSTRAINT "users_username_key" UNIQUE("username")
);
--> statement-breakpoint
CREATE TABLE "scheduler_jobs" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"job_type" text NOT NULL,
	"hostname" text NOT NULL,
	"pid" integer NOT NULL,
	"state" text DEFAULT 'running' NOT NULL,
	"started_at" timestamp with time zone DEFAULT now() NOT NULL,
	"latest_heartbeat" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "workers" (
	"name" text PRIMARY KEY NOT NULL,
	"hostname" text NOT NULL,
	"pid" integer NOT NULL,
	"queues" text[] NOT NULL,
	"concurrency" integer NOT NULL,
	"started_at" timestamp with time zone NOT NULL,
	"last_heartbeat" timestamp with time zone NOT NULL,
	"active" integer DEFAULT 0 NOT NULL,
	"processed" integer DEFAULT 0 NOT NULL,
	"succeeded" integer DEFAULT 0 NOT NULL,
	"failed" integer DEFAULT 0 NOT NULL,
	"state" text DEFAULT 'online' NOT NULL
);
--> statement-breakpoint
ALTER TABLE "dag_runs" ADD CONSTRAINT "dag_runs_dag_id_dags_dag_id_fk" FOREIGN KEY ("dag_id") REFERENCES "public"."dags"("dag_id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "task_instance_history" ADD CONSTRAINT "task_instance_history_dag_run_fk" FOREIGN KEY ("dag_id","run_id") REFERENCES "public"."dag_runs"("dag_id","run_id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "task_instances" ADD CONSTRAINT "task_instances_dag_run_fk" FOREIGN KEY ("dag_id","run_id") REFERENCES "public"."dag_runs"("dag_id","run_id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "xcom" ADD CONSTRAINT "xcom_dag_run_fk" FOREIGN KEY ("dag_id","run_id") REFERENCES "public"."dag_runs"("dag_id","run_id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "task_logs" ADD CONSTRAINT "task_logs_dag_run_fk" FOREIGN KEY ("dag_id","run_id") REFERENCES "public"."dag_runs"("dag_id","run_id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "dags_is_active_is_paused_idx" ON "dags" USING btree ("is_active","is_paused");--> statement-breakpoint
CREATE INDEX "dag_runs_state_idx" ON "dag_runs" USING btree ("state");--> statement-breakpoint
CREATE INDEX "dag_runs_dag_id_state_idx" ON "dag_runs" USING btree ("dag_id","state");--> statement-breakpoint
CREATE INDEX "dag_runs_dag_id_logical_date_idx" ON "dag_runs" USING btree ("dag_id","logical_date");--> statement-breakpoint
CREATE INDEX "task_instances_state_idx" ON "task_instances" USING btree ("state");--> statement-breakpoint
CREATE INDEX "task_instances_state_priority_idx" ON "task_instances" USING btree ("state","priority_weight");--> statement-breakpoint
CREATE INDEX "task_instances_dag_id_run_id_idx" ON "task_instances" USING btree ("dag_id","run_id");--> statement-breakpoint
CREATE INDEX "task_logs_try_idx" ON "task_logs" USING btree ("dag_id","run_id","task_id","try_number","id");--> statement-breakpoint
CREATE INDEX "scheduler_jobs_type_heartbeat_idx" ON "scheduler_jobs" USING btree ("job_type","latest_heartbeat");