CREATE TABLE "catalogue_matches" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"fixmedins_code" text NOT NULL,
	"medins_list_codg" text NOT NULL,
	"medins_list_name" text NOT NULL,
	"list_type" text NOT NULL,
	"med_list_codg" text NOT NULL,
	"admdvs" text NOT NULL,
	"begndate" date NOT NULL,
	"enddate" date,
	"info" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"status" text DEFAULT 'active' NOT NULL,
	"ended_reason" text,
	"source" text NOT NULL,
	"opter" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updt_time" timestamp NOT NULL
);
--> statement-breakpoint
CREATE TABLE "unmatched_codes" (
	"fixmedins_code" text NOT NULL,
	"medins_list_codg" text NOT NULL,
	"medins_list_name" text,
	"reason" text NOT NULL,
	"source" text NOT NULL,
	"times" integer DEFAULT 1 NOT NULL,
	"first_seen" timestamp with time zone DEFAULT now() NOT NULL,
	"last_seen" timestamp with time zone DEFAULT now() NOT NULL,
	"resolved_at" timestamp with time zone,
	CONSTRAINT "unmatched_codes_fixmedins_code_medins_list_codg_pk" PRIMARY KEY("fixmedins_code","medins_list_codg")
);
--> statement-breakpoint
ALTER TABLE "catalogue_matches" ADD CONSTRAINT "catalogue_matches_fixmedins_code_fixmedins_fixmedins_code_fk" FOREIGN KEY ("fixmedins_code") REFERENCES "public"."fixmedins"("fixmedins_code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "catalogue_matches_live" ON "catalogue_matches" USING btree ("fixmedins_code","medins_list_codg","begndate") WHERE status = 'active';--> statement-breakpoint
CREATE INDEX "catalogue_matches_updt" ON "catalogue_matches" USING btree ("fixmedins_code","updt_time","id");