/**
 * A store whose faults (full disk, I/O errors, unwritable files) come out as the catalogue's
 * STORE_FULL / STORE_UNAVAILABLE errors, logged once when the store turns faulty and once when it
 * works again — not once per request. Any other error (a bug) passes through unchanged.
 */
import type { Logger } from 'pino';
import { storeFault } from './store-faults.js';
import type { Store } from './store.js';

/** Calls that write: only a write that works again ends a fault (reads may work all along). */
const WRITES = new Set<string>([
  'insertTask',
  'compareAndSet',
  'patchIf',
  'setJobId',
  'deleteTask',
  'deleteFinishedBefore',
  'transaction',
]);

/** Whether the store failed since its last successful write. */
export interface StoreHealth {
  readonly faulty: boolean;
}

/** Wraps every method of `store`; `health` tells whether it is faulty now. */
export function guardStore(store: Store, log: Logger): Store & { health: StoreHealth } {
  let faulty = false;
  // Transactions open now: a write inside one is not on disk until the outermost commits.
  let depth = 0;
  // Whether a write inside the open transaction changed something: one that wrote nothing
  // commits without touching the disk, and proves nothing about the store.
  let wroteInside = false;
  const health: StoreHealth = {
    get faulty() {
      return faulty;
    },
  };
  const succeeded = (name: string): void => {
    if (!faulty) return;
    faulty = false;
    log.info({ operation: name }, 'the task store works again');
  };
  const failed = (name: string, error: unknown): never => {
    const fault = storeFault(error);
    if (!fault) throw error;
    if (!faulty) {
      faulty = true;
      log.error(
        { operation: name, err: error },
        'the task store failed; answering 503/507 and retrying writes until it works again',
      );
    }
    throw fault;
  };
  const guarded = {} as Record<string, unknown>;
  for (const name of Object.keys(store) as (keyof Store)[]) {
    const method = store[name] as unknown;
    // Parts that are not calls (the identity records) are passed on as they are.
    if (typeof method !== 'function') {
      guarded[name] = method;
      continue;
    }
    if (name === 'durable') {
      guarded[name] = () => store.durable().catch((error: unknown) => failed(name, error));
      continue;
    }
    guarded[name] = (...args: unknown[]): unknown => {
      let result: unknown;
      if (name === 'transaction' && depth++ === 0) wroteInside = false;
      try {
        result = (method as (...a: unknown[]) => unknown).apply(store, args);
      } catch (error) {
        return failed(name, error);
      } finally {
        if (name === 'transaction') depth--;
      }
      if (!WRITES.has(name)) return result;
      if (depth > 0) wroteInside ||= changedSomething(result);
      else if (name !== 'transaction' || wroteInside) succeeded(name);
      return result;
    };
  }
  return Object.assign(guarded as unknown as Store, { health });
}

/** Whether a write's result says it changed rows (true, a record, a non-empty list). */
function changedSomething(result: unknown): boolean {
  if (Array.isArray(result)) return result.length > 0;
  return result === true || (typeof result === 'object' && result !== null);
}
