import { sql } from "drizzle-orm";
import {
  bigint, bigserial, boolean, check, customType, date, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex,
} from "drizzle-orm/pg-core";

/**
 * One schema for PGlite and PostgreSQL. Data the national interface defines keeps its national name; money is integer
 * fen in bigint columns named *_fen or by their national name; ratios are integer millionths (*_ppm).
 */
const fen = (name: string) => bigint(name, { mode: "number" }).notNull().default(0);
const created = () => timestamp("created_at", { withTimezone: true }).notNull().defaultNow();

/** Policy documents as loaded at start (every shipped policy, every start). */
export const policies = pgTable("policies", {
  policy_id: text("policy_id").primaryKey(),
  admdvs: text("admdvs").notNull(),
  year: integer("year").notNull(),
  document: jsonb("document").notNull(),
  loaded_at: timestamp("loaded_at", { withTimezone: true }).notNull().defaultNow(),
});

export const persons = pgTable(
  "persons",
  {
    psn_no: text("psn_no").primaryKey(),
    psn_cert_type: text("psn_cert_type").notNull().default("01"),
    certno: text("certno").notNull(),
    psn_name: text("psn_name").notNull(),
    gend: text("gend").notNull(),
    brdy: date("brdy", { mode: "string" }).notNull(),
    naty: text("naty").notNull().default("01"),
    tel: text("tel"),
    emp_name: text("emp_name"),
    household_id: text("household_id"),
    /** Facts the enrollment-subsidy rules read (settlement-spec.md, "Subsidized enrollment"). */
    rural: boolean("rural").notNull().default(false),
    /** Disability grade 1–4 (一级 … 四级); 1 and 2 are severe. */
    disability_level: integer("disability_level"),
    serious_illness: boolean("serious_illness").notNull().default(false),
    /** Household per-capita annual income, fen. */
    household_income_fen: bigint("household_income_fen", { mode: "number" }),
    insuplc_admdvs: text("insuplc_admdvs").notNull(),
    /** Personal-account balance (employees), never below zero. */
    balc_fen: fen("balc_fen"),
    /**
     * The time the stored facts hold from (an import row's updt_time, the file's --as-of, else the import's time): an
     * import never applies a row older than this. Null for persons stored before facts were dated: any row applies.
     */
    facts_as_of: timestamp("facts_as_of", { withTimezone: true }),
    created_at: created(),
  },
  (t) => [
    uniqueIndex("persons_certno").on(t.certno),
    // Prefix searches (a name as a clerk types it, the first digits of an ID number) compare in collation "C"
    // (services/enrollment/registry.ts): only then can PostgreSQL read a `like 'prefix%'` from the index.
    index("persons_name").on(sql`(${t.psn_name} collate "C")`, t.psn_no),
    index("persons_certno_prefix").on(sql`(${t.certno} collate "C")`),
    index("persons_admdvs").on(t.insuplc_admdvs),
    // The early-warning check counts a household's members in the settlement's transaction (criterion (b)): without
    // this it reads every person (bench monitoring: 168 ms at 1,000,000 persons, 1 ms with it).
    index("persons_household").on(t.household_id),
  ],
);

/** Categories (psn_idet_type) with validity, both ends included; a null end is open. */
export const personIdentities = pgTable(
  "person_identities",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    psn_no: text("psn_no").notNull().references(() => persons.psn_no),
    psn_idet_type: text("psn_idet_type").notNull(),
    begntime: date("begntime", { mode: "string" }).notNull(),
    endtime: date("endtime", { mode: "string" }),
    source: text("source").notNull().default("import"),
    created_at: created(),
  },
  (t) => [uniqueIndex("person_identities_key").on(t.psn_no, t.psn_idet_type, t.begntime)],
);

export const enrollments = pgTable(
  "enrollments",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    psn_no: text("psn_no").notNull().references(() => persons.psn_no),
    insutype: text("insutype").notNull(),
    admdvs: text("admdvs").notNull(),
    year: integer("year").notNull(),
    /** enrolled | suspended | ended */
    status: text("status").notNull().default("enrolled"),
    psn_insu_date: date("psn_insu_date", { mode: "string" }).notNull(),
    paus_insu_date: date("paus_insu_date", { mode: "string" }),
    /** When and why an enrollment ended (a duplicate resolved, a death, a move). */
    enddate: date("enddate", { mode: "string" }),
    end_reason: text("end_reason"),
    created_at: created(),
  },
  (t) => [uniqueIndex("enrollments_key").on(t.psn_no, t.insutype, t.admdvs, t.year), index("enrollments_year").on(t.year, t.admdvs)],
);

/** A household (户): members share its id on persons.household_id. */
export const households = pgTable("households", {
  household_id: text("household_id").primaryKey(),
  admdvs: text("admdvs").notNull(),
  head_certno: text("head_certno"),
  address: text("address"),
  created_at: created(),
});

/**
 * Contributions of an enrollment (缴费与资助): the first row when it is paid, later rows for adjustments (a category gained
 * after paying is subsidized from the next month, refunded or credited) and refunds (a duplicate ended). The amounts of
 * all rows of an enrollment add up to what was paid and by whom.
 */
