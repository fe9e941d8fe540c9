import { z } from "zod";
import { storeFile } from "../../../../services/common/index.js";
import { defineHandler } from "../../types.js";

/**
 * The file's bytes as clients send them: a C# byte[] through Newtonsoft.Json is base64 text, a Java byte[] through most
 * JSON libraries a list of numbers.
 */
const bytes = z.union([
  z.string().min(1, "is empty").regex(/^[A-Za-z0-9+/=\s]+$/, "must be the file's bytes in base64 (or a list of numbers 0–255)").transform((s) => Buffer.from(s, "base64")),
  z.array(z.number().int().min(0).max(255)).min(1, "is empty").transform((a) => Buffer.from(a)),
]);

/** 9101 文件上传: a file the next transaction names by its file_qury_no (3202's detail). */
export const fileUpload = defineHandler({
  infno: "9101",
  name: "文件上传",
  readOnly: false,
  output: { "": ["file_qury_no", "filename", "dld_endtime"] },
  input: z.object({
    fsUploadIn: z.object({ in: bytes, filename: z.string().min(1).max(200), fixmedins_code: z.string().optional() }).passthrough(),
  }),
  async handle(ctx, { fsUploadIn }) {
    const out = await storeFile(ctx.q, ctx.fixmedins_code, fsUploadIn.filename, fsUploadIn.in, ctx.inf_time);
    return { output: out, effects: { file_qury_no: out.file_qury_no } };
  },
});
