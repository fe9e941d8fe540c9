DROP INDEX "persons_name";--> statement-breakpoint
CREATE INDEX "persons_certno_prefix" ON "persons" USING btree (("certno" collate "C"));--> statement-breakpoint
CREATE INDEX "settlements_time" ON "settlements" USING btree ("setl_time","setl_id");--> statement-breakpoint
CREATE INDEX "persons_name" ON "persons" USING btree (("psn_name" collate "C"),"psn_no");