// A zip writer for the artifact emulator: what `@actions/artifact` uploads (deflated entries, a
// central directory), built in memory so tests can hand the emulator any content, hostile or huge.
import { crc32, deflateRawSync } from 'node:zlib';

export interface ZipOptions {
  /** Store instead of deflate. */
  stored?: boolean;
  /** Write this as the entry's declared size instead of the real one (a lying directory). */
  declaredSize?: number;
}

/** A zip holding `files` (name → content). */
export function zipOf(files: Record<string, string | Buffer>, options: ZipOptions = {}): Buffer {
  const locals: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const [name, content] of Object.entries(files)) {
    const data = Buffer.isBuffer(content) ? content : Buffer.from(content, 'utf8');
    const packed = options.stored ? data : deflateRawSync(data);
    const nameBytes = Buffer.from(name, 'utf8');
    const fields = {
      method: options.stored ? 0 : 8,
      crc: crc32(data),
      compressed: packed.length,
      size: options.declaredSize ?? data.length,
    };
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x0800, 6);
    local.writeUInt16LE(fields.method, 8);
    local.writeUInt32LE(fields.crc, 14);
    local.writeUInt32LE(fields.compressed, 18);
    local.writeUInt32LE(fields.size, 22);
    local.writeUInt16LE(nameBytes.length, 26);
    locals.push(local, nameBytes, packed);
    const entry = Buffer.alloc(46);
    entry.writeUInt32LE(0x02014b50, 0);
    entry.writeUInt16LE(20, 4);
    entry.writeUInt16LE(20, 6);
    entry.writeUInt16LE(0x0800, 8);
    entry.writeUInt16LE(fields.method, 10);
    entry.writeUInt32LE(fields.crc, 16);
    entry.writeUInt32LE(fields.compressed, 20);
    entry.writeUInt32LE(fields.size, 24);
    entry.writeUInt16LE(nameBytes.length, 28);
    entry.writeUInt32LE(offset, 42);
    central.push(entry, nameBytes);
    offset += 30 + nameBytes.length + packed.length;
  }
  const directory = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(Object.keys(files).length, 8);
  end.writeUInt16LE(Object.keys(files).length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}
