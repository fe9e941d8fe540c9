import { eq, sql } from "drizzle-orm";
import { Catalogue, type CatalogueEntry, type Policy, policyId } from "../../domain/reference/index.js";
import type { ChrgitmLevel, ListType } from "../../domain/codes.js";
import type { Fen } from "../../domain/money.js";
import type { Ratio } from "../../domain/ratio.js";
import type { Database, Queryable } from "../../store/db.js";
import { catalogueEntries, policies } from "../../store/schema.js";
import { shippedPolicies } from "../reference/index.js";

const FORGET_CHANNEL = "yibao_forget";
/** The key that stands for every region's catalogue. */
const CATALOGUES = "(catalogues)";

/** What every use case needs: the database, the policies in force, and the catalogues read from the database. */
export class Services {
  readonly database: Database;
  readonly policies: Policy[];
  private readonly catalogues = new Map<string, { catalogue: Catalogue; loadedAt: number }>();
  /** How long a region's catalogue is cached; imports on a server database show up within it. */
  catalogueTtlMs = 30_000;

  constructor(database: Database, policyList: Policy[] = shippedPolicies()) {
    this.database = database;
    this.policies = policyList;
  }

  get db() {
    return this.database.db;
  }

  /** The import workers of this process (src/services/imports/queue.ts), told of every job queued here. */
  readonly importWorkers = new Set<{ poke(): Promise<void> }>();

  /** A job was queued: a local worker that is free takes it before the upload is answered. */
  async importQueued(): Promise<void> {
    for (const worker of this.importWorkers) await worker.poke();
  }

  /** Every shipped policy is recorded at every start, whatever the database holds. */
  async recordPolicies(): Promise<void> {
    for (const p of this.policies) {
      const row = { policy_id: policyId(p), admdvs: p.admdvs, year: p.year, document: p as unknown as Record<string, unknown> };
      await this.db.insert(policies).values(row).onConflictDoUpdate({ target: policies.policy_id, set: { document: row.document, loaded_at: new Date() } });
    }
  }

  /** The treating region's catalogue (就医地目录). */
  async catalogue(admdvs: string, q: Queryable = this.db): Promise<Catalogue> {
    const cached = this.catalogues.get(admdvs);
    if (cached && Date.now() - cached.loadedAt < this.catalogueTtlMs) return cached.catalogue;
    const rows = await q.select().from(catalogueEntries).where(eq(catalogueEntries.admdvs, admdvs));
    const catalogue = new Catalogue(rows.map(rowToEntry));
    this.catalogues.set(admdvs, { catalogue, loadedAt: Date.now() });
    return catalogue;
  }

  /** The catalogues changed (an import): every process reads them again. */
  async invalidateCatalogues(): Promise<void> {
    await this.forget(CATALOGUES);
  }

  private readonly cache = new Map<string, { value: unknown; until: number }>();

  /**
   * A value read from the database, kept for `ttlMs`: rows that change rarely and are read on every message (a
   * hospital, an open sign-in). Another process's change shows within the TTL; this process's own, at once (forget).
   */
  async cached<T>(key: string, ttlMs: number, load: () => Promise<T | undefined>): Promise<T | undefined> {
    const hit = this.cache.get(key);
    if (hit && hit.until > Date.now()) return hit.value as T;
    const value = await load();
    if (value !== undefined) {
      if (this.cache.size > 10_000) this.cache.clear();
      this.cache.set(key, { value, until: Date.now() + ttlMs });
    }
    return value;
  }

  /**
   * A cached value changed: this process drops it at once and, where several server processes share a PostgreSQL
   * server (`shareForgetting`), every process drops it when `q`'s transaction commits (NOTIFY is delivered at commit;
   * a process that re-read it before then drops it again).
   */
  async forget(key: string, q: Queryable = this.db): Promise<void> {
    this.cache.delete(key);
    if (key === CATALOGUES) this.catalogues.clear();
    if (this.sharing) await q.execute(sql`select pg_notify(${FORGET_CHANNEL}, ${key})`);
  }

  private sharing = false;

  /**
   * Listens for the other server processes' forgetting (PostgreSQL's LISTEN/NOTIFY): with several processes (serve
   * --workers), a sign-out, a revoked credential or an imported catalogue is seen by all of them at once, not within a TTL.
   */
  async shareForgetting(): Promise<void> {
    if (!this.database.listen || this.sharing) return;
    await this.database.listen(FORGET_CHANNEL, (key) => {
      this.cache.delete(key);
      if (key === CATALOGUES) this.catalogues.clear();
    });
    this.sharing = true;
  }

  /** How old a snapshot may be before a read starts its refresh (YIBAO_SNAPSHOT_MAX_AGE_SECONDS, default 60). */
  snapshotMaxAgeMs = snapshotMaxAge(process.env.YIBAO_SNAPSHOT_MAX_AGE_SECONDS);
  private readonly snapshots = new Map<string, { last?: Snapshot<unknown>; pending?: Promise<Snapshot<unknown>> }>();

  /**
   * A figure that costs a read of a year's settlements (the dashboard): computed once, then answered from memory while
   * it is younger than snapshotMaxAgeMs; an older one is still answered at once while one refresh runs behind it
   * (stale-while-revalidate), so that no clerk waits for it but the first. Concurrent first reads share one
   * computation. The answer says when it was computed (`at`), and the console shows it.
   */
  async snapshot<T>(key: string, compute: () => Promise<T>, now: () => number = Date.now): Promise<Snapshot<T>> {
    let entry = this.snapshots.get(key);
    if (!entry) {
      if (this.snapshots.size >= 1_000) this.snapshots.clear();
      entry = {};
      this.snapshots.set(key, entry);
    }
    const e = entry;
    const refresh = (): Promise<Snapshot<unknown>> =>
      (e.pending ??= compute()
        .then((value) => (e.last = { value, at: new Date(now()) }))
        .finally(() => {
          e.pending = undefined;
        }));
    const last = e.last as Snapshot<T> | undefined;
    if (last === undefined) return (await refresh()) as Snapshot<T>;
    if (now() - last.at.getTime() >= this.snapshotMaxAgeMs) {
      // A failed refresh keeps the older figure; the next read tries again.
      refresh().catch((error: unknown) => process.emitWarning(`snapshot ${key}: ${error instanceof Error ? error.message : String(error)}`));
    }
    return last;
  }
}

export interface Snapshot<T> {
  value: T;
  /** When it was computed. */
  at: Date;
}

function snapshotMaxAge(text: string | undefined): number {
  if (text === undefined || text === "") return 60_000;
  const seconds = Number(text);
  if (!Number.isFinite(seconds) || seconds < 0) throw new Error(`YIBAO_SNAPSHOT_MAX_AGE_SECONDS must be a number of seconds, 0 or more: got ${text}`);
  return seconds * 1000;
}

function rowToEntry(r: typeof catalogueEntries.$inferSelect): CatalogueEntry {
  return {
    med_list_codg: r.med_list_codg,
    med_list_name: r.med_list_name,
    admdvs: r.admdvs,
    chrgitm_lv: r.chrgitm_lv as ChrgitmLevel,
    selfpay_prop: r.selfpay_prop_ppm as Ratio,
    pric_uplmt_amt: r.pric_uplmt_amt_fen === null ? null : (r.pric_uplmt_amt_fen as Fen),
    list_type: r.list_type as ListType,
    begndate: r.begndate,
    enddate: r.enddate,
  };
}
