// Reads one file out of an artifact's zip, in memory and bounded. Artifacts from another run are
// untrusted: the zip is read from its central directory only, one entry is inflated with a cap
// on its output (a zip bomb stops at the cap), and its CRC is checked.
import { crc32, inflateRawSync } from 'node:zlib';
import { GateError } from '../shared/errors.js';

const END_OF_DIRECTORY = 0x06054b50;
const DIRECTORY_ENTRY = 0x02014b50;
const LOCAL_HEADER = 0x04034b50;
const STORED = 0;
const DEFLATED = 8;

function refuse(message: string): never {
  throw new GateError('invalid-response', `The report artifact is not a readable zip: ${message}.`);
}

/** The end-of-central-directory record: the last 22+ bytes (a comment may follow it). */
function directoryOf(zip: Buffer): { offset: number; entries: number } {
  const earliest = Math.max(0, zip.length - 22 - 0xffff);
  for (let at = zip.length - 22; at >= earliest; at -= 1) {
    if (zip.readUInt32LE(at) === END_OF_DIRECTORY) {
      return { entries: zip.readUInt16LE(at + 10), offset: zip.readUInt32LE(at + 16) };
    }
  }
  return refuse('no end of central directory');
}

interface Entry {
  method: number;
  crc: number;
  compressed: number;
  size: number;
  localOffset: number;
}

/** The central directory entry named `name`, or undefined. */
function findEntry(zip: Buffer, name: string): Entry | undefined {
  const { offset, entries } = directoryOf(zip);
  let at = offset;
  for (let i = 0; i < entries; i += 1) {
    if (at + 46 > zip.length || zip.readUInt32LE(at) !== DIRECTORY_ENTRY) {
      refuse('a broken central directory');
    }
    const nameLength = zip.readUInt16LE(at + 28);
    const extra = zip.readUInt16LE(at + 30);
    const comment = zip.readUInt16LE(at + 32);
    const entryName = zip.toString('utf8', at + 46, at + 46 + nameLength);
    if (entryName === name) {
      return {
        method: zip.readUInt16LE(at + 10),
        crc: zip.readUInt32LE(at + 16),
        compressed: zip.readUInt32LE(at + 20),
        size: zip.readUInt32LE(at + 24),
        localOffset: zip.readUInt32LE(at + 42),
      };
    }
    at += 46 + nameLength + extra + comment;
  }
  return undefined;
}

/**
 * The bytes of `name` in `zip`, or undefined when the zip has no such file. Throws a
 * `GateError` for a zip that cannot be read and for a file past `maxBytes` once inflated.
 */
export function readZipEntry(zip: Buffer, name: string, maxBytes: number): Buffer | undefined {
  if (zip.length < 22) refuse('too short');
  const entry = findEntry(zip, name);
  if (!entry) return undefined;
  if (entry.size > maxBytes) tooLarge(name, maxBytes);
  const at = entry.localOffset;
  if (at + 30 > zip.length || zip.readUInt32LE(at) !== LOCAL_HEADER) refuse('a broken entry');
  const start = at + 30 + zip.readUInt16LE(at + 26) + zip.readUInt16LE(at + 28);
  const data = zip.subarray(start, start + entry.compressed);
  if (data.length !== entry.compressed) refuse('a truncated entry');
  let bytes: Buffer;
  if (entry.method === STORED) bytes = data;
  else if (entry.method === DEFLATED) bytes = inflateCapped(data, name, maxBytes);
  else return refuse(`compression method ${entry.method}`);
  if (bytes.length > maxBytes) tooLarge(name, maxBytes);
  if (crc32(bytes) !== entry.crc) refuse(`${name} fails its CRC check`);
  return bytes;
}

function inflateCapped(data: Buffer, name: string, maxBytes: number): Buffer {
  try {
    // The directory's size may lie; the cap on the output is what bounds the memory.
    return inflateRawSync(data, { maxOutputLength: maxBytes + 1 });
  } catch (error) {
    if ((error as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') tooLarge(name, maxBytes);
    return refuse(`${name} does not inflate`);
  }
}

function tooLarge(name: string, maxBytes: number): never {
  throw new ArtifactTooLargeError(
    `The report artifact's ${name} is larger than ${maxBytes / 1024 / 1024} MB; it was refused unread.`,
  );
}

/** An artifact refused for its size (a flag to decide on, rather than its message). */
export class ArtifactTooLargeError extends GateError {
  constructor(message: string) {
    super('invalid-response', message);
    this.name = 'ArtifactTooLargeError';
  }
}
