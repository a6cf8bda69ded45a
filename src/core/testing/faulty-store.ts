/**
 * A store whose calls can be made to fail as a real SQLite store fails (SQLITE_FULL, ENOSPC,
 * SQLITE_IOERR_WRITE, EACCES), for unit tests of how the service survives store faults.
 */
import type { Store } from '../../store/store.js';

export interface FaultyStore extends Store {
  /**
   * Makes every call named in `methods` (default: every write) throw an error with `code`;
   * 'commit' among them makes every transaction fail at its end, after its work ran (rolled back);
   * 'syncToDisk' makes the deferred fsync fail after the commit (the writes stay committed).
   */
  failWith(code: string, methods?: readonly string[]): void;
  heal(): void;
  /** Calls that failed so far. */
  readonly failures: number;
}

const WRITES = [
  'insertTask',
  'compareAndSet',
  'patchIf',
  'setJobId',
  'deleteTask',
  'deleteFinishedBefore',
];

/** An error as better-sqlite3 or node:fs throws it. */
export function storeError(code: string): Error {
  return Object.assign(new Error(`injected ${code}`), { code });
}

export function faultyStore(store: Store): FaultyStore {
  let failing: { code: string; methods: readonly string[] } | undefined;
  let failures = 0;
  const wrapped = {} as Record<string, unknown>;
  for (const [name, method] of Object.entries(store)) {
    if (typeof method !== 'function') continue;
    wrapped[name] = (...args: unknown[]): unknown => {
      const commits = name === 'transaction' || name === 'transactionUnsynced';
      if (commits && failing?.methods.includes('commit')) {
        const code = failing.code;
        return store.transaction(() => {
          (args[0] as () => unknown)();
          failures++;
          throw storeError(code);
        });
      }
      if (failing?.methods.includes(name)) {
        failures++;
        // An fsync fails as node:fs reports it: a rejected promise.
        if (name === 'syncToDisk') return Promise.reject(storeError(failing.code));
        throw storeError(failing.code);
      }
      return (method as (...a: unknown[]) => unknown).apply(store, args);
    };
  }
  const controls = {
    failWith(code: string, methods: readonly string[] = WRITES) {
      failing = { code, methods };
    },
    heal() {
      failing = undefined;
    },
  };
  // A getter, not a copied value: Object.assign would read `failures` once.
  Object.defineProperty(wrapped, 'failures', { get: () => failures });
  return Object.assign(wrapped as unknown as FaultyStore, controls);
}
