/**
 * Task ids: UUIDs of version 7 (RFC 9562 §5.7) — 48 bits of the Unix time in ms, then 74 random
 * bits. Still unguessable (a client cannot find another's task by trying ids), and ids made one
 * after another sort by time, so each new one lands at the end of the store's id index instead of
 * on a random page of it: a submit writes a few pages fewer. Random bits come from a buffer of
 * cryptographic randomness refilled now and then, as node's own randomUUID does.
 */
import { randomFillSync } from 'node:crypto';

/** Ids made from one fill of the random buffer. */
const IDS_PER_FILL = 128;
const random = Buffer.alloc(16 * IDS_PER_FILL);
let next = IDS_PER_FILL;
const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/** A new task id, e.g. `0190f1c2-3b4a-7c5d-9e6f-0123456789ab`; `now` in ms (default: now). */
export function newTaskId(now = Date.now()): string {
  if (next === IDS_PER_FILL) {
    randomFillSync(random);
    next = 0;
  }
  const bytes = random.subarray(next * 16, next * 16 + 16);
  next++;
  // 48-bit big-endian time: the first 6 bytes.
  bytes.writeUIntBE(now, 0, 6);
  bytes[6] = 0x70 | (bytes[6]! & 0x0f); // version 7
  bytes[8] = 0x80 | (bytes[8]! & 0x3f); // variant 10
  let text = '';
  for (let i = 0; i < 16; i++) {
    if (i === 4 || i === 6 || i === 8 || i === 10) text += '-';
    text += HEX[bytes[i]!];
  }
  return text;
}