export const contributions = pgTable(
  "contributions",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    enrollment_id: bigint("enrollment_id", { mode: "number" }).notNull().references(() => enrollments.id),
    psn_no: text("psn_no").notNull().references(() => persons.psn_no),
    year: integer("year").notNull(),
    admdvs: text("admdvs").notNull(),
    /** initial | adjustment | refund */
    kind: text("kind").notNull(),
    /** The individual contribution due (个人缴费标准), the part paid by the person, by medical assistance, and the fiscal subsidy. */
    individual_fen: fen("individual_fen"),
    person_paid_fen: fen("person_paid_fen"),
    assistance_subsidy_fen: fen("assistance_subsidy_fen"),
    fiscal_subsidy_fen: fen("fiscal_subsidy_fen"),
    /** The category whose share applied, and the share. */
    category: text("category"),
    share_ppm: integer("share_ppm").notNull().default(0),
    /** Which fund pays the assistance subsidy (610100 medical assistance). */
    subsidy_fund: text("subsidy_fund"),
    /** First month (1–12) an adjustment covers. */
    effective_month: integer("effective_month"),
    reason: text("reason").notNull(),
    created_at: created(),
  },
  (t) => [index("contributions_enrollment").on(t.enrollment_id), index("contributions_year").on(t.year, t.admdvs)],
);

/** One person enrolled twice in a year (two regions, or employee and resident), found at import or by a scan. */
export const duplicateCases = pgTable(
  "duplicate_cases",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    certno: text("certno").notNull(),
    psn_no: text("psn_no").notNull().references(() => persons.psn_no),
    year: integer("year").notNull(),
    /** two_regions | employee_and_resident */
    kind: text("kind").notNull(),
    enrollment_ids: jsonb("enrollment_ids").notNull(),
    /** import | scan */
    found_by: text("found_by").notNull(),
    /** open | resolved */
    status: text("status").notNull().default("open"),
    /** rule | clerk */
    resolution: text("resolution"),
    kept_enrollment_id: bigint("kept_enrollment_id", { mode: "number" }),
    ended_enrollment_ids: jsonb("ended_enrollment_ids"),
    refund_fen: bigint("refund_fen", { mode: "number" }),
    resolved_by: text("resolved_by"),
    resolved_at: timestamp("resolved_at", { withTimezone: true }),
    note: text("note"),
    found_at: created(),
  },
  (t) => [uniqueIndex("duplicate_cases_key").on(t.psn_no, t.year, t.kind), index("duplicate_cases_status").on(t.status)],
);

/** The registered population (户籍/常住人口) per region, year and category ("all" for everyone), for coverage rates. */
export const population = pgTable(
  "population",
  {
    admdvs: text("admdvs").notNull(),
    year: integer("year").notNull(),
    category: text("category").notNull(),
    count: integer("count").notNull(),
    source: text("source"),
    updated_at: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.admdvs, t.year, t.category] })],
);

export const fixmedins = pgTable("fixmedins", {
  fixmedins_code: text("fixmedins_code").primaryKey(),
  fixmedins_name: text("fixmedins_name").notNull(),
  medins_lv: text("medins_lv").notNull(),
  admdvs: text("admdvs").notNull(),
  created_at: created(),
});

export const catalogueEntries = pgTable(
  "catalogue_entries",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    admdvs: text("admdvs").notNull(),
    med_list_codg: text("med_list_codg").notNull(),
    med_list_name: text("med_list_name").notNull(),
    chrgitm_lv: text("chrgitm_lv").notNull(),
    selfpay_prop_ppm: integer("selfpay_prop_ppm").notNull(),
    pric_uplmt_amt_fen: bigint("pric_uplmt_amt_fen", { mode: "number" }),
    list_type: text("list_type").notNull(),
    begndate: date("begndate", { mode: "string" }).notNull(),
    enddate: date("enddate", { mode: "string" }),
    /**
     * When the row was last written with a change (China time, to the second): the catalogue downloads (1312…, 1301…) answer the rows
     * changed since a HIS's last copy. Stamped by the import so that a later change never shares a served second.
     */
    updt_time: timestamp("updt_time", { mode: "string", precision: 0 }).notNull().default(sql`date_trunc('second', now() at time zone 'Asia/Shanghai')`),
  },
  (t) => [uniqueIndex("catalogue_entries_key").on(t.admdvs, t.med_list_codg, t.begndate), index("catalogue_entries_updt").on(t.admdvs, t.updt_time)],
);

/** Sign-ins of hospital operators (9001/9002). */
export const signIns = pgTable("sign_ins", {
  sign_no: text("sign_no").primaryKey(),
  fixmedins_code: text("fixmedins_code").notNull(),
  opter_no: text("opter_no").notNull(),
  /** The credential that signed the 9001 (issue 21): only requests signed with it may use this sign_no. */
  access_key: text("access_key"),
  sign_time: timestamp("sign_time", { withTimezone: true }).notNull().defaultNow(),
  signout_time: timestamp("signout_time", { withTimezone: true }),
});

/** Outpatient chronic/special disease filings (2503/2504). */
export const chronicFilings = pgTable(
  "chronic_filings",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    psn_no: text("psn_no").notNull().references(() => persons.psn_no),
    insutype: text("insutype").notNull(),
    opsp_dise_code: text("opsp_dise_code").notNull(),
    opsp_dise_name: text("opsp_dise_name").notNull(),
    ide_fixmedins_no: text("ide_fixmedins_no"),
    begndate: date("begndate", { mode: "string" }).notNull(),
    enddate: date("enddate", { mode: "string" }),
    status: text("status").notNull().default("active"),
    created_at: created(),
  },
  (t) => [index("chronic_filings_psn").on(t.psn_no)],
);

/** An encounter (就诊): an outpatient visit (2201) or an inpatient stay (2401). */
export const encounters = pgTable(
  "encounters",
  {
    mdtrt_id: text("mdtrt_id").primaryKey(),
    psn_no: text("psn_no").notNull().references(() => persons.psn_no),
    insutype: text("insutype").notNull(),
    fixmedins_code: text("fixmedins_code").notNull().references(() => fixmedins.fixmedins_code),
    kind: text("kind").notNull(), // outpatient | inpatient
    med_type: text("med_type").notNull(),
    mdtrtarea_admvs: text("mdtrtarea_admvs").notNull(),
    insuplc_admdvs: text("insuplc_admdvs").notNull(),
    offsite_filing: text("offsite_filing"),
    opsp_dise_code: text("opsp_dise_code"),
    ipt_otp_no: text("ipt_otp_no"),
    begntime: timestamp("begntime", { mode: "string" }).notNull(),
    endtime: timestamp("endtime", { mode: "string" }),
    dscg_way: text("dscg_way"),
    /** registered | admitted | discharged | settled | cancelled */
    status: text("status").notNull(),
    info: jsonb("info").notNull().default(sql`'{}'::jsonb`),
    created_at: created(),
  },
  (t) => [index("encounters_psn").on(t.psn_no), index("encounters_fixmedins").on(t.fixmedins_code)],
);

export const diagnoses = pgTable(
  "diagnoses",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    mdtrt_id: text("mdtrt_id").notNull().references(() => encounters.mdtrt_id),
    diag_type: text("diag_type").notNull(),
    diag_srt_no: integer("diag_srt_no").notNull(),
    diag_code: text("diag_code").notNull(),
    diag_name: text("diag_name").notNull(),
    vali_flag: boolean("vali_flag").notNull().default(true),
  },
  (t) => [index("diagnoses_mdtrt").on(t.mdtrt_id)],
);

export const feeLines = pgTable(
  "fee_lines",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    mdtrt_id: text("mdtrt_id").notNull().references(() => encounters.mdtrt_id),
    feedetl_sn: text("feedetl_sn").notNull(),
    chrg_bchno: text("chrg_bchno"),
    med_list_codg: text("med_list_codg").notNull(),
    medins_list_codg: text("medins_list_codg"),
    pric_fen: bigint("pric_fen", { mode: "number" }).notNull(),
    cnt_e4: bigint("cnt_e4", { mode: "number" }).notNull(),
    det_item_fee_sumamt: fen("det_item_fee_sumamt"),
    fulamt_ownpay_amt: fen("fulamt_ownpay_amt"),
    overlmt_amt: fen("overlmt_amt"),
    preselfpay_amt: fen("preselfpay_amt"),
    inscp_scp_amt: fen("inscp_scp_amt"),
    chrgitm_lv: text("chrgitm_lv"),
    fee_ocur_time: timestamp("fee_ocur_time", { mode: "string" }),
    /** null while unsettled; the settlement that took the line. */
    setl_id: text("setl_id"),
    cancelled: boolean("cancelled").notNull().default(false),
    created_at: created(),
    // ---- issue 20
    /**
     * The unit price exactly, in millionths of a yuan (the national document's six decimals); pric_fen is it rounded half
     * up to the fen for readers of whole fen. Null on lines stored before: their pric_fen is exact.
     */
    pric_e6: bigint("pric_e6", { mode: "number" }),
  },
  (t) => [uniqueIndex("fee_lines_key").on(t.mdtrt_id, t.feedetl_sn), index("fee_lines_setl").on(t.setl_id)],
);

export const settlements = pgTable(
  "settlements",
  {
    setl_id: text("setl_id").primaryKey(),
    mdtrt_id: text("mdtrt_id").notNull().references(() => encounters.mdtrt_id),
    psn_no: text("psn_no").notNull().references(() => persons.psn_no),
    fixmedins_code: text("fixmedins_code").notNull(),
    insutype: text("insutype").notNull(),
    med_type: text("med_type").notNull(),
    insuplc_admdvs: text("insuplc_admdvs").notNull(),
    mdtrtarea_admvs: text("mdtrtarea_admvs").notNull(),
    setl_time: timestamp("setl_time", { mode: "string" }).notNull(),
    year: integer("year").notNull(),
    policy_id: text("policy_id").notNull(),
    mid_setl_flag: boolean("mid_setl_flag").notNull().default(false),
    medfee_sumamt: fen("medfee_sumamt"),
    fulamt_ownpay_amt: fen("fulamt_ownpay_amt"),
    overlmt_selfpay: fen("overlmt_selfpay"),
    preselfpay_amt: fen("preselfpay_amt"),
    inscp_scp_amt: fen("inscp_scp_amt"),
    act_pay_dedc: fen("act_pay_dedc"),
    hifp_pay: fen("hifp_pay"),
    pool_prop_selfpay: fen("pool_prop_selfpay"),
    hifmi_pay: fen("hifmi_pay"),
    hifob_pay: fen("hifob_pay"),
    maf_pay: fen("maf_pay"),
    oth_pay: fen("oth_pay"),
    fund_pay_sumamt: fen("fund_pay_sumamt"),
    psn_part_amt: fen("psn_part_amt"),
    acct_pay: fen("acct_pay"),
    psn_cash_pay: fen("psn_cash_pay"),
    balc_after_fen: fen("balc_after_fen"),
    /** The whole setlinfo as answered (fen), the accumulator delta, every fund step with its explanation. */
    setlinfo: jsonb("setlinfo").notNull(),
    delta: jsonb("delta").notNull(),
    steps: jsonb("steps").notNull(),
    tilt_category: text("tilt_category"),
    assistance_category: text("assistance_category"),
    /** settled | reversed */
    status: text("status").notNull().default("settled"),
    msgid: text("msgid"),
    reversed_at: timestamp("reversed_at", { withTimezone: true }),
    reversal_msgid: text("reversal_msgid"),
    created_at: created(),
  },
  (t) => [
    index("settlements_psn").on(t.psn_no, t.year),
    index("settlements_fixmedins_time").on(t.fixmedins_code, t.setl_time),
    index("settlements_mdtrt").on(t.mdtrt_id),
    // The console's settlement list, newest first, reads the first page from here instead of sorting every row.
    index("settlements_time").on(t.setl_time, t.setl_id),
  ],
);

