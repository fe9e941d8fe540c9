import { z } from "zod";
import type { Category } from "../../../domain/codes.js";
import { CATEGORY_NAMES } from "../../../domain/codes.js";
import { parseResidentId, withinValidity } from "../../../domain/ids.js";
import { toYuan, type Fen } from "../../../domain/money.js";
import { ageOn, todayInChina } from "../../../services/common/index.js";
import { householdDetail, personDetail, searchPersons } from "../../../services/enrollment/index.js";
import { NotFoundError } from "../../errors.js";
import { certnoIn, dateIn, dateOut, paged, pagination, regionIn, yuanOut } from "../../fields.js";
import { defineRoute } from "../../route.js";
import { category, enrollment, personFacts, personSummary, toCategory, toEnrollment, toPersonFacts, toPersonSummary } from "../common/shapes.js";
import { checkPerson, regionOf } from "../../scope.js";
import { signedIn } from "../../session.js";

const today = () => todayInChina();

export const searchPersonsRoute = defineRoute({
  method: "GET",
  path: "/persons",
  operationId: "searchPersons",
  summary: { zh: "查询人员（姓名前缀或身份证号）", en: "Search persons by name prefix or ID number" },
  description:
    "q: 姓名前缀，或身份证号（18 位则校验并精确匹配，更短则按前缀）/ a name prefix, or an ID number (18 characters: " +
    "verified and matched exactly; fewer: a prefix).",
  tags: ["persons"],
  access: "read",
  query: z.strictObject({
    q: z.string().trim().min(1).max(50).optional().meta({ description: "姓名前缀或身份证号 / name prefix or ID number" }),
    certno: certnoIn.optional(),
    admdvs: regionIn.optional().meta({ description: "参保地 / the insured region (insuplc_admdvs)" }),
    household_id: z.string().min(1).max(50).optional(),
    ...pagination,
  }),
  response: paged(personSummary),
  async handle({ query, services, principal }) {
    const admdvs = regionOf(signedIn(principal), query.admdvs, "query.admdvs");
    let namePrefix: string | undefined;
    let certnoPrefix: string | undefined;
    let certno = query.certno;
    if (query.q !== undefined) {
      if (/^\d{17}[\dXx]$/.test(query.q)) certno = parseResidentId(query.q, "query.q");
      else if (/^\d+[Xx]?$/.test(query.q)) certnoPrefix = query.q;
      else namePrefix = query.q;
    }
    const found = await searchPersons(
      services.db,
      { name_prefix: namePrefix, certno_prefix: certnoPrefix, certno, admdvs, household_id: query.household_id },
      query,
    );
    return { items: found.items.map(toPersonSummary), page: query.page, page_size: query.page_size, total: found.total, total_capped: found.total_capped };
  },
});

const accumulatorsOut = z.object({
  year: z.int(),
  outpatient_deductible_counted: yuanOut.meta({ description: "普通门诊起付线累计" }),
  outpatient_basic_paid: yuanOut.meta({ description: "普通门诊统筹支付累计" }),
  inpatient_chronic_basic_paid: yuanOut.meta({ description: "住院及门诊慢特病统筹支付累计" }),
  tier_two_base: yuanOut.meta({ description: "大病保险合规费用累计" }),
  critical_illness_paid: yuanOut.meta({ description: "大病保险支付累计" }),
  large_amount_paid: yuanOut.meta({ description: "职工大额补助支付累计" }),
  assistance_base: yuanOut.meta({ description: "医疗救助基数累计" }),
  assistance_paid: yuanOut.meta({ description: "医疗救助支付累计" }),
  chronic_basic_paid: z.record(z.string(), yuanOut).meta({ description: "门诊慢特病统筹支付累计，按病种 / outpatient chronic disease, by disease code" }),
});

