CREATE TABLE "assistance_applications" (
	"application_id" text PRIMARY KEY NOT NULL,
	"psn_no" text NOT NULL,
	"admdvs" text NOT NULL,
	"kind" text NOT NULL,
	"fund_pay_type" text NOT NULL,
	"policy_id" text NOT NULL,
	"application_date" date NOT NULL,
	"state" text DEFAULT 'submitted' NOT NULL,
	"filed_by" text NOT NULL,
	"filed_via" text NOT NULL,
	"warning_id" bigint,
	"household_size" integer NOT NULL,
	"household_income_fen" bigint NOT NULL,
	"certified_difficulty" boolean DEFAULT false NOT NULL,
	"note" text,
	"base_fen" bigint DEFAULT 0 NOT NULL,
	"amount_fen" bigint DEFAULT 0 NOT NULL,
	"setl_ids" jsonb NOT NULL,
	"steps" jsonb NOT NULL,
	"approval_year" integer,
	"reviewed_by" text,
	"reviewed_at" timestamp with time zone,
	"reject_reason" text,
	"paid_by" text,
	"paid_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "assistance_events" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"application_id" text NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	"actor" text NOT NULL,
	"action" text NOT NULL,
	"from_state" text,
	"to_state" text,
	"note" text
);
--> statement-breakpoint
CREATE TABLE "supplementary_enrollments" (
	"psn_no" text NOT NULL,
	"tier_id" text NOT NULL,
	"year" integer NOT NULL,
	"admdvs" text NOT NULL,
	"begin_date" date NOT NULL,
	"end_date" date,
	"source" text NOT NULL,
	"imported_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "supplementary_enrollments_psn_no_tier_id_year_pk" PRIMARY KEY("psn_no","tier_id","year")
);
--> statement-breakpoint
CREATE TABLE "warning_events" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"warning_id" bigint NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	"actor" text NOT NULL,
	"action" text NOT NULL,
	"from_state" text,
	"to_state" text,
	"note" text
);
--> statement-breakpoint
CREATE TABLE "warnings" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"psn_no" text NOT NULL,
	"admdvs" text NOT NULL,
	"policy_id" text NOT NULL,
	"state" text DEFAULT 'new' NOT NULL,
	"criteria" jsonb NOT NULL,
	"proactive" boolean DEFAULT false NOT NULL,
	"category" text,
	"window_from" date NOT NULL,
	"window_to" date NOT NULL,
	"window_self_paid_fen" bigint DEFAULT 0 NOT NULL,
	"household_income_fen" bigint,
	"max_single_self_paid_fen" bigint DEFAULT 0 NOT NULL,
	"setl_ids" jsonb NOT NULL,
	"below_threshold" boolean DEFAULT false NOT NULL,
	"explanation" text NOT NULL,
	"raised_at" timestamp with time zone DEFAULT now() NOT NULL,
	"checked_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "ledger_transfers" ALTER COLUMN "setl_id" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "accumulators" ADD COLUMN "supplementary_base_fen" jsonb DEFAULT '{}'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "accumulators" ADD COLUMN "supplementary_paid_fen" jsonb DEFAULT '{}'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "ledger_transfers" ADD COLUMN "application_id" text;--> statement-breakpoint
ALTER TABLE "assistance_applications" ADD CONSTRAINT "assistance_applications_psn_no_persons_psn_no_fk" FOREIGN KEY ("psn_no") REFERENCES "public"."persons"("psn_no") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "assistance_applications" ADD CONSTRAINT "assistance_applications_warning_id_warnings_id_fk" FOREIGN KEY ("warning_id") REFERENCES "public"."warnings"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "assistance_events" ADD CONSTRAINT "assistance_events_application_id_assistance_applications_application_id_fk" FOREIGN KEY ("application_id") REFERENCES "public"."assistance_applications"("application_id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "supplementary_enrollments" ADD CONSTRAINT "supplementary_enrollments_psn_no_persons_psn_no_fk" FOREIGN KEY ("psn_no") REFERENCES "public"."persons"("psn_no") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "warning_events" ADD CONSTRAINT "warning_events_warning_id_warnings_id_fk" FOREIGN KEY ("warning_id") REFERENCES "public"."warnings"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "warnings" ADD CONSTRAINT "warnings_psn_no_persons_psn_no_fk" FOREIGN KEY ("psn_no") REFERENCES "public"."persons"("psn_no") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "assistance_once_a_year" ON "assistance_applications" USING btree ("psn_no","kind","approval_year") WHERE state in ('approved', 'paid');--> statement-breakpoint
CREATE INDEX "assistance_region_state" ON "assistance_applications" USING btree ("admdvs","state");--> statement-breakpoint
CREATE INDEX "assistance_psn" ON "assistance_applications" USING btree ("psn_no");--> statement-breakpoint
CREATE INDEX "assistance_events_application" ON "assistance_events" USING btree ("application_id","id");--> statement-breakpoint
CREATE INDEX "supplementary_tier" ON "supplementary_enrollments" USING btree ("tier_id","year");--> statement-breakpoint
CREATE INDEX "warning_events_warning" ON "warning_events" USING btree ("warning_id","id");--> statement-breakpoint
CREATE UNIQUE INDEX "warnings_open" ON "warnings" USING btree ("psn_no") WHERE state <> 'closed';--> statement-breakpoint
CREATE INDEX "warnings_region_state" ON "warnings" USING btree ("admdvs","state");--> statement-breakpoint
CREATE INDEX "warnings_psn" ON "warnings" USING btree ("psn_no");--> statement-breakpoint
ALTER TABLE "ledger_transfers" ADD CONSTRAINT "ledger_transfers_application_id_assistance_applications_application_id_fk" FOREIGN KEY ("application_id") REFERENCES "public"."assistance_applications"("application_id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "ledger_application" ON "ledger_transfers" USING btree ("application_id");--> statement-breakpoint
ALTER TABLE "ledger_transfers" ADD CONSTRAINT "ledger_transfers_one_owner" CHECK (("ledger_transfers"."setl_id" is null) <> ("ledger_transfers"."application_id" is null));