CREATE TABLE "his_files" (
	"file_qury_no" text PRIMARY KEY NOT NULL,
	"fixmedins_code" text NOT NULL,
	"filename" text NOT NULL,
	"size" integer NOT NULL,
	"content_base64" text NOT NULL,
	"expires_at" timestamp NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "fee_lines" ADD COLUMN "pric_e6" bigint;--> statement-breakpoint
CREATE INDEX "his_files_hospital" ON "his_files" USING btree ("fixmedins_code");