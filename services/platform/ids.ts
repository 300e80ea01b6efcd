import { randomFillSync } from 'node:crypto';

/*
 * UUIDv7 (RFC 9562 §5.7): 48 bits of Unix time in milliseconds, then version, random bits
 * and variant. Rows keyed by it are inserted where the index already ends, so a B-tree takes
 * them on its rightmost pages, which stay in shared buffers, instead of on a random leaf of
 * an index that grows past the cache with every order; after a checkpoint, the first change
 * to each page logs the whole page, and time-ordered keys touch far fewer pages. Ids within
 * one millisecond are random among themselves: nothing may read commit order from them.
 */

/** Random bytes drawn 4 kB at a time: one system call per 256 ids, not one per id. */
const pool = Buffer.alloc(4096);
let offset = pool.length;

function randomBytes16(): Buffer {
  if (offset + 16 > pool.length) {
    randomFillSync(pool);
    offset = 0;
  }
  const b = pool.subarray(offset, offset + 16);
  offset += 16;
  return b;
}

/** A UUIDv7 for the time `nowMs` (default: now), e.g. `0193a1b2-c3d4-7e5f-8a6b-7c8d9e0f1a2b`. */
export function uuidv7(nowMs: number = Date.now()): string {
  const b = randomBytes16();
  const high = Math.floor(nowMs / 2 ** 32);
  const low = nowMs >>> 0;
  b[0] = (high >>> 8) & 0xff;
  b[1] = high & 0xff;
  b[2] = (low >>> 24) & 0xff;
  b[3] = (low >>> 16) & 0xff;
  b[4] = (low >>> 8) & 0xff;
  b[5] = low & 0xff;
  b[6] = 0x70 | (b[6]! & 0x0f);
  b[8] = 0x80 | (b[8]! & 0x3f);
  const hex = b.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** The millisecond a UUIDv7 was made at (undefined for any other string). */
export function uuidv7Time(id: string): number | undefined {
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/.test(id)) {
    return undefined;
  }
  return parseInt(id.slice(0, 8) + id.slice(9, 13), 16);
}
