import { readFile } from "node:fs/promises";
import { z } from "zod";
import { parse as parseYaml } from "yaml";
import { policyId, regionCovers, regionName } from "../../../domain/reference/index.js";
import { POLICIES_DIR } from "../../../services/reference/index.js";
import { NotFoundError } from "../../errors.js";
import { regionIn, yearIn } from "../../fields.js";
import { defineRoute } from "../../route.js";
import { signedIn } from "../../session.js";


export const listPoliciesRoute = defineRoute({
  method: "GET",
  path: "/policies",
  operationId: "listPolicies",
  summary: { zh: "各地区年度政策", en: "The policies of each region and year" },
  tags: ["policies"],
  access: "read",
  response: z.object({ items: z.array(z.object({ admdvs: z.string(), admdvs_name: z.string(), year: z.int(), policy_id: z.string(), name: z.string() })) }),
  async handle({ services }) {
    return {
      items: services.policies.map((p) => ({ admdvs: p.admdvs, admdvs_name: regionName(p.admdvs), year: p.year, policy_id: policyId(p), name: `${p.region_name} ${p.year} 年度医疗保障政策` })),
    };
  },
});

export const getPolicyRoute = defineRoute({
  method: "GET",
  path: "/policies/{admdvs}/{year}",
  operationId: "getPolicy",
  summary: { zh: "某地区某年度的政策（原文，金额为元）", en: "A region's policy of a year, as written (yuan)" },
  tags: ["policies"],
  access: "read",
  params: z.strictObject({ admdvs: regionIn, year: yearIn }),
  errors: [404],
  response: z.object({ admdvs: z.string(), admdvs_name: z.string(), year: z.int(), policy_id: z.string(), name: z.string(), in_your_region: z.boolean(), document: z.record(z.string(), z.unknown()) }),
  async handle({ params, services, principal }) {
    const me = signedIn(principal);
    const policy = services.policies.find((p) => p.admdvs === params.admdvs && p.year === params.year);
    if (!policy) throw new NotFoundError("params.year", `no policy of ${params.admdvs} for ${params.year}`);
    // Policies are public documents: staff may read other regions' (to compare), the answer says whether it is theirs.
    let text: string;
    try {
      text = await readFile(`${POLICIES_DIR}${policyId(policy)}.yaml`, "utf8");
    } catch {
      throw new NotFoundError("params.year", `the document of ${policyId(policy)} is not among the policies shipped in policies/`);
    }
    const document = parseYaml(text) as Record<string, unknown>;
    return {
      admdvs: policy.admdvs, admdvs_name: regionName(policy.admdvs), year: policy.year, policy_id: policyId(policy),
      name: `${policy.region_name} ${policy.year} 年度医疗保障政策`, in_your_region: regionCovers(me.admdvs, policy.admdvs), document,
    };
  },
});