export const getPersonRoute = defineRoute({
  method: "GET",
  path: "/persons/{psn_no}",
  operationId: "getPerson",
  summary: { zh: "人员详情：类别、参保、本年累计", en: "A person: categories, enrollments, this year's accumulators" },
  description: "as_of 默认为今天；累计为 as_of 所在年度 / as_of defaults to today; the accumulators are of its year.",
  tags: ["persons"],
  access: "read",
  params: z.strictObject({ psn_no: z.string().min(1).max(50) }),
  query: z.strictObject({ as_of: dateIn.optional() }),
  errors: [404],
  response: z.object({
    ...personSummary.shape,
    psn_cert_type: z.string(),
    naty: z.string(),
    tel: z.string().nullable(),
    emp_name: z.string().nullable(),
    age: z.int().meta({ description: "as_of 当日年龄 / age on as_of" }),
    balc: yuanOut.meta({ description: "个人账户余额 / personal-account balance" }),
    ...personFacts.shape,
    as_of: dateOut,
    categories: z.array(category),
    enrollments: z.array(enrollment),
    accumulators: accumulatorsOut,
  }),
  async handle({ params, query, services, principal }) {
    const asOf = query.as_of ?? today();
    const detail = await personDetail(services.db, params.psn_no, Number(asOf.slice(0, 4)));
    if (!detail) throw new NotFoundError("params.psn_no", `no insured person ${params.psn_no}`);
    checkPerson(signedIn(principal), detail.person, "params.psn_no");
    const { person, accumulators: acc } = detail;
    return {
      ...toPersonSummary(person),
      psn_cert_type: person.psn_cert_type,
      naty: person.naty,
      tel: person.tel,
      emp_name: person.emp_name,
      age: ageOn(person.brdy, asOf),
      balc: toYuan(person.balc_fen as Fen),
      ...toPersonFacts(person),
      as_of: asOf,
      categories: detail.identities.map((i) => toCategory(i, asOf)),
      enrollments: detail.enrollments.map(toEnrollment),
      accumulators: {
        year: acc.year,
        outpatient_deductible_counted: toYuan(acc.outpatient_deductible_counted_fen),
        outpatient_basic_paid: toYuan(acc.outpatient_basic_paid_fen),
        inpatient_chronic_basic_paid: toYuan(acc.inpatient_chronic_basic_paid_fen),
        tier_two_base: toYuan(acc.tier_two_base_fen),
        critical_illness_paid: toYuan(acc.critical_illness_paid_fen),
        large_amount_paid: toYuan(acc.large_amount_paid_fen),
        assistance_base: toYuan(acc.assistance_base_fen),
        assistance_paid: toYuan(acc.assistance_paid_fen),
        chronic_basic_paid: Object.fromEntries(Object.entries(acc.chronic_basic_paid_fen).map(([code, v]) => [code, toYuan(v)])),
      },
    };
  },
});

export const getHouseholdRoute = defineRoute({
  method: "GET",
  path: "/households/{household_id}",
  operationId: "getHousehold",
  summary: { zh: "家庭（户）及成员", en: "A household and its members" },
  tags: ["households"],
  access: "read",
  params: z.strictObject({ household_id: z.string().min(1).max(50) }),
  query: z.strictObject({ as_of: dateIn.optional() }),
  errors: [404],
  response: z.object({
    household_id: z.string(),
    admdvs: z.string().nullable(),
    head_certno: z.string().nullable(),
    address: z.string().nullable(),
    as_of: dateOut,
    members: z.array(z.object({
      ...personSummary.shape,
      age: z.int(),
      head: z.boolean().meta({ description: "户主 / head of the household" }),
      ...personFacts.shape,
      categories: z.array(z.object({ psn_idet_type: z.string(), name: z.string() })).meta({ description: "as_of 当日有效的类别 / categories in force on as_of" }),
    })),
  }),
  async handle({ params, query, services, principal }) {
    const asOf = query.as_of ?? today();
    const found = await householdDetail(services.db, params.household_id);
    if (!found) throw new NotFoundError("params.household_id", `no household ${params.household_id}`);
    for (const member of found.members) checkPerson(signedIn(principal), member, "params.household_id");
    const h = found.household;
    return {
      household_id: params.household_id,
      admdvs: h?.admdvs ?? null,
      head_certno: h?.head_certno ?? null,
      address: h?.address ?? null,
      as_of: asOf,
      members: found.members.map((m) => ({
        ...toPersonSummary(m),
        age: ageOn(m.brdy, asOf),
        head: h?.head_certno === m.certno,
        ...toPersonFacts(m),
        categories: (found.identities.get(m.psn_no) ?? [])
          .filter((i) => withinValidity(asOf, i.begntime, i.endtime))
          .map((i) => ({ psn_idet_type: i.psn_idet_type, name: CATEGORY_NAMES[i.psn_idet_type as Category] ?? i.psn_idet_type })),
      })),
    };
  },
});
