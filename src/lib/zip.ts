import { crc32, deflateRawSync, inflateRawSync } from "node:zlib";

/**
 * The entries of a zip archive, read from its central directory (the local headers may leave sizes to a trailing data
 * descriptor). Stored (0) and deflated (8) entries only: what HIS clients zip a detail file with. Throws Error with a
 * reason for anything else; the caller names the field.
 */
export function unzip(buf: Buffer): { name: string; data: Buffer }[] {
  const min = Math.max(0, buf.length - 22 - 0xffff);
  let eocd = -1;
  for (let i = buf.length - 22; i >= min; i--) {
    if (buf.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new Error("not a zip archive: no end of central directory");
  const count = buf.readUInt16LE(eocd + 10);
  let at = buf.readUInt32LE(eocd + 16);
  const out: { name: string; data: Buffer }[] = [];
  for (let n = 0; n < count; n++) {
    if (at + 46 > buf.length || buf.readUInt32LE(at) !== 0x02014b50) throw new Error("a damaged central directory");
    const method = buf.readUInt16LE(at + 10);
    const compressed = buf.readUInt32LE(at + 20);
    const nameLength = buf.readUInt16LE(at + 28);
    const extraLength = buf.readUInt16LE(at + 30);
    const commentLength = buf.readUInt16LE(at + 32);
    const local = buf.readUInt32LE(at + 42);
    const name = buf.subarray(at + 46, at + 46 + nameLength).toString("utf8");
    at += 46 + nameLength + extraLength + commentLength;
    if (local + 30 > buf.length || buf.readUInt32LE(local) !== 0x04034b50) throw new Error(`a damaged entry ${name}`);
    const start = local + 30 + buf.readUInt16LE(local + 26) + buf.readUInt16LE(local + 28);
    const raw = buf.subarray(start, start + compressed);
    if (name.endsWith("/")) continue;
    if (method === 0) out.push({ name, data: Buffer.from(raw) });
    else if (method === 8) out.push({ name, data: inflateRawSync(raw, { maxOutputLength: 64 * 1024 * 1024 }) });
    else throw new Error(`entry ${name} is compressed by method ${method}; only stored and deflated entries are read`);
  }
  return out;
}

/**
 * A zip archive of one deflated entry (the national catalogue files: a .txt in a .zip), with a fixed time so the same
 * content gives the same bytes (and digest).
 */
export function zipOne(name: string, data: Buffer): Buffer {
  const nameBytes = Buffer.from(name, "utf8");
  const packed = deflateRawSync(data);
  const crc = crc32(data);
  // 1980-01-01 00:00 in DOS time; bit 11: the name is UTF-8.
  const fields = (b: Buffer, at: number) => {
    b.writeUInt16LE(20, at);
    b.writeUInt16LE(0x0800, at + 2);
    b.writeUInt16LE(8, at + 4);
    b.writeUInt16LE(0, at + 6);
    b.writeUInt16LE(0x21, at + 8);
    b.writeUInt32LE(crc, at + 10);
    b.writeUInt32LE(packed.length, at + 14);
    b.writeUInt32LE(data.length, at + 18);
    b.writeUInt16LE(nameBytes.length, at + 22);
  };
  const local = Buffer.alloc(30);
  local.writeUInt32LE(0x04034b50, 0);
  fields(local, 4);
  const central = Buffer.alloc(46);
  central.writeUInt32LE(0x02014b50, 0);
  central.writeUInt16LE(20, 4);
  fields(central, 6);
  central.writeUInt32LE(0, 42);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(1, 8);
  end.writeUInt16LE(1, 10);
  end.writeUInt32LE(46 + nameBytes.length, 12);
  end.writeUInt32LE(30 + nameBytes.length + packed.length, 16);
  return Buffer.concat([local, nameBytes, packed, central, nameBytes, end]);
}
