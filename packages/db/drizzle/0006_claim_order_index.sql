DROP INDEX "task_instances_dag_id_state_priority_idx";--> statement-breakpoint
ALTER TABLE "task_instances" ADD COLUMN "run_logical_date" timestamp with time zone;--> statement-breakpoint
CREATE INDEX "task_instances_in_flight_idx" ON "task_instances" USING btree ("dag_id","run_id") WHERE "task_instances"."state" in ('scheduled', 'queued', 'running', 'up_for_retry');--> statement-breakpoint
CREATE INDEX "task_instances_claim_order_idx" ON "task_instances" USING btree ("dag_id","state","priority_weight" DESC NULLS LAST,"run_logical_date","run_id" collate "C","task_id" collate "C");--> statement-breakpoint
UPDATE "task_instances" ti SET "run_logical_date" = r."logical_date" FROM "dag_runs" r WHERE r."dag_id" = ti."dag_id" AND r."run_id" = ti."run_id";--> statement-breakpoint
CREATE FUNCTION "task_instances_run_logical_date"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  SELECT r."logical_date" INTO NEW."run_logical_date" FROM "dag_runs" r WHERE r."dag_id" = NEW."dag_id" AND r."run_id" = NEW."run_id";
  RETURN NEW;
END $$;--> statement-breakpoint
CREATE TRIGGER "task_instances_run_logical_date" BEFORE INSERT ON "task_instances"
  FOR EACH ROW WHEN (NEW."run_logical_date" IS NULL) EXECUTE FUNCTION "task_instances_run_logical_date"();
