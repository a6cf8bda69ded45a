/**
 * Coalesced syncs: at most one fsync in flight, and every caller that arrives while one runs
 * shares the next, which starts in the event-loop turn after the running one ends. A caller hears
 * back only from a sync that started after it asked — an fsync covers the writes made before it
 * began, not those made while it ran.
 */

const ignore = (): void => undefined;
const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

export class CoalescedSync {
  /** The sync in flight. */
  private running: Promise<void> | undefined;
  /** The sync that starts once the running one ends, shared by everyone who asked meanwhile. */
  private queued: Promise<void> | undefined;

  /** `syncOnce` makes everything written before it is called durable. */
  constructor(private readonly syncOnce: () => Promise<void>) {}

  /** Resolves once no sync runs or waits to run (their failures are their callers' to hear). */
  async idle(): Promise<void> {
    while (this.queued ?? this.running) await (this.queued ?? this.running)!.catch(ignore);
  }

  /** Resolves once a sync that started after this call has ended; its failure rejects. */
  sync(): Promise<void> {
    // The queued one has not started yet: it starts after this call, so it covers it.
    if (this.queued) return this.queued;
    const running = this.running;
    if (!running) return this.begin();
    this.queued = running
      .then(ignore, ignore)
      // One turn later, so the writes made as the running one ended (the group commit of those
      // who waited for it) join this one instead of waiting for the one after.
      .then(nextTurn)
      .then(() => {
        this.queued = undefined;
        return this.begin();
      });
    return this.queued;
  }

  private begin(): Promise<void> {
    const run = Promise.resolve()
      .then(this.syncOnce)
      .finally(() => {
        if (this.running === run) this.running = undefined;
      });
    this.running = run;
    return run;
  }
}
