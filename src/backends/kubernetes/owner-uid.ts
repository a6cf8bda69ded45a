/**
 * Which uid the pods of a task owner run as: tasks of different owners never share one, and no
 * task runs as root by default. One function, so the store-backed pool of docs/security.md can
 * replace it: today a stable hash of the owner's name into `kubernetes.uidRange`, with the owners
 * this server has seen kept apart (a collision moves to the next free uid of the range).
 */
import { createHash } from 'node:crypto';

export class OwnerUids {
  private readonly byOwner = new Map<string, number>();
  private readonly taken = new Map<number, string>();

  constructor(private readonly range: [number, number]) {}

  /** The uid of `owner`: the same on every call and every server with the same range. */
  uidOf(owner: string): number {
    const known = this.byOwner.get(owner);
    if (known !== undefined) return known;
    const [first, last] = this.range;
    const size = last - first + 1;
    const hash = createHash('sha256').update(owner).digest().readUInt32BE(0);
    for (let step = 0; step < size; step++) {
      const uid = first + ((hash + step) % size);
      if (!this.taken.has(uid)) {
        this.byOwner.set(owner, uid);
        this.taken.set(uid, owner);
        return uid;
      }
    }
    throw new Error(`kubernetes.uidRange ${first}-${last} has no uid left for owner "${owner}"`);
  }
}
