CREATE TABLE "contributions" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"enrollment_id" bigint NOT NULL,
	"psn_no" text NOT NULL,
	"year" integer NOT NULL,
	"admdvs" text NOT NULL,
	"kind" text NOT NULL,
	"individual_fen" bigint DEFAULT 0 NOT NULL,
	"person_paid_fen" bigint DEFAULT 0 NOT NULL,
	"assistance_subsidy_fen" bigint DEFAULT 0 NOT NULL,
	"fiscal_subsidy_fen" bigint DEFAULT 0 NOT NULL,
	"category" text,
	"share_ppm" integer DEFAULT 0 NOT NULL,
	"subsidy_fund" text,
	"effective_month" integer,
	"reason" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "duplicate_cases" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"certno" text NOT NULL,
	"psn_no" text NOT NULL,
	"year" integer NOT NULL,
	"kind" text NOT NULL,
	"enrollment_ids" jsonb NOT NULL,
	"found_by" text NOT NULL,
	"status" text DEFAULT 'open' NOT NULL,
	"resolution" text,
	"kept_enrollment_id" bigint,
	"ended_enrollment_ids" jsonb,
	"refund_fen" bigint,
	"resolved_by" text,
	"resolved_at" timestamp with time zone,
	"note" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "households" (
	"household_id" text PRIMARY KEY NOT NULL,
	"admdvs" text NOT NULL,
	"head_certno" text,
	"address" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "population" (
	"admdvs" text NOT NULL,
	"year" integer NOT NULL,
	"category" text NOT NULL,
	"count" integer NOT NULL,
	"source" text,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "population_admdvs_year_category_pk" PRIMARY KEY("admdvs","year","category")
);
--> statement-breakpoint
ALTER TABLE "enrollments" ADD COLUMN "enddate" date;--> statement-breakpoint
ALTER TABLE "enrollments" ADD COLUMN "end_reason" text;--> statement-breakpoint
ALTER TABLE "persons" ADD COLUMN "rural" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "persons" ADD COLUMN "disability_level" integer;--> statement-breakpoint
ALTER TABLE "persons" ADD COLUMN "serious_illness" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "persons" ADD COLUMN "household_income_fen" bigint;--> statement-breakpoint
ALTER TABLE "contributions" ADD CONSTRAINT "contributions_enrollment_id_enrollments_id_fk" FOREIGN KEY ("enrollment_id") REFERENCES "public"."enrollments"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "contributions" ADD CONSTRAINT "contributions_psn_no_persons_psn_no_fk" FOREIGN KEY ("psn_no") REFERENCES "public"."persons"("psn_no") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "duplicate_cases" ADD CONSTRAINT "duplicate_cases_psn_no_persons_psn_no_fk" FOREIGN KEY ("psn_no") REFERENCES "public"."persons"("psn_no") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "contributions_enrollment" ON "contributions" USING btree ("enrollment_id");--> statement-breakpoint
CREATE INDEX "contributions_year" ON "contributions" USING btree ("year","admdvs");--> statement-breakpoint
CREATE UNIQUE INDEX "duplicate_cases_key" ON "duplicate_cases" USING btree ("psn_no","year","kind");--> statement-breakpoint
CREATE INDEX "duplicate_cases_status" ON "duplicate_cases" USING btree ("status");--> statement-breakpoint
CREATE INDEX "enrollments_year" ON "enrollments" USING btree ("year","admdvs");