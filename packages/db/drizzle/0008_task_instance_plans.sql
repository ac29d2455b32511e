DROP INDEX "task_instances_state_idx";--> statement-breakpoint
DROP INDEX "task_instances_claim_order_idx";--> statement-breakpoint
CREATE INDEX "task_instances_in_flight_idx" ON "task_instances" USING btree ("state") WHERE "task_instances"."state" in ('queued', 'running', 'up_for_retry');--> statement-breakpoint
CREATE INDEX "task_instances_claim_order_idx" ON "task_instances" USING btree ("dag_id","pool","priority_weight" DESC NULLS LAST,"run_logical_date","run_id" collate "C","task_id" collate "C") WHERE "task_instances"."state" = 'scheduled';--> statement-breakpoint
ALTER TABLE "task_instances" DROP CONSTRAINT "task_instances_pkey";
--> statement-breakpoint
ALTER TABLE "task_instances" ADD CONSTRAINT "task_instances_pkey" PRIMARY KEY("dag_id","task_id","run_id");