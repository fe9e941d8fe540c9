import type { Command } from "commander";
import { DomainError } from "../../domain/errors.js";
import { parseResidentId } from "../../domain/ids.js";
import { formatYuan, formatYuanGrouped, toYuan, type Fen } from "../../domain/money.js";
import { formatRatio, PPM, type Ratio } from "../../domain/ratio.js";
import { contributionsOf, recomputeSubsidies, subsidyRegister, type PersonContributions, type SubsidyRegister } from "../../services/enrollment/index.js";
import { findPersonByCertno } from "../../services/common/index.js";
import { displayWidth } from "../../services/settlement/index.js";
import { runCommand, withDatabase } from "../common/io.js";

/** `yibao enrollment …`: recompute subsidies, print the 资助参保 register, show one person's contributions. */

const FORMATS = ["table", "json"] as const;
type Format = (typeof FORMATS)[number];

function formatOf(value: string): Format {
  if (!(FORMATS as readonly string[]).includes(value)) throw new DomainError("--format", `must be ${FORMATS.join(" or ")}, got "${value}"`);
  return value as Format;
}

function yearOption(value: string | undefined): number {
  if (value === undefined) throw new DomainError("--year", "is required (e.g. --year 2022)");
  const n = Number(value);
  if (!/^\d{4}$/.test(value.trim()) || n < 1990 || n > 2100) throw new DomainError("--year", `must be a calendar year such as 2022, got "${value}"`);
  return n;
}


function table(head: string[], body: string[][], rightAligned: ReadonlySet<number>): string[] {
  const widths = head.map((h, i) => Math.max(displayWidth(h), ...body.map((row) => displayWidth(row[i] ?? ""))));
  const pad = (text: string, i: number) => {
    const fill = " ".repeat(Math.max(0, (widths[i] ?? 0) - displayWidth(text)));
    return rightAligned.has(i) ? fill + text : text + fill;
  };
  const line = (cells: string[]) => cells.map((c, i) => pad(c, i)).join("  ").trimEnd();
  return [line(head), line(widths.map((w) => "-".repeat(w))), ...body.map(line)];
}

export function formatRegisterTable(r: SubsidyRegister): string {
  const scope = `${r.year}年度${r.admdvs ? ` ${r.admdvs}` : " 全部地区 all regions"}${r.category ? ` ${r.lines[0]?.category_name ?? r.category}` : ""}`;
  const out = [`资助参保台账 Subsidized-enrollment register — ${scope}`, ""];
  if (r.lines.length === 0) out.push("（无受资助人员 nobody was subsidized）");
  else {
    out.push(
      ...table(
        ["人员编号 psn_no", "姓名 name", "身份证号 certno", "类别 category", "比例 share", "起始月 from", "资助 subsidy (元)", "资金 fund"],
        r.lines.map((l) => [
          l.psn_no,
          l.psn_name,
          l.certno,
          l.category_name ?? "—",
          formatRatio(l.share_ppm as Ratio),
          `${l.from_month}月`,
          formatYuanGrouped(l.assistance_subsidy_fen),
          l.subsidy_fund_name ?? "—",
        ]),
        new Set([4, 5, 6]),
      ),
    );
    if (r.lines.length < r.line_count) out.push(`… ${r.line_count - r.lines.length} more lines`);
  }
  out.push("", "按类别 By category");
  out.push(
    ...table(
      ["类别 category", "人数 persons", "资助 subsidy (元)"],
      r.totals.by_category.map((c) => [c.category_name ?? "—", String(c.persons), formatYuanGrouped(c.assistance_subsidy_fen)]),
      new Set([1, 2]),
    ),
  );
  out.push("", "按资金 By fund");
  out.push(
    ...table(
      ["资金 fund", "人数 persons", "资助 subsidy (元)"],
      r.totals.by_fund.map((f) => [f.subsidy_fund_name ? `${f.subsidy_fund} ${f.subsidy_fund_name}` : "—", String(f.persons), formatYuanGrouped(f.assistance_subsidy_fen)]),
      new Set([1, 2]),
    ),
  );
  const c = r.contributions;
  out.push(
    "",
    `合计 Total: 受资助 ${r.totals.persons} 人，资助 ${formatYuanGrouped(r.totals.assistance_subsidy_fen)} 元 (${r.totals.persons} persons subsidized)`,
    `居民缴费 Resident contributions: ${c.enrollments} 条参保登记，个人缴费标准合计 ${formatYuanGrouped(c.individual_fen)} 元，个人实缴 ${formatYuanGrouped(c.person_paid_fen)} 元，` +
      `医疗救助资助 ${formatYuanGrouped(c.assistance_subsidy_fen)} 元，财政补助 ${formatYuanGrouped(c.fiscal_subsidy_fen)} 元`,
  );
  return `${out.join("\n")}\n`;
}

/** The register as JSON, amounts in yuan (as on the API). */
export function registerToJson(r: SubsidyRegister): Record<string, unknown> {
  const total = (t: { persons: number; assistance_subsidy_fen: Fen }) => ({ persons: t.persons, assistance_subsidy: toYuan(t.assistance_subsidy_fen) });
  return {
    year: r.year,
    admdvs: r.admdvs,
    category: r.category,
    lines: r.lines.map(({ assistance_subsidy_fen, share_ppm, ...l }) => ({ ...l, share: share_ppm / PPM, assistance_subsidy: toYuan(assistance_subsidy_fen) })),
    totals: {
      ...total(r.totals),
      by_category: r.totals.by_category.map((c) => ({ category: c.category, category_name: c.category_name, ...total(c) })),
      by_fund: r.totals.by_fund.map((f) => ({ subsidy_fund: f.subsidy_fund, subsidy_fund_name: f.subsidy_fund_name, ...total(f) })),
    },
    contributions: {
      enrollments: r.contributions.enrollments,
      individual: toYuan(r.contributions.individual_fen),
      person_paid: toYuan(r.contributions.person_paid_fen),
      assistance_subsidy: toYuan(r.contributions.assistance_subsidy_fen),
      fiscal_subsidy: toYuan(r.contributions.fiscal_subsidy_fen),
    },
  };
}

