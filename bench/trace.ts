/**
 * The statements of one outpatient and one inpatient flow, printed by the server (YIBAO_COUNT_STATEMENTS=print), on a
 * scratch PostgreSQL database: `npm run build && node dist/bench/trace.js` — a look at a path's round trips.
 */
import { sql } from "drizzle-orm";
import pg from "pg";
import { rowsOf } from "../src/services/common/sql.js";
import { runHisBench } from "../src/simulator/bench.js";
import { Services } from "../src/services/common/context.js";
import { seedDemo } from "../src/services/demo/demo.js";
import { issueCredential } from "../src/services/identity/hisCredentials.js";
import { migrateDatabase, openDatabase } from "../src/store/db.js";
import { freePort, startServer, stopServer } from "./server.js";

const ADMIN_URL = process.env.BENCH_DATABASE_ADMIN_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
const HOSPITAL = "H45100000001";
const name = `yibao_trace_${process.pid}`;
const admin = new pg.Client({ connectionString: ADMIN_URL });
await admin.connect();
try {
  await admin.query(`CREATE DATABASE ${name}`);
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  const database = await openDatabase({ url: url.toString() });
  await migrateDatabase(database);
  await seedDemo(database);
  const issued = await issueCredential(new Services(database), HOSPITAL, "trace");
  const certnos = (await rowsOf<{ certno: string }>(database.db, sql`select certno from persons where insuplc_admdvs = '451000' limit 50`)).map((r) => r.certno);
  await database.close();
  const port = await freePort();
  const server = await startServer({ YIBAO_COUNT_STATEMENTS: "print", DATABASE_URL: url.toString() }, port);
  try {
    const credential = { access_key: issued.access_key, secret: issued.secret };
    const base = { url: `http://127.0.0.1:${port}`, persons: certnos, credential, fixmedinsCode: HOSPITAL, concurrency: 1 };
    await runHisBench({ ...base, outpatient: 2, inpatient: 0, seed: 1 });
    process.stderr.write("----- one outpatient flow\n");
    await runHisBench({ ...base, outpatient: 1, inpatient: 0, seed: 2 });
    process.stderr.write("----- one inpatient flow\n");
    await runHisBench({ ...base, outpatient: 0, inpatient: 1, seed: 3 });
  } finally {
    await stopServer(server);
  }
} finally {
  await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await admin.end();
}
