import { createHash } from "node:crypto";
import { eq } from "drizzle-orm";
import { DomainError } from "../../domain/errors.js";
import { unzip } from "../../lib/zip.js";
import type { Queryable } from "../../store/db.js";
import { hisFiles } from "../../store/schema.js";
import { newId } from "./ids.js";

/** A file is kept for a day after it is uploaded: long enough for the transaction it was sent for. */
const KEEP_MS = 24 * 60 * 60 * 1000;
export const MAX_FILE_BYTES = 16 * 1024 * 1024;

function addMs(time: string, ms: number): string {
  const t = new Date(`${time.replace(" ", "T")}Z`).getTime() + ms;
  const iso = new Date(t).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)}`;
}

/** 9101: keeps a hospital's file and answers the number that names it. */
export async function storeFile(q: Queryable, fixmedinsCode: string, filename: string, content: Buffer, time: string) {
  if (content.length === 0) throw new DomainError("fsUploadIn.in", "is empty");
  if (content.length > MAX_FILE_BYTES) {
    throw new DomainError("fsUploadIn.in", `文件过大：${content.length} 字节，上限 ${MAX_FILE_BYTES} 字节（16 MB），请压缩（zip）或分成几个文件上传 / is ${content.length} bytes, more than the limit of ${MAX_FILE_BYTES} (16 MB): zip it or split it`);
  }
  const row = { file_qury_no: newId("FILE", time), fixmedins_code: fixmedinsCode, filename, size: content.length, content_base64: content.toString("base64"), expires_at: addMs(time, KEEP_MS) };
  await q.insert(hisFiles).values(row);
  return { file_qury_no: row.file_qury_no, filename, dld_endtime: row.expires_at };
}

/** A file as 9102 hands it back: its bytes and their SHA-256, so the HIS can check what it received. */
export interface StoredFile {
  file_qury_no: string;
  filename: string;
  size: number;
  sha256: string;
  dld_endtime: string;
  content: Buffer;
}

/**
 * 9102: a file kept for a hospital (its own 9101 upload, or a catalogue file made for it by 1301…), by its number; the
 * hospital's own and not expired on `time`. Another hospital's number is answered as no file at all.
 */
export async function fetchFile(q: Queryable, fixmedinsCode: string, fileQuryNo: string, time: string, field: string): Promise<StoredFile> {
  const [row] = await q.select().from(hisFiles).where(eq(hisFiles.file_qury_no, fileQuryNo)).limit(1);
  if (!row || row.fixmedins_code !== fixmedinsCode) throw new DomainError(field, `无此文件 / no file ${fileQuryNo} kept for ${fixmedinsCode}`);
  if (row.expires_at < time) throw new DomainError(field, `文件已过期 / file ${fileQuryNo} expired at ${row.expires_at}`);
  const content = Buffer.from(row.content_base64, "base64");
  return { file_qury_no: row.file_qury_no, filename: row.filename, size: content.length, sha256: createHash("sha256").update(content).digest("hex"), dld_endtime: row.expires_at, content };
}

/**
 * The text of an uploaded file, by its number: the hospital's own and not expired on `time`. A zip archive gives its
 * first .txt entry (or its only entry), as clients zip a detail file; anything else is read as UTF-8 text.
 */
export async function fileText(q: Queryable, fixmedinsCode: string, fileQuryNo: string, time: string, field: string): Promise<string> {
  const [row] = await q.select().from(hisFiles).where(eq(hisFiles.file_qury_no, fileQuryNo)).limit(1);
  if (!row || row.fixmedins_code !== fixmedinsCode) throw new DomainError(field, `no file ${fileQuryNo} uploaded (9101) by ${fixmedinsCode}`);
  if (row.expires_at < time) throw new DomainError(field, `file ${fileQuryNo} expired at ${row.expires_at}; upload it again`);
  const bytes = Buffer.from(row.content_base64, "base64");
  if (bytes.length >= 4 && bytes.readUInt32LE(0) === 0x04034b50) {
    let entries;
    try {
      entries = unzip(bytes);
    } catch (error) {
      throw new DomainError(field, `file ${fileQuryNo} (${row.filename}) is ${(error as Error).message}`);
    }
    const entry = entries.find((e) => e.name.toLowerCase().endsWith(".txt")) ?? (entries.length === 1 ? entries[0] : undefined);
    if (!entry) throw new DomainError(field, `file ${fileQuryNo} (${row.filename}) holds no .txt file`);
    return entry.data.toString("utf8");
  }
  return bytes.toString("utf8");
}