/** setldetail: one row per fund that paid. */
export const settlementFunds = pgTable(
  "settlement_funds",
  {
    setl_id: text("setl_id").notNull().references(() => settlements.setl_id),
    fund_pay_type: text("fund_pay_type").notNull(),
    fund_pay_type_name: text("fund_pay_type_name").notNull(),
    inscp_scp_amt: fen("inscp_scp_amt"),
    crt_payb_lmt_amt: bigint("crt_payb_lmt_amt", { mode: "number" }),
    fund_payamt: fen("fund_payamt"),
    setl_proc_info: text("setl_proc_info").notNull(),
  },
  (t) => [primaryKey({ columns: [t.setl_id, t.fund_pay_type] })],
);

/** Year-to-date accumulators per person and calendar year of the date of care. */
export const accumulators = pgTable(
  "accumulators",
  {
    psn_no: text("psn_no").notNull().references(() => persons.psn_no),
    year: integer("year").notNull(),
    outpatient_deductible_counted_fen: fen("outpatient_deductible_counted_fen"),
    outpatient_basic_paid_fen: fen("outpatient_basic_paid_fen"),
    inpatient_chronic_basic_paid_fen: fen("inpatient_chronic_basic_paid_fen"),
    chronic_basic_paid_fen: jsonb("chronic_basic_paid_fen").notNull().default(sql`'{}'::jsonb`),
    tier_two_base_fen: fen("tier_two_base_fen"),
    critical_illness_paid_fen: fen("critical_illness_paid_fen"),
    large_amount_paid_fen: fen("large_amount_paid_fen"),
    assistance_base_fen: fen("assistance_base_fen"),
    assistance_paid_fen: fen("assistance_paid_fen"),
    /** Per supplementary tier of the policy (惠民保, charity), by its id: the base counted against its deductible, and what it paid. */
    supplementary_base_fen: jsonb("supplementary_base_fen").notNull().default(sql`'{}'::jsonb`),
    supplementary_paid_fen: jsonb("supplementary_paid_fen").notNull().default(sql`'{}'::jsonb`),
    updated_at: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.psn_no, t.year] })],
);

/**
 * The double-entry ledger: every fen that moves is a transfer from one account to another. A settlement is a
 * balanced set of transfers from the funds and the personal account to the hospital; a reversal posts the exact inverse.
 * Accounts: fund:<fund_pay_type>:<admdvs>, account:<psn_no>, hospital:<fixmedins_code>.
 */
export const ledgerTransfers = pgTable(
  "ledger_transfers",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    /** The settlement the transfer belongs to; null for a payment of assistance on application (application_id). */
    setl_id: text("setl_id").references(() => settlements.setl_id),
    /** The assistance application a payment belongs to (依申请救助, 再救助): from its fund to the person. */
    application_id: text("application_id").references(() => assistanceApplications.application_id),
    kind: text("kind").notNull(), // settle | reverse | assistance
    debit_account: text("debit_account").notNull(),
    credit_account: text("credit_account").notNull(),
    amount_fen: bigint("amount_fen", { mode: "number" }).notNull(),
    fund_pay_type: text("fund_pay_type").notNull(),
    posted_at: timestamp("posted_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("ledger_setl").on(t.setl_id), index("ledger_credit").on(t.credit_account), index("ledger_application").on(t.application_id),
    check("ledger_transfers_one_owner", sql`(${t.setl_id} is null) <> (${t.application_id} is null)`),
  ],
);

/** Every message of the hospital-facing interface by msgid: the idempotency key. */
export const messageLog = pgTable(
  "message_log",
  {
    msgid: text("msgid").primaryKey(),
    infno: text("infno").notNull(),
    fixmedins_code: text("fixmedins_code"),
    request_hash: text("request_hash").notNull(),
    request: jsonb("request").notNull(),
    response: jsonb("response").notNull(),
    infcode: integer("infcode").notNull(),
    /** Whether this message changed state (a reversal by 2601 finds what to undo here). */
    effects: jsonb("effects"),
    reversed: boolean("reversed").notNull().default(false),
    created_at: created(),
  },
  (t) => [index("message_log_time").on(t.created_at)],
);

/**
 * Users of the console and the portal. A role works inside one region (`admdvs`: a prefecture code covers its counties);
 * a hospital operator is bound to one hospital, an insured person to one psn_no. Passwords are scrypt hashes
 * (`scrypt$N$r$p$salt$hash`, base64). Failures and lock-outs are counted per client address in `signin_locks`.
 */
export const users = pgTable(
  "users",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    username: text("username").notNull(),
    display_name: text("display_name").notNull(),
    role: text("role").notNull(),
    admdvs: text("admdvs").notNull(),
    fixmedins_code: text("fixmedins_code").references(() => fixmedins.fixmedins_code),
    psn_no: text("psn_no").references(() => persons.psn_no),
    password_hash: text("password_hash").notNull(),
    active: boolean("active").notNull().default(true),
    /** Set by an administrator's reset: the next session may only change the password (issue 11). */
    must_change_password: boolean("must_change_password").notNull().default(false),
    created_at: created(),
  },
  (t) => [uniqueIndex("users_username").on(t.username)],
);

/** Sessions: the cookie carries a random token; only its SHA-256 is stored, so a copy of the table signs nobody in. */
export const userSessions = pgTable(
  "user_sessions",
  {
    token_sha256: text("token_sha256").primaryKey(),
    user_id: bigint("user_id", { mode: "number" }).notNull().references(() => users.id),
    created_at: created(),
    expires_at: timestamp("expires_at", { withTimezone: true }).notNull(),
    ip: text("ip"),
    revoked_at: timestamp("revoked_at", { withTimezone: true }),
    /** The last request of the session, for the idle timeout; written at most once a minute to keep writes low. */
    last_seen_at: timestamp("last_seen_at", { withTimezone: true }).notNull().defaultNow(),
    user_agent: text("user_agent"),
  },
  (t) => [index("user_sessions_user").on(t.user_id)],
);

