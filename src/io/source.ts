/**
 * Where tensor-file bytes come from: a file read with positioned reads (never whole), or bytes
 * in memory (tests, fuzzing, browsers). Both report short reads as MALFORMED_FILE.
 * Node modules are imported when first used, so the package entry still loads in browsers
 * (where only memorySource works).
 */
import type { FileHandle } from 'node:fs/promises';
import { fail, show } from '../errors.js';

export interface ByteSource {
  /** Shown in every error message. */
  readonly name: string;
  readonly size: number;
  /** Exactly `length` bytes at `offset` (a MALFORMED_FILE error if the source ends first). */
  read(offset: number, length: number): Promise<Uint8Array>;
  close(): Promise<void>;
}

/** Chunk size for data reads and hashing: bounds the memory beside the output array. */
export const CHUNK_BYTES = 1 << 20;

export function memorySource(bytes: Uint8Array, name = '<memory>'): ByteSource {
  return {
    name,
    size: bytes.length,
    read: async (offset, length) => {
      if (offset + length > bytes.length) fail('MALFORMED_FILE', `${name}: ends at byte ${bytes.length}, before ${offset + length}`, offset + length);
      return bytes.subarray(offset, offset + length);
    },
    close: async () => {},
  };
}

export async function fileSource(path: string): Promise<ByteSource> {
  const { open } = await import('node:fs/promises');
  let fh: FileHandle;
  try {
    fh = await open(path, 'r');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') fail('FILE_NOT_FOUND', `no such file: ${show(path)}`, path);
    fail('MALFORMED_FILE', `cannot open ${show(path)}: ${(e as Error).message}`, path);
  }
  const st = await fh.stat();
  if (!st.isFile()) {
    await fh.close();
    fail('MALFORMED_FILE', `${show(path)} is not a regular file`, path);
  }
  return {
    name: path,
    size: st.size,
    read: async (offset, length) => {
      const buf = new Uint8Array(length);
      let got = 0;
      while (got < length) {
        const { bytesRead } = await fh.read(buf, got, length - got, offset + got);
        if (bytesRead === 0) fail('MALFORMED_FILE', `${path}: ends at byte ${offset + got}, before ${offset + length} (truncated or changed while reading?)`, offset + got);
        got += bytesRead;
      }
      return buf;
    },
    close: () => fh.close(),
  };
}

/** SHA-256 (hex) of the whole source, read chunk by chunk. */
export async function sha256Of(src: ByteSource): Promise<string> {
  const { createHash } = await import('node:crypto');
  const h = createHash('sha256');
  for (let off = 0; off < src.size; off += CHUNK_BYTES) h.update(await src.read(off, Math.min(CHUNK_BYTES, src.size - off)));
  return h.digest('hex');
}
