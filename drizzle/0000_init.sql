CREATE TABLE "accumulators" (
	"psn_no" text NOT NULL,
	"year" integer NOT NULL,
	"outpatient_deductible_counted_fen" bigint DEFAULT 0 NOT NULL,
	"outpatient_basic_paid_fen" bigint DEFAULT 0 NOT NULL,
	"inpatient_chronic_basic_paid_fen" bigint DEFAULT 0 NOT NULL,
	"chronic_basic_paid_fen" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"tier_two_base_fen" bigint DEFAULT 0 NOT NULL,
	"critical_illness_paid_fen" bigint DEFAULT 0 NOT NULL,
	"large_amount_paid_fen" bigint DEFAULT 0 NOT NULL,
	"assistance_base_fen" bigint DEFAULT 0 NOT NULL,
	"assistance_paid_fen" bigint DEFAULT 0 NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "accumulators_psn_no_year_pk" PRIMARY KEY("psn_no","year")
);
--> statement-breakpoint
CREATE TABLE "catalogue_entries" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"admdvs" text NOT NULL,
	"med_list_codg" text NOT NULL,
	"med_list_name" text NOT NULL,
	"chrgitm_lv" text NOT NULL,
	"selfpay_prop_ppm" integer NOT NULL,
	"pric_uplmt_amt_fen" bigint,
	"list_type" text NOT NULL,
	"begndate" date NOT NULL,
	"enddate" date
);
--> statement-breakpoint
CREATE TABLE "chronic_filings" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"psn_no" text NOT NULL,
	"insutype" text NOT NULL,
	"opsp_dise_code" text NOT NULL,
	"opsp_dise_name" text NOT NULL,
	"ide_fixmedins_no" text,
	"begndate" date NOT NULL,
	"enddate" date,
	"status" text DEFAULT 'active' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "diagnoses" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"mdtrt_id" text NOT NULL,
	"diag_type" text NOT NULL,
	"diag_srt_no" integer NOT NULL,
	"diag_code" text NOT NULL,
	"diag_name" text NOT NULL,
	"vali_flag" boolean DEFAULT true NOT NULL
);
--> statement-breakpoint
CREATE TABLE "encounters" (
	"mdtrt_id" text PRIMARY KEY NOT NULL,
	"psn_no" text NOT NULL,
	"insutype" text NOT NULL,
	"fixmedins_code" text NOT NULL,
	"kind" text NOT NULL,
	"med_type" text NOT NULL,
	"mdtrtarea_admvs" text NOT NULL,
	"insuplc_admdvs" text NOT NULL,
	"offsite_filing" text,
	"opsp_dise_code" text,
	"ipt_otp_no" text,
	"begntime" timestamp NOT NULL,
	"endtime" timestamp,
	"dscg_way" text,
	"status" text NOT NULL,
	"info" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "enrollments" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"psn_no" text NOT NULL,
	"insutype" text NOT NULL,
	"admdvs" text NOT NULL,
	"year" integer NOT NULL,
	"status" text DEFAULT 'enrolled' NOT NULL,
	"psn_insu_date" date NOT NULL,
	"paus_insu_date" date,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "fee_lines" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"mdtrt_id" text NOT NULL,
	"feedetl_sn" text NOT NULL,
	"chrg_bchno" text,
	"med_list_codg" text NOT NULL,
	"medins_list_codg" text,
	"pric_fen" bigint NOT NULL,
	"cnt_e4" bigint NOT NULL,
	"det_item_fee_sumamt" bigint DEFAULT 0 NOT NULL,
	"fulamt_ownpay_amt" bigint DEFAULT 0 NOT NULL,
	"overlmt_amt" bigint DEFAULT 0 NOT NULL,
	"preselfpay_amt" bigint DEFAULT 0 NOT NULL,
	"inscp_scp_amt" bigint DEFAULT 0 NOT NULL,
	"chrgitm_lv" text,
	"fee_ocur_time" timestamp,
	"setl_id" text,
	"cancelled" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "fixmedins" (
	"fixmedins_code" text PRIMARY KEY NOT NULL,
	"fixmedins_name" text NOT NULL,
	"medins_lv" text NOT NULL,
	"admdvs" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "ledger_transfers" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"setl_id" text NOT NULL,
	"kind" text NOT NULL,
	"debit_account" text NOT NULL,
	"credit_account" text NOT NULL,
	"amount_fen" bigint NOT NULL,
	"fund_pay_type" text NOT NULL,
	"posted_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "message_log" (
	"msgid" text PRIMARY KEY NOT NULL,
	"infno" text NOT NULL,
	"fixmedins_code" text,
	"request_hash" text NOT NULL,
	"request" jsonb NOT NULL,
	"response" jsonb NOT NULL,
	"infcode" integer NOT NULL,
	"effects" jsonb,
	"reversed" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "person_identities" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"psn_no" text NOT NULL,
	"psn_idet_type" text NOT NULL,
	"begntime" date NOT NULL,
	"endtime" date,
	"source" text DEFAULT 'import' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "persons" (
	"psn_no" text PRIMARY KEY NOT NULL,
	"psn_cert_type" text DEFAULT '01' NOT NULL,
	"certno" text NOT NULL,
	"psn_name" text NOT NULL,
	"gend" text NOT NULL,
	"brdy" date NOT NULL,
	"naty" text DEFAULT '01' NOT NULL,
	"tel" text,
	"emp_name" text,
	"household_id" text,
	"insuplc_admdvs" text NOT NULL,
	"balc_fen" bigint DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "policies" (
	"policy_id" text PRIMARY KEY NOT NULL,
	"admdvs" text NOT NULL,
	"year" integer NOT NULL,
	"document" jsonb NOT NULL,
	"loaded_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "settlement_funds" (
	"setl_id" text NOT NULL,
	"fund_pay_type" text NOT NULL,
	"fund_pay_type_name" text NOT NULL,
	"inscp_scp_amt" bigint DEFAULT 0 NOT NULL,
	"crt_payb_lmt_amt" bigint,
	"fund_payamt" bigint DEFAULT 0 NOT NULL,
	"setl_proc_info" text NOT NULL,
	CONSTRAINT "settlement_funds_setl_id_fund_pay_type_pk" PRIMARY KEY("setl_id","fund_pay_type")
);
--> statement-breakpoint
CREATE TABLE "settlements" (
	"setl_id" text PRIMARY KEY NOT NULL,
	"mdtrt_id" text NOT NULL,
	"psn_no" text NOT NULL,
	"fixmedins_code" text NOT NULL,
	"insutype" text NOT NULL,
	"med_type" text NOT NULL,
	"insuplc_admdvs" text NOT NULL,
	"mdtrtarea_admvs" text NOT NULL,
	"setl_time" timestamp NOT NULL,
	"year" integer NOT NULL,
	"policy_id" text NOT NULL,
	"mid_setl_flag" boolean DEFAULT false NOT NULL,
	"medfee_sumamt" bigint DEFAULT 0 NOT NULL,
	"fulamt_ownpay_amt" bigint DEFAULT 0 NOT NULL,
	"overlmt_selfpay" bigint DEFAULT 0 NOT NULL,
	"preselfpay_amt" bigint DEFAULT 0 NOT NULL,
	"inscp_scp_amt" bigint DEFAULT 0 NOT NULL,
	"act_pay_dedc" bigint DEFAULT 0 NOT NULL,
	"hifp_pay" bigint DEFAULT 0 NOT NULL,
	"pool_prop_selfpay" bigint DEFAULT 0 NOT NULL,
	"hifmi_pay" bigint DEFAULT 0 NOT NULL,
	"hifob_pay" bigint DEFAULT 0 NOT NULL,
	"maf_pay" bigint DEFAULT 0 NOT NULL,
	"oth_pay" bigint DEFAULT 0 NOT NULL,
	"fund_pay_sumamt" bigint DEFAULT 0 NOT NULL,
	"psn_part_amt" bigint DEFAULT 0 NOT NULL,
	"acct_pay" bigint DEFAULT 0 NOT NULL,
	"psn_cash_pay" bigint DEFAULT 0 NOT NULL,
	"balc_after_fen" bigint DEFAULT 0 NOT NULL,
	"setlinfo" jsonb NOT NULL,
	"delta" jsonb NOT NULL,
	"steps" jsonb NOT NULL,
	"tilt_category" text,
	"assistance_category" text,
	"status" text DEFAULT 'settled' NOT NULL,
	"msgid" text,
	"reversed_at" timestamp with time zone,
	"reversal_msgid" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "sign_ins" (
	"sign_no" text PRIMARY KEY NOT NULL,
	"fixmedins_code" text NOT NULL,
	"opter_no" text NOT NULL,
	"sign_time" timestamp with time zone DEFAULT now() NOT NULL,
	"signout_time" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "accumulators" ADD CONSTRAINT "accumulators_psn_no_persons_psn_no_fk" FOREIGN KEY ("psn_no") REFERENCES "public"."persons"("psn_no") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "chronic_filings" ADD CONSTRAINT "chronic_filings_psn_no_persons_psn_no_fk" FOREIGN KEY ("psn_no") REFERENCES "public"."persons"("psn_no") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "diagnoses" ADD CONSTRAINT "diagnoses_mdtrt_id_encounters_mdtrt_id_fk" FOREIGN KEY ("mdtrt_id") REFERENCES "public"."encounters"("mdtrt_id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "encounters" ADD CONSTRAINT "encounters_psn_no_persons_psn_no_fk" FOREIGN KEY ("psn_no") REFERENCES "public"."persons"("psn_no") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "encounters" ADD CONSTRAINT "encounters_fixmedins_code_fixmedins_fixmedins_code_fk" FOREIGN KEY ("fixmedins_code") REFERENCES "public"."fixmedins"("fixmedins_code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "enrollments" ADD CONSTRAINT "enrollments_psn_no_persons_psn_no_fk" FOREIGN KEY ("psn_no") REFERENCES "public"."persons"("psn_no") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "fee_lines" ADD CONSTRAINT "fee_lines_mdtrt_id_encounters_mdtrt_id_fk" FOREIGN KEY ("mdtrt_id") REFERENCES "public"."encounters"("mdtrt_id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ledger_transfers" ADD CONSTRAINT "ledger_transfers_setl_id_settlements_setl_id_fk" FOREIGN KEY ("setl_id") REFERENCES "public"."settlements"("setl_id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "person_identities" ADD CONSTRAINT "person_identities_psn_no_persons_psn_no_fk" FOREIGN KEY ("psn_no") REFERENCES "public"."persons"("psn_no") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "settlement_funds" ADD CONSTRAINT "settlement_funds_setl_id_settlements_setl_id_fk" FOREIGN KEY ("setl_id") REFERENCES "public"."settlements"("setl_id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "settlements" ADD CONSTRAINT "settlements_mdtrt_id_encounters_mdtrt_id_fk" FOREIGN KEY ("mdtrt_id") REFERENCES "public"."encounters"("mdtrt_id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "settlements" ADD CONSTRAINT "settlements_psn_no_persons_psn_no_fk" FOREIGN KEY ("psn_no") REFERENCES "public"."persons"("psn_no") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "catalogue_entries_key" ON "catalogue_entries" USING btree ("admdvs","med_list_codg","begndate");--> statement-breakpoint
CREATE INDEX "chronic_filings_psn" ON "chronic_filings" USING btree ("psn_no");--> statement-breakpoint
CREATE INDEX "diagnoses_mdtrt" ON "diagnoses" USING btree ("mdtrt_id");--> statement-breakpoint
CREATE INDEX "encounters_psn" ON "encounters" USING btree ("psn_no");--> statement-breakpoint
CREATE INDEX "encounters_fixmedins" ON "encounters" USING btree ("fixmedins_code");--> statement-breakpoint
CREATE UNIQUE INDEX "enrollments_key" ON "enrollments" USING btree ("psn_no","insutype","admdvs","year");--> statement-breakpoint
CREATE UNIQUE INDEX "fee_lines_key" ON "fee_lines" USING btree ("mdtrt_id","feedetl_sn");--> statement-breakpoint
CREATE INDEX "fee_lines_setl" ON "fee_lines" USING btree ("setl_id");--> statement-breakpoint
CREATE INDEX "ledger_setl" ON "ledger_transfers" USING btree ("setl_id");--> statement-breakpoint
CREATE INDEX "ledger_credit" ON "ledger_transfers" USING btree ("credit_account");--> statement-breakpoint
CREATE INDEX "message_log_time" ON "message_log" USING btree ("created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "person_identities_key" ON "person_identities" USING btree ("psn_no","psn_idet_type","begntime");--> statement-breakpoint
CREATE UNIQUE INDEX "persons_certno" ON "persons" USING btree ("certno");--> statement-breakpoint
CREATE INDEX "persons_name" ON "persons" USING btree ("psn_name");--> statement-breakpoint
CREATE INDEX "persons_admdvs" ON "persons" USING btree ("insuplc_admdvs");--> statement-breakpoint
CREATE INDEX "settlements_psn" ON "settlements" USING btree ("psn_no","year");--> statement-breakpoint
CREATE INDEX "settlements_fixmedins_time" ON "settlements" USING btree ("fixmedins_code","setl_time");--> statement-breakpoint
CREATE INDEX "settlements_mdtrt" ON "settlements" USING btree ("mdtrt_id");