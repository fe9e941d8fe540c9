import { z } from "zod";
import { Catalogue, parseCatalogueEntry } from "../../domain/reference/index.js";
import { DomainError } from "../../domain/errors.js";
import type { Fen } from "../../domain/money.js";
import { emptyAccumulators, reverseDelta, settle } from "../../domain/settlement/index.js";
import type { Accumulators, SettlementResult } from "../../domain/settlement/index.js";
import { parseWith } from "../../domain/zodFields.js";
import { encounterWire, fundStepToWire, personWire, setlinfoToWire, toEncounter, toPerson } from "../../wire/settlement.js";
import { shippedCatalogue, shippedCatalogueRegions, shippedPolicy } from "../reference/index.js";

/**
 * The calculator behind `yibao settle`: one person's encounters settled in order through the year, reversals by
 * mdtrt_id. Nothing is stored; accumulators live in this run.
 */
const calculatorInput = z.object({
  policy: z.string().regex(/^\d{6}-\d{4}$/, 'must name a policy as "<admdvs>-<year>"'),
  catalogue: z.array(z.record(z.string(), z.unknown())).optional(),
  person: personWire,
  encounters: z.array(z.union([z.object({ reverse: z.string().min(1) }).strict(), encounterWire])).min(1),
});

export function runCalculator(document: unknown): unknown[] {
  const input = parseWith(calculatorInput, document);
  const policy = shippedPolicy(input.policy);
  const catalogue = input.catalogue
    ? new Catalogue(input.catalogue.map((row, i) => parseCatalogueEntry(row, `catalogue[${i}]`)))
    : shippedCatalogue(...shippedCatalogueRegions());
  const person = toPerson(input.person);
  const years = new Map<number, Accumulators>();
  const settled = new Map<string, SettlementResult>();
  const reversed = new Set<string>();
  const out: unknown[] = [];

  input.encounters.forEach((item, index) => {
    if ("reverse" in item) {
      const result = settled.get(item.reverse);
      if (!result || reversed.has(item.reverse)) {
        throw new DomainError(`encounters[${index}].reverse`, `no unreversed settlement of ${item.reverse} before it`);
      }
      const year = result.accumulators.year;
      years.set(year, reverseDelta(years.get(year) ?? emptyAccumulators(year), result.delta));
      person.balc = (person.balc + result.setlinfo.acct_pay) as Fen;
      reversed.add(item.reverse);
      out.push({ reversed: item.reverse });
      return;
    }
    if (settled.has(item.mdtrt_id)) throw new DomainError(`encounters[${index}].mdtrt_id`, `${item.mdtrt_id} is settled already`);
    const { encounter, lines } = toEncounter(item);
    const year = Number(encounter.setl_time.slice(0, 4));
    let result: SettlementResult;
    try {
      result = settle({ policy, catalogue, person, accumulators: years.get(year) ?? emptyAccumulators(year), encounter, lines });
    } catch (error) {
      if (error instanceof DomainError) throw new DomainError(`encounters[${index}].${error.field}`, error.rule);
      throw error;
    }
    years.set(year, result.accumulators);
    person.balc = result.setlinfo.balc;
    settled.set(item.mdtrt_id, result);
    const element: Record<string, unknown> = {
      setlinfo: setlinfoToWire({ ...result.setlinfo, setl_id: `S${String(index + 1).padStart(4, "0")}-${encounter.mdtrt_id}` }),
      setldetail: result.setldetail.map(fundStepToWire),
    };
    if (result.warnings.length > 0) element.warn_msg = result.warnings.join("；");
    out.push(element);
  });
  return out;
}
