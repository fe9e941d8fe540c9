CREATE TABLE "his_credentials" (
	"access_key" text PRIMARY KEY NOT NULL,
	"fixmedins_code" text NOT NULL,
	"salt" text NOT NULL,
	"fingerprint" text NOT NULL,
	"previous_salt" text,
	"previous_valid_until" timestamp with time zone,
	"status" text DEFAULT 'active' NOT NULL,
	"issued_at" timestamp with time zone DEFAULT now() NOT NULL,
	"issued_by" text NOT NULL,
	"rotated_at" timestamp with time zone,
	"rotated_by" text,
	"revoked_at" timestamp with time zone,
	"revoked_by" text
);
--> statement-breakpoint
CREATE TABLE "his_nonces" (
	"access_key" text NOT NULL,
	"nonce" text NOT NULL,
	"seen_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "his_nonces_access_key_nonce_pk" PRIMARY KEY("access_key","nonce")
);
--> statement-breakpoint
CREATE TABLE "his_refusals" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	"address" text,
	"access_key" text,
	"fixmedins_code" text,
	"infno" text,
	"msgid" text,
	"reason" text NOT NULL,
	"detail" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "voucher_claims" (
	"token_hash" text PRIMARY KEY NOT NULL,
	"psn_no" text NOT NULL,
	"fixmedins_code" text NOT NULL,
	"mdtrt_id" text NOT NULL,
	"claimed_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "sign_ins" ADD COLUMN "access_key" text;--> statement-breakpoint
ALTER TABLE "his_credentials" ADD CONSTRAINT "his_credentials_fixmedins_code_fixmedins_fixmedins_code_fk" FOREIGN KEY ("fixmedins_code") REFERENCES "public"."fixmedins"("fixmedins_code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "his_credentials_fixmedins" ON "his_credentials" USING btree ("fixmedins_code");--> statement-breakpoint
CREATE INDEX "his_nonces_seen" ON "his_nonces" USING btree ("seen_at");--> statement-breakpoint
CREATE INDEX "his_refusals_at" ON "his_refusals" USING btree ("at");--> statement-breakpoint
CREATE INDEX "his_refusals_fixmedins" ON "his_refusals" USING btree ("fixmedins_code","at");