ALTER TABLE "import_jobs" ALTER COLUMN "status" SET DEFAULT 'queued';--> statement-breakpoint
ALTER TABLE "import_jobs" ADD COLUMN "format" text DEFAULT 'csv' NOT NULL;--> statement-breakpoint
ALTER TABLE "import_jobs" ADD COLUMN "options" jsonb DEFAULT '{}'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "import_jobs" ADD COLUMN "file" "bytea";--> statement-breakpoint
ALTER TABLE "import_jobs" ADD COLUMN "progress" jsonb;--> statement-breakpoint
ALTER TABLE "import_jobs" ADD COLUMN "locked_by" text;--> statement-breakpoint
ALTER TABLE "import_jobs" ADD COLUMN "lease_until" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "import_jobs" ADD COLUMN "attempts" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "persons" ADD COLUMN "facts_as_of" timestamp with time zone;--> statement-breakpoint
CREATE INDEX "import_jobs_waiting" ON "import_jobs" USING btree ("status","id");