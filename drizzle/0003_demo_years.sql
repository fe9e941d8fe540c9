CREATE TABLE "demo_years" (
	"year" integer PRIMARY KEY NOT NULL,
	"visits" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
