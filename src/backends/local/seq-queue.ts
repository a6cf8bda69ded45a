/**
 * A queue of task seq numbers in ascending order, each with its launch number, in two typed
 * arrays: 12 bytes a task and no object per task, so a queue of a million costs ~12–24 MB
 * outside the V8 heap rather than a hash table or an object per task inside it.
 */

const INITIAL_CAPACITY = 1024;

export class SeqQueue {
  private seqs = new Float64Array(INITIAL_CAPACITY);
  private launches = new Uint32Array(INITIAL_CAPACITY);
  /** Live entries are at [start, end). */
  private start = 0;
  private end = 0;

  get length(): number {
    return this.end - this.start;
  }

  /** The smallest seq queued (the head), if any. */
  firstSeq(): number | undefined {
    return this.length > 0 ? this.seqs[this.start] : undefined;
  }

  /** The head's launch number, if any. */
  firstLaunch(): number | undefined {
    return this.length > 0 ? this.launches[this.start] : undefined;
  }

  /** Drops the head. */
  shift(): void {
    if (this.length === 0) return;
    this.start++;
    if (this.start === this.end) this.emptied();
  }

  /** Inserts in seq order; a new seq almost always goes last, which is O(1). */
  add(seq: number, launch: number): void {
    if (this.end === this.seqs.length) this.makeRoom();
    let at = this.end;
    if (at > this.start && this.seqs[at - 1]! > seq) at = this.indexOf(seq);
    this.seqs.copyWithin(at + 1, at, this.end);
    this.launches.copyWithin(at + 1, at, this.end);
    this.seqs[at] = seq;
    this.launches[at] = launch;
    this.end++;
  }

  /** Removes `seq`; false when it is not queued. */
  remove(seq: number): boolean {
    const at = this.indexOf(seq);
    if (at === this.end || this.seqs[at] !== seq) return false;
    this.seqs.copyWithin(at, at + 1, this.end);
    this.launches.copyWithin(at, at + 1, this.end);
    this.end--;
    if (this.start === this.end) this.emptied();
    return true;
  }

  clear(): void {
    this.start = this.end = 0;
    this.emptied();
  }

  /** Empty again: arrays grown for a long queue are given back. */
  private emptied(): void {
    this.start = this.end = 0;
    if (this.seqs.length === INITIAL_CAPACITY) return;
    this.seqs = new Float64Array(INITIAL_CAPACITY);
    this.launches = new Uint32Array(INITIAL_CAPACITY);
  }

  /** The first index in [start, end) whose seq is >= `seq` (binary search). */
  private indexOf(seq: number): number {
    let low = this.start;
    let high = this.end;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (this.seqs[middle]! < seq) low = middle + 1;
      else high = middle;
    }
    return low;
  }

  /** Moves the live entries to the front, or into arrays twice as long if they fill half. */
  private makeRoom(): void {
    const length = this.length;
    if (length * 2 <= this.seqs.length) {
      this.seqs.copyWithin(0, this.start, this.end);
      this.launches.copyWithin(0, this.start, this.end);
      this.start = 0;
      this.end = length;
      return;
    }
    const seqs = new Float64Array(this.seqs.length * 2);
    const launches = new Uint32Array(this.seqs.length * 2);
    seqs.set(this.seqs.subarray(this.start, this.end));
    launches.set(this.launches.subarray(this.start, this.end));
    this.seqs = seqs;
    this.launches = launches;
    this.start = 0;
    this.end = length;
  }
}
