import { z } from "zod";
import { DomainError } from "../../../../domain/errors.js";
import { fetchFile } from "../../../../services/common/index.js";
import { defineHandler } from "../../types.js";

/**
 * 9102 文件下载: a file kept for the asking hospital — its own 9101 upload, or a catalogue file 1301… made for it — by
 * its file_qury_no. The bytes come back in base64 (file_byte, as a C# byte[] reads it) with their size and SHA-256, so
 * the HIS checks what it saved. Another hospital's number is answered as no file: its existence is not told.
 */
export const fileDownload = defineHandler({
  infno: "9102",
  name: "文件下载",
  readOnly: true,
  output: { "": ["file_qury_no", "filename", "file_sufx", "file_size", "file_sha256", "dld_endtime", "file_byte"] },
  input: z.object({
    fsDownloadIn: z.object({
      file_qury_no: z.string().trim().min(1, "is required: the number 9101 or 1301… answered"),
      // The national document has the catalogue files (1301–1319) fetched with filename "plc".
      filename: z.string().optional(),
      fixmedins_code: z.string().optional(),
    }).passthrough(),
  }),
  async handle(ctx, { fsDownloadIn: f }) {
    if (f.fixmedins_code && f.fixmedins_code !== ctx.fixmedins_code) {
      throw new DomainError("fsDownloadIn.fixmedins_code", `须为本机构编码 ${ctx.fixmedins_code} / must be the asking institution's own code, got ${f.fixmedins_code}`);
    }
    const file = await fetchFile(ctx.q, ctx.fixmedins_code, f.file_qury_no, ctx.inf_time, "fsDownloadIn.file_qury_no");
    const asked = f.filename?.trim();
    if (asked && asked !== "plc" && asked !== file.filename) {
      throw new DomainError("fsDownloadIn.filename", `文件 ${file.file_qury_no} 的文件名是 ${file.filename} / file ${file.file_qury_no} is named ${file.filename} (or send "plc"), got ${asked}`);
    }
    const dot = file.filename.lastIndexOf(".");
    return {
      output: {
        file_qury_no: file.file_qury_no,
        filename: file.filename,
        file_sufx: dot >= 0 ? file.filename.slice(dot + 1) : "",
        file_size: file.size,
        file_sha256: file.sha256,
        dld_endtime: file.dld_endtime,
        file_byte: file.content.toString("base64"),
      },
    };
  },
});
