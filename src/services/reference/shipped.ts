import { readFileSync, readdirSync } from "node:fs";
import { parse as parseYaml } from "yaml";
import {
  Catalogue, CATALOGUE_COLUMNS, type CatalogueEntry, parseCatalogueEntry, parsePolicy, type Policy, policyId,
} from "../../domain/reference/index.js";
import { DomainError } from "../../domain/errors.js";
import { csvRecords } from "../../lib/csv.js";
import { fromRoot } from "../../lib/paths.js";

/** The policies and catalogues shipped with Yibao (policies/, catalogues/). */
export const POLICIES_DIR = `${fromRoot("policies")}/`;
export const CATALOGUES_DIR = `${fromRoot("catalogues")}/`;

export function loadPolicyFile(path: string): Policy {
  const text = readFileSync(path, "utf8");
  let document: unknown;
  try {
    document = parseYaml(text);
  } catch (error) {
    throw new DomainError(path, `is not valid YAML: ${(error as Error).message}`);
  }
  return parsePolicy(document, path);
}

let shipped: Policy[] | null = null;

/** Every shipped policy, validated; the file name must be the policy's id. */
export function shippedPolicies(): Policy[] {
  if (!shipped) {
    shipped = readdirSync(POLICIES_DIR)
      .filter((f) => f.endsWith(".yaml"))
      .sort()
      .map((f) => {
        const policy = loadPolicyFile(POLICIES_DIR + f);
        if (`${policyId(policy)}.yaml` !== f) throw new DomainError(f, `file name must be ${policyId(policy)}.yaml`);
        return policy;
      });
  }
  return shipped;
}

export function shippedPolicy(id: string): Policy {
  const p = shippedPolicies().find((x) => policyId(x) === id);
  if (!p) throw new DomainError("policy", `no shipped policy "${id}" (have: ${shippedPolicies().map(policyId).join(", ")})`);
  return p;
}

/** Parses catalogue CSV text with the catalogue header; errors name the row. */
export function parseCatalogueCsv(text: string, source: string): CatalogueEntry[] {
  const { header, records } = csvRecords(text);
  const missing = CATALOGUE_COLUMNS.filter((c) => !header.includes(c));
  if (missing.length > 0) throw new DomainError(source, `header lacks ${missing.join(", ")}`);
  return records.map((r, i) => parseCatalogueEntry(r, `${source} row ${i + 2}`));
}

const shippedCatalogues = new Map<string, CatalogueEntry[]>();

export function shippedCatalogueEntries(admdvs: string): CatalogueEntry[] {
  let entries = shippedCatalogues.get(admdvs);
  if (!entries) {
    const file = `${admdvs}.csv`;
    if (!readdirSync(CATALOGUES_DIR).includes(file)) throw new DomainError("catalogue", `no shipped catalogue for region ${admdvs}`);
    entries = parseCatalogueCsv(readFileSync(CATALOGUES_DIR + file, "utf8"), `catalogues/${file}`);
    shippedCatalogues.set(admdvs, entries);
  }
  return entries;
}

export function shippedCatalogueRegions(): string[] {
  return readdirSync(CATALOGUES_DIR)
    .filter((f) => /^\d{6}\.csv$/.test(f))
    .map((f) => f.slice(0, 6))
    .sort();
}

export function shippedCatalogue(...regions: string[]): Catalogue {
  const catalogue = new Catalogue();
  for (const r of regions) for (const e of shippedCatalogueEntries(r)) catalogue.add(e);
  return catalogue;
}
