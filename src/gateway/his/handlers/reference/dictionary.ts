import { z } from "zod";
import { DICTIONARIES, DICTIONARY_TYPES } from "../../../../domain/reference/index.js";
import { DomainError } from "../../../../domain/errors.js";
import { defineHandler } from "../../types.js";

/**
 * The dictionaries' version: they are the project's code lists (domain/codes.ts), changed only with a release, and
 * answered the same by every server of it.
 */
const DICTIONARY_VERSION = "1";
const DICTIONARY_DATE = "2026-01-01 00:00:00";

/** 1901 字典表查询: one dictionary (type) of the codes Yibao reads and answers, or all of them when type is empty. */
export const dictionaryQuery = defineHandler({
  infno: "1901",
  name: "字典表查询",
  readOnly: true,
  output: { "list[]": ["type", "label", "value", "parentValue", "sort", "valiFlag", "createUser", "createDate", "version"] },
  input: z.object({
    data: z.object({
      type: z.string().optional().transform((v) => v?.trim() || undefined).describe(`dictionary type: ${DICTIONARY_TYPES.join(", ")} (empty: all)`),
      parentValue: z.string().optional(),
      admdvs: z.string().optional(),
      date: z.string().optional(),
      valiFlag: z.string().optional(),
    }).passthrough(),
  }),
  async handle(_ctx, { data }) {
    if (data.type !== undefined && !DICTIONARIES[data.type]) {
      throw new DomainError("data.type", `无此字典 / no dictionary "${data.type}"; Yibao answers ${DICTIONARY_TYPES.join(", ")}`);
    }
    // A dictionary's entries are all valid (valiFlag 1): asking for the withdrawn ones answers none.
    const types = data.valiFlag?.trim() === "0" ? [] : data.type !== undefined ? [data.type] : DICTIONARY_TYPES;
    const list = types.flatMap((type) => (DICTIONARIES[type] ?? []).map((e, i) => ({
      type, label: e.label, value: e.value, parentValue: "", sort: i + 1, valiFlag: "1", createUser: "yibao", createDate: DICTIONARY_DATE, version: DICTIONARY_VERSION,
    })));
    return { output: { list } };
  },
});