export function formatContributions(p: PersonContributions): string {
  const out = [`${p.psn_name}（${p.psn_no}，${p.certno}）`];
  for (const e of p.enrollments) {
    out.push("", `${e.year}年度 ${e.insutype_name}（${e.admdvs}，${e.status}，参保日期 ${e.psn_insu_date}）`);
    if (e.note) out.push(`  ${e.note}`);
    for (const c of e.contributions) {
      const kind = c.kind === "initial" ? "缴费" : c.kind === "adjustment" ? `调整（自${c.effective_month ?? 1}月）` : c.kind === "refund" ? "退费" : c.kind;
      out.push(
        `  ${kind}：个人缴费标准 ${formatYuan(c.individual_fen)}，个人实缴 ${formatYuan(c.person_paid_fen)}，医疗救助资助 ${formatYuan(c.assistance_subsidy_fen)}，财政补助 ${formatYuan(c.fiscal_subsidy_fen)}`,
        `    ${c.reason}`,
      );
    }
    if (e.contributions.length > 0) {
      const t = e.totals;
      out.push(`  合计：个人实缴 ${formatYuan(t.person_paid_fen)}，医疗救助资助 ${formatYuan(t.assistance_subsidy_fen)}，财政补助 ${formatYuan(t.fiscal_subsidy_fen)}`);
    }
  }
  return `${out.join("\n")}\n`;
}

export function registerEnrollmentCommands(program: Command): void {
  const group = program.command("enrollment").description("enrollment contributions and subsidized enrollment (资助参保)");

  group
    .command("recompute")
    .description(
      "compute the contributions of the year's resident enrollments: the initial contribution where missing, and the adjustment " +
        "owed where a category was gained after paying (当月参保、次月资助); idempotent",
    )
    .requiredOption("--year <year>", "the enrollment year")
    .option("--admdvs <region>", "one region (6-digit code); default every region")
    .option("--format <format>", `output: ${FORMATS.join(" or ")}`, "table")
    .action((options: { year?: string; admdvs?: string; format: string }) =>
      runCommand(async () => {
        const format = formatOf(options.format);
        const year = yearOption(options.year);
        const r = await withDatabase((database) => recomputeSubsidies(database, { year, admdvs: options.admdvs ?? null }));
        if (format === "json") {
          process.stdout.write(`${JSON.stringify({ ...r, adjustment: toYuan(r.adjustment_fen as Fen), assistance: toYuan(r.assistance_fen as Fen) }, null, 2)}\n`);
          return;
        }
        const rate = r.seconds > 0 ? Math.round(r.enrollments / r.seconds) : r.enrollments;
        process.stdout.write(
          `recompute ${r.year}${r.admdvs ? ` ${r.admdvs}` : ""}: ${r.enrollments} resident enrollments, ${r.initial} initial contributions, ` +
            `${r.adjustments} adjustments (${formatYuan(r.adjustment_fen as Fen)} yuan refunded or credited)` +
            `${r.without_policy > 0 ? `, ${r.without_policy} without a policy` : ""}${r.policy_fallbacks > 0 ? `, ${r.policy_fallbacks} on an earlier year's policy` : ""}` +
            ` in ${r.seconds.toFixed(1)} s (${rate}/s)\n`,
        );
      }),
    );

  group
    .command("register")
    .description("the 资助参保 register: who was subsidized, by which category, how much, paid by which fund; with totals")
    .requiredOption("--year <year>", "the enrollment year")
    .option("--admdvs <region>", "one region (6-digit code); default every region")
    .option("--category <category>", "one category (destitute, minimum_living… or its Chinese name)")
    .option("--format <format>", `output: ${FORMATS.join(" or ")}`, "table")
    .action((options: { year?: string; admdvs?: string; category?: string; format: string }) =>
      runCommand(async () => {
        const format = formatOf(options.format);
        const year = yearOption(options.year);
        const r = await withDatabase((database) => subsidyRegister(database, { year, admdvs: options.admdvs ?? null, category: options.category ?? null }));
        process.stdout.write(format === "json" ? `${JSON.stringify(registerToJson(r), null, 2)}\n` : formatRegisterTable(r));
      }),
    );

  group
    .command("contributions <person>")
    .description("one person's enrollments and contributions, each explained (by psn_no or ID number)")
    .option("--format <format>", `output: ${FORMATS.join(" or ")}`, "table")
    .action((person: string, options: { format: string }) =>
      runCommand(async () => {
        const format = formatOf(options.format);
        const p = await withDatabase(async (database) => {
          let psnNo = person.trim();
          if (/^\d{17}[\dXx]$/.test(psnNo)) {
            const found = await findPersonByCertno(database.db, parseResidentId(psnNo, "person"));
            if (!found) throw new DomainError("person", `no insured person has the ID number ${psnNo}`);
            psnNo = found.psn_no;
          }
          return contributionsOf(database, psnNo);
        });
        process.stdout.write(format === "json" ? `${JSON.stringify(p, null, 2)}\n` : formatContributions(p));
      }),
    );
}