/** Every sign-in attempt of the console and the portal: who, when, from where, and how it ended. */
export const signinAttempts = pgTable(
  "signin_attempts",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    at: timestamp("at", { withTimezone: true }).notNull().defaultNow(),
    username: text("username").notNull(),
    user_id: bigint("user_id", { mode: "number" }).references(() => users.id),
    /** The region of the user, when known: the log is scoped like everything else. */
    admdvs: text("admdvs"),
    ip: text("ip"),
    user_agent: text("user_agent"),
    success: boolean("success").notNull(),
    /** ok | bad_password | lockout (the wrong password that locked) | unknown_user | locked | inactive */
    reason: text("reason").notNull(),
  },
  (t) => [index("signin_attempts_at").on(t.at), index("signin_attempts_user").on(t.username, t.at)],
);

/** Secrets the server makes for itself at first start (the voucher signing key), shared by every process of one database. */
export const secrets = pgTable("secrets", {
  name: text("name").primaryKey(),
  value: text("value").notNull(),
  created_at: created(),
});

/** The bytes of an uploaded file: node-postgres gives a Buffer, PGlite a Uint8Array. */
const bytea = customType<{ data: Buffer; driverData: Buffer | Uint8Array }>({
  dataType: () => "bytea",
  fromDriver: (value) => (Buffer.isBuffer(value) ? value : Buffer.from(value)),
});

/**
 * Files uploaded in the console, queued and imported in the background by whichever server's worker claims them
 * (src/services/imports/queue.ts): what came (with its bytes until the job ends), who sent it, who runs it under which
 * lease, how far it got, what was refused.
 */
export const importJobs = pgTable(
  "import_jobs",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    kind: text("kind").notNull(),
    file_name: text("file_name").notNull(),
    user_id: bigint("user_id", { mode: "number" }).references(() => users.id),
    admdvs: text("admdvs"),
    /** queued | running | done | failed */
    status: text("status").notNull().default("queued"),
    /** When the file was sent. */
    started_at: timestamp("started_at", { withTimezone: true }).notNull().defaultNow(),
    finished_at: timestamp("finished_at", { withTimezone: true }),
    /** The import's counts and refused rows (at most a thousand listed), written when it ends. */
    result: jsonb("result"),
    error: text("error"),
    // ---- issue 10: durable import jobs
    /** csv | xlsx */
    format: text("format").notNull().default("csv"),
    /** The upload's options: roster source, enrollment year, as-of time of the facts. */
    options: jsonb("options").notNull().default({}),
    /** The uploaded file, kept until the job is done or failed (then cleared: the report stays). */
    file: bytea("file"),
    /** Counts so far and the share of the file read, written by the worker's heartbeat. */
    progress: jsonb("progress"),
    /** The worker running the job and until when its claim holds; the heartbeat renews it. */
    locked_by: text("locked_by"),
    lease_until: timestamp("lease_until", { withTimezone: true }),
    /** Times a worker claimed the job (more than one: resumed after a server stopped during it). */
    attempts: integer("attempts").notNull().default(0),
  },
  (t) => [index("import_jobs_started").on(t.started_at), index("import_jobs_waiting").on(t.status, t.id)],
);

/**
 * The years of demo data this database holds. A row exists only in a database the demo was loaded into (when it was
 * empty), so a bureau's own database is never taken for a demo one; a demo database kept into a new year gets that
 * year's enrollments and care at the next start (the new row says so).
 */
export const demoYears = pgTable("demo_years", {
  year: integer("year").primaryKey(),
  /** Visits and stays settled through the interface for the year (0: data without care). */
  visits: integer("visits").notNull().default(0),
  created_at: created(),
});

// ---- issue 11: sessions and passwords

/**
 * Failed sign-ins per account and client address. The lock-out holds for the address that guessed, not for the
 * account everywhere: whoever guesses from one address cannot lock the administrator out of their own desk.
 */
export const signinLocks = pgTable(
  "signin_locks",
  {
    user_id: bigint("user_id", { mode: "number" }).notNull().references(() => users.id),
    ip: text("ip").notNull(),
    /** Consecutive failures from this address since the last success or lock. */
    failed_attempts: integer("failed_attempts").notNull().default(0),
    locked_until: timestamp("locked_until", { withTimezone: true }),
    updated_at: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.user_id, t.ip] })],
);

// ---- issue 21: hospital credentials

/**
 * Credentials of designated institutions on the hospital-facing interface (src/services/identity/hisCredentials.ts). The secret
 * is never stored: it is derived as HMAC-SHA256(master key, access_key:salt), the master key from YIBAO_HIS_MASTER_KEY
 * (else a key of the `secrets` table); a row keeps the salt and a fingerprint of the secret. A rotation gives a new salt
 * and keeps the previous one valid until `previous_valid_until`.
 */
export const hisCredentials = pgTable(
  "his_credentials",
  {
    access_key: text("access_key").primaryKey(),
    fixmedins_code: text("fixmedins_code").notNull().references(() => fixmedins.fixmedins_code),
    salt: text("salt").notNull(),
    /** First 16 hex of SHA-256(secret): tells the hospital which secret is current without revealing it. */
    fingerprint: text("fingerprint").notNull(),
    previous_salt: text("previous_salt"),
    previous_valid_until: timestamp("previous_valid_until", { withTimezone: true }),
    status: text("status").notNull().default("active"),
    issued_at: timestamp("issued_at", { withTimezone: true }).notNull().defaultNow(),
    issued_by: text("issued_by").notNull(),
    rotated_at: timestamp("rotated_at", { withTimezone: true }),
    rotated_by: text("rotated_by"),
    revoked_at: timestamp("revoked_at", { withTimezone: true }),
    revoked_by: text("revoked_by"),
  },
  (t) => [index("his_credentials_fixmedins").on(t.fixmedins_code)],
);

/** Nonces seen on the interface, one per access key, kept for the replay window (pruned past it). */
export const hisNonces = pgTable(
  "his_nonces",
  {
    access_key: text("access_key").notNull(),
    nonce: text("nonce").notNull(),
    seen_at: timestamp("seen_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.access_key, t.nonce] }), index("his_nonces_seen").on(t.seen_at)],
);

/** Every request the interface refused for who sent it (credential, institution, replay, rate), for the auditors. */
export const hisRefusals = pgTable(
  "his_refusals",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    at: timestamp("at", { withTimezone: true }).notNull().defaultNow(),
    address: text("address"),
    access_key: text("access_key"),
    fixmedins_code: text("fixmedins_code"),
    infno: text("infno"),
    msgid: text("msgid"),
    /** A stable code: unsigned, unknown_key, revoked, bad_signature, stale_timestamp, replayed_nonce, body_digest, institution_mismatch, sign_no_of_other_credential, rate_limited. */
    reason: text("reason").notNull(),
    detail: text("detail").notNull(),
  },
  (t) => [index("his_refusals_at").on(t.at), index("his_refusals_fixmedins").on(t.fixmedins_code, t.at)],
);

/**
 * Electronic-voucher tokens that registered a visit (2201/2401 with mdtrt_cert_type 01): a token is good for one visit,
 * at the hospital that registered it, and only while that visit is open.
 */
export const voucherClaims = pgTable("voucher_claims", {
  /** SHA-256 of the token (hex): the token itself is a credential of the person and is not kept. */
  token_hash: text("token_hash").primaryKey(),
  psn_no: text("psn_no").notNull(),
  fixmedins_code: text("fixmedins_code").notNull(),
  mdtrt_id: text("mdtrt_id").notNull(),
  claimed_at: timestamp("claimed_at", { withTimezone: true }).notNull().defaultNow(),
});

// ---- issue 20

/**
 * Files a hospital uploaded with 9101 (文件上传), kept for the transaction that names them by file_qury_no (3202's detail
 * by file). The content is base64 text, read the same by both drivers; a file is the hospital's own.
 */
export const hisFiles = pgTable(
  "his_files",
  {
    file_qury_no: text("file_qury_no").primaryKey(),
    fixmedins_code: text("fixmedins_code").notNull(),
    filename: text("filename").notNull(),
    size: integer("size").notNull(),
    content_base64: text("content_base64").notNull(),
    /** Until when the file can be named (dld_endtime). */
    expires_at: timestamp("expires_at", { mode: "string" }).notNull(),
    created_at: created(),
  },
  (t) => [index("his_files_hospital").on(t.fixmedins_code)],
);

/**
 * 高额医疗费用支出预警 (early warning of catastrophic spending): at most one open warning per person (state not closed),
 * holding the figures that raised it as last checked, the settlements behind them, and the thresholds of the policy
 * that held. `below_threshold` is set (never the row deleted) when a reversal takes the person back under every one.
 * States: new → contacted → helped | not_eligible → closed.
 */
export const warnings = pgTable(
  "warnings",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    psn_no: text("psn_no").notNull().references(() => persons.psn_no),
    /** The insured region (a county's clerk sees its people). */
    admdvs: text("admdvs").notNull(),
    policy_id: text("policy_id").notNull(),
    state: text("state").notNull().default("new"),
    /** Which thresholds hold: window (a), income (b), single (c). */
    criteria: jsonb("criteria").notNull(),
    /** (d) no assistance category on the day it was raised: the proactive list (主动发现). */
    proactive: boolean("proactive").notNull().default(false),
    category: text("category"),
    window_from: date("window_from", { mode: "string" }).notNull(),
    window_to: date("window_to", { mode: "string" }).notNull(),
    window_self_paid_fen: fen("window_self_paid_fen"),
    /** The household's annual income (per-capita income × members), null when unknown. */
    household_income_fen: bigint("household_income_fen", { mode: "number" }),
    max_single_self_paid_fen: fen("max_single_self_paid_fen"),
    setl_ids: jsonb("setl_ids").notNull(),
    below_threshold: boolean("below_threshold").notNull().default(false),
    /** The figures and thresholds in words, as last checked. */
    explanation: text("explanation").notNull(),
    raised_at: timestamp("raised_at", { withTimezone: true }).notNull().defaultNow(),
    checked_at: timestamp("checked_at", { withTimezone: true }).notNull().defaultNow(),
    updated_at: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("warnings_open").on(t.psn_no).where(sql`state <> 'closed'`),
    index("warnings_region_state").on(t.admdvs, t.state),
    index("warnings_psn").on(t.psn_no),
  ],
);

/** Who did what to a warning and when (raised, rechecked, cleared by a reversal, contacted, helped …). */
export const warningEvents = pgTable(
  "warning_events",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    warning_id: bigint("warning_id", { mode: "number" }).notNull().references(() => warnings.id),
    at: timestamp("at", { withTimezone: true }).notNull().defaultNow(),
    /** A user's name, or "system" for the monitor. */
    actor: text("actor").notNull(),
    action: text("action").notNull(),
    from_state: text("from_state"),
    to_state: text("to_state"),
    note: text("note"),
  },
  (t) => [index("warning_events_warning").on(t.warning_id, t.id)],
);

/**
 * Assistance on application: 依申请救助 (kind application, fund 610100) and 再救助 (kind secondary, 610102).
 * States: submitted → approved | rejected → paid (from approved). Once per person, kind and calendar year of approval:
 * the partial unique index makes the second approval of a year fail even when two clerks approve at once.
 */
export const assistanceApplications = pgTable(
  "assistance_applications",
  {
    application_id: text("application_id").primaryKey(),
    psn_no: text("psn_no").notNull().references(() => persons.psn_no),
    admdvs: text("admdvs").notNull(),
    kind: text("kind").notNull(),
    fund_pay_type: text("fund_pay_type").notNull(),
    policy_id: text("policy_id").notNull(),
    application_date: date("application_date", { mode: "string" }).notNull(),
    state: text("state").notNull().default("submitted"),
    /** Who filed it: the person (portal) or a clerk on their behalf. */
    filed_by: text("filed_by").notNull(),
    filed_via: text("filed_via").notNull(),
    warning_id: bigint("warning_id", { mode: "number" }).references(() => warnings.id),
    household_size: integer("household_size").notNull(),
    /** Declared household per-capita annual income, fen. */
    household_income_fen: bigint("household_income_fen", { mode: "number" }).notNull(),
    certified_difficulty: boolean("certified_difficulty").notNull().default(false),
    note: text("note"),
    /** As computed at filing, and again (final) at approval. */
    base_fen: fen("base_fen"),
    amount_fen: fen("amount_fen"),
    setl_ids: jsonb("setl_ids").notNull(),
    steps: jsonb("steps").notNull(),
    approval_year: integer("approval_year"),
    reviewed_by: text("reviewed_by"),
    reviewed_at: timestamp("reviewed_at", { withTimezone: true }),
    reject_reason: text("reject_reason"),
    paid_by: text("paid_by"),
    paid_at: timestamp("paid_at", { withTimezone: true }),
    created_at: created(),
    updated_at: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("assistance_once_a_year").on(t.psn_no, t.kind, t.approval_year).where(sql`state in ('approved', 'paid')`),
    index("assistance_region_state").on(t.admdvs, t.state),
    index("assistance_psn").on(t.psn_no),
  ],
);

/** Who did what to an application and when. */
export const assistanceEvents = pgTable(
  "assistance_events",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    application_id: text("application_id").notNull().references(() => assistanceApplications.application_id),
    at: timestamp("at", { withTimezone: true }).notNull().defaultNow(),
    actor: text("actor").notNull(),
    action: text("action").notNull(),
    from_state: text("from_state"),
    to_state: text("to_state"),
    note: text("note"),
  },
  (t) => [index("assistance_events_application").on(t.application_id, t.id)],
);

/** Who is covered by a supplementary tier (惠民保 from the insurer's roster, a charity's families) per year. */
export const supplementaryEnrollments = pgTable(
  "supplementary_enrollments",
  {
    psn_no: text("psn_no").notNull().references(() => persons.psn_no),
    tier_id: text("tier_id").notNull(),
    year: integer("year").notNull(),
    admdvs: text("admdvs").notNull(),
    begin_date: date("begin_date", { mode: "string" }).notNull(),
    end_date: date("end_date", { mode: "string" }),
    source: text("source").notNull(),
    imported_at: timestamp("imported_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.psn_no, t.tier_id, t.year] }), index("supplementary_tier").on(t.tier_id, t.year)],
);

// ---- issue 19: the settlement list (医疗保障基金结算清单, 4101/4101A)

/**
 * A settlement's list as last uploaded; a re-upload replaces it (and its diagnoses and procedures) and counts the version.
 * The columns a DRG/DIP grouper reads are kept apart from the header as sent (setlinfo): sex, age, a newborn's age in days
 * and weights, length of stay, leave type, the principal diagnosis and procedure. Money in fen.
 */
export const settlementLists = pgTable(
  "settlement_lists",
  {
    setl_id: text("setl_id").primaryKey().references(() => settlements.setl_id),
    mdtrt_id: text("mdtrt_id").notNull().references(() => encounters.mdtrt_id),
    psn_no: text("psn_no").notNull().references(() => persons.psn_no),
    fixmedins_code: text("fixmedins_code").notNull(),
    /** 1 for the first upload, one more for each re-upload. */
    version: integer("version").notNull(),
    /** The transaction (4101 or 4101A) and message of the upload in force, and its time (the message's inf_time). */
    infno: text("infno").notNull(),
    msgid: text("msgid").notNull(),
    uploaded_at: timestamp("uploaded_at", { mode: "string" }).notNull(),
    first_uploaded_at: timestamp("first_uploaded_at", { mode: "string" }).notNull(),
    gend: text("gend").notNull(),
    age: integer("age").notNull(),
    nwb_age_days: integer("nwb_age_days"),
    /** Grams. */
    nwb_bir_wt: integer("nwb_bir_wt"),
    nwb_adm_wt: integer("nwb_adm_wt"),
    ipt_med_type: text("ipt_med_type"),
    adm_time: timestamp("adm_time", { mode: "string" }),
    dscg_time: timestamp("dscg_time", { mode: "string" }),
    ipt_days: integer("ipt_days"),
    dscg_way: text("dscg_way"),
    main_diag_code: text("main_diag_code"),
    main_oprn_code: text("main_oprn_code"),
    medfee_sumamt: fen("medfee_sumamt"),
    /** iteminfo: the fees by category (med_chrgitm, amt, claa_sumfee, clab_amt, fulamt_ownpay_amt, oth_amt in fen). */
    items: jsonb("items").notNull(),
    /** payinfo as sent (fen), or null (4101A: the settlement's funds). */
    funds: jsonb("funds"),
    icu: jsonb("icu").notNull().default(sql`'[]'::jsonb`),
    opspdise: jsonb("opspdise").notNull().default(sql`'[]'::jsonb`),
    /** The header (setlinfo) and any other node as sent, for what no column holds. */
    setlinfo: jsonb("setlinfo").notNull(),
    created_at: created(),
  },
  (t) => [index("settlement_lists_mdtrt").on(t.mdtrt_id), index("settlement_lists_fixmedins").on(t.fixmedins_code, t.uploaded_at)],
);

/** The list's diagnoses (diseinfo), in the order sent. */
export const settlementListDiagnoses = pgTable(
  "settlement_list_diagnoses",
  {
    setl_id: text("setl_id").notNull().references(() => settlementLists.setl_id),
    seq: integer("seq").notNull(),
    diag_type: text("diag_type").notNull(),
    diag_code: text("diag_code").notNull(),
    diag_name: text("diag_name").notNull(),
    maindiag_flag: boolean("maindiag_flag").notNull(),
    adm_cond_type: text("adm_cond_type"),
  },
  (t) => [primaryKey({ columns: [t.setl_id, t.seq] })],
);

/** The list's procedures (oprninfo), in the order sent; oprn_oprt_type 1 is the principal one. */
export const settlementListProcedures = pgTable(
  "settlement_list_procedures",
  {
    setl_id: text("setl_id").notNull().references(() => settlementLists.setl_id),
    seq: integer("seq").notNull(),
    oprn_oprt_type: text("oprn_oprt_type").notNull(),
    oprn_oprt_code: text("oprn_oprt_code").notNull(),
    oprn_oprt_name: text("oprn_oprt_name").notNull(),
    oprn_oprt_date: date("oprn_oprt_date", { mode: "string" }).notNull(),
    oprn_oprt_begntime: timestamp("oprn_oprt_begntime", { mode: "string" }),
    oprn_oprt_endtime: timestamp("oprn_oprt_endtime", { mode: "string" }),
    anst_way: text("anst_way"),
    oper_dr_code: text("oper_dr_code"),
    oper_dr_name: text("oper_dr_name"),
    anst_dr_code: text("anst_dr_code"),
    anst_dr_name: text("anst_dr_name"),
  },
  (t) => [primaryKey({ columns: [t.setl_id, t.seq] })],
);

// ---- issue 19: 目录对照 (catalogue matching)

/**
 * 目录对照 (3301/3302, a clerk's file): a hospital's own item code matched to a national code of its region's catalogue,
 * valid over [begndate, enddate]. Rows are never deleted: a cancel (3302) or a re-upload ends a row (status cancelled or
 * replaced, ended_reason says how), so the history stays, and 1317 hands an ended row to a HIS with vali_flag 0.
 * At most one live row per hospital code and first day.
 */
export const catalogueMatches = pgTable(
  "catalogue_matches",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    fixmedins_code: text("fixmedins_code").notNull().references(() => fixmedins.fixmedins_code),
    /** The hospital's own code (fixmedins_hilist_id on 3301, medins_list_codg on fee lines and 1317). */
    medins_list_codg: text("medins_list_codg").notNull(),
    medins_list_name: text("medins_list_name").notNull(),
    /** 目录类别 as sent (101 西药中成药 … 201 医疗服务项目, 301 医用耗材). */
    list_type: text("list_type").notNull(),
    med_list_codg: text("med_list_codg").notNull(),
    /** The region whose catalogue holds med_list_codg (the hospital's). */
    admdvs: text("admdvs").notNull(),
    begndate: date("begndate", { mode: "string" }).notNull(),
    enddate: date("enddate", { mode: "string" }),
    /** The other fields of 3301 as sent (aprvno, dosform, spec, prcunt, pric …). */
    info: jsonb("info").notNull().default(sql`'{}'::jsonb`),
    /** active | cancelled | replaced */
    status: text("status").notNull().default("active"),
    ended_reason: text("ended_reason"),
    /** 3301 | file (a clerk's upload) */
    source: text("source").notNull(),
    opter: text("opter"),
    created_at: created(),
    /** When the row last changed (China time): 1317's updt_time reads rows changed since. */
    updt_time: timestamp("updt_time", { mode: "string" }).notNull(),
  },
  (t) => [
    uniqueIndex("catalogue_matches_live").on(t.fixmedins_code, t.medins_list_codg, t.begndate).where(sql`status = 'active'`),
    index("catalogue_matches_updt").on(t.fixmedins_code, t.updt_time, t.id),
  ],
);

/**
 * A hospital's codes that found no matching: fee lines refused for them (2204/2301), matchings refused (3301, a file),
 * matchings cancelled and not replaced. One row per hospital code; resolved_at is set when a matching for it is made.
 * Written after the refused transaction rolled back: a log, like his_refusals.
 */
export const unmatchedCodes = pgTable(
  "unmatched_codes",
  {
    fixmedins_code: text("fixmedins_code").notNull(),
    medins_list_codg: text("medins_list_codg").notNull(),
    medins_list_name: text("medins_list_name"),
    reason: text("reason").notNull(),
    /** The transaction or upload that found it: 2204, 2301, 3301, 3302, file. */
    source: text("source").notNull(),
    times: integer("times").notNull().default(1),
    first_seen: timestamp("first_seen", { withTimezone: true }).notNull().defaultNow(),
    last_seen: timestamp("last_seen", { withTimezone: true }).notNull().defaultNow(),
    resolved_at: timestamp("resolved_at", { withTimezone: true }),
  },
  (t) => [primaryKey({ columns: [t.fixmedins_code, t.medins_list_codg] })],
);
