DROP INDEX "task_instances_state_priority_idx";--> statement-breakpoint
DROP INDEX "task_instances_dag_id_run_id_idx";--> statement-breakpoint
DROP INDEX "task_instances_claim_order_idx";--> statement-breakpoint
CREATE INDEX "task_instances_run_state_idx" ON "task_instances" USING btree ("dag_id","run_id","state","task_id");--> statement-breakpoint
CREATE INDEX "task_instances_claim_order_idx" ON "task_instances" USING btree ("dag_id","priority_weight" DESC NULLS LAST,"run_logical_date","run_id" collate "C","task_id" collate "C") WHERE "task_instances"."state" = 'scheduled';