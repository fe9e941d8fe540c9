CREATE TABLE "settlement_list_diagnoses" (
	"setl_id" text NOT NULL,
	"seq" integer NOT NULL,
	"diag_type" text NOT NULL,
	"diag_code" text NOT NULL,
	"diag_name" text NOT NULL,
	"maindiag_flag" boolean NOT NULL,
	"adm_cond_type" text,
	CONSTRAINT "settlement_list_diagnoses_setl_id_seq_pk" PRIMARY KEY("setl_id","seq")
);
--> statement-breakpoint
CREATE TABLE "settlement_list_procedures" (
	"setl_id" text NOT NULL,
	"seq" integer NOT NULL,
	"oprn_oprt_type" text NOT NULL,
	"oprn_oprt_code" text NOT NULL,
	"oprn_oprt_name" text NOT NULL,
	"oprn_oprt_date" date NOT NULL,
	"oprn_oprt_begntime" timestamp,
	"oprn_oprt_endtime" timestamp,
	"anst_way" text,
	"oper_dr_code" text,
	"oper_dr_name" text,
	"anst_dr_code" text,
	"anst_dr_name" text,
	CONSTRAINT "settlement_list_procedures_setl_id_seq_pk" PRIMARY KEY("setl_id","seq")
);
--> statement-breakpoint
CREATE TABLE "settlement_lists" (
	"setl_id" text PRIMARY KEY NOT NULL,
	"mdtrt_id" text NOT NULL,
	"psn_no" text NOT NULL,
	"fixmedins_code" text NOT NULL,
	"version" integer NOT NULL,
	"infno" text NOT NULL,
	"msgid" text NOT NULL,
	"uploaded_at" timestamp NOT NULL,
	"first_uploaded_at" timestamp NOT NULL,
	"gend" text NOT NULL,
	"age" integer NOT NULL,
	"nwb_age_days" integer,
	"nwb_bir_wt" integer,
	"nwb_adm_wt" integer,
	"ipt_med_type" text,
	"adm_time" timestamp,
	"dscg_time" timestamp,
	"ipt_days" integer,
	"dscg_way" text,
	"main_diag_code" text,
	"main_oprn_code" text,
	"medfee_sumamt" bigint DEFAULT 0 NOT NULL,
	"items" jsonb NOT NULL,
	"funds" jsonb,
	"icu" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"opspdise" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"setlinfo" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "settlement_list_diagnoses" ADD CONSTRAINT "settlement_list_diagnoses_setl_id_settlement_lists_setl_id_fk" FOREIGN KEY ("setl_id") REFERENCES "public"."settlement_lists"("setl_id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "settlement_list_procedures" ADD CONSTRAINT "settlement_list_procedures_setl_id_settlement_lists_setl_id_fk" FOREIGN KEY ("setl_id") REFERENCES "public"."settlement_lists"("setl_id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "settlement_lists" ADD CONSTRAINT "settlement_lists_setl_id_settlements_setl_id_fk" FOREIGN KEY ("setl_id") REFERENCES "public"."settlements"("setl_id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "settlement_lists" ADD CONSTRAINT "settlement_lists_mdtrt_id_encounters_mdtrt_id_fk" FOREIGN KEY ("mdtrt_id") REFERENCES "public"."encounters"("mdtrt_id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "settlement_lists" ADD CONSTRAINT "settlement_lists_psn_no_persons_psn_no_fk" FOREIGN KEY ("psn_no") REFERENCES "public"."persons"("psn_no") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "settlement_lists_mdtrt" ON "settlement_lists" USING btree ("mdtrt_id");--> statement-breakpoint
CREATE INDEX "settlement_lists_fixmedins" ON "settlement_lists" USING btree ("fixmedins_code","uploaded_at");