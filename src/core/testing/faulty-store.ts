/**
 * A store whose calls can be made to fail as a real SQLite store fails (SQLITE_FULL, ENOSPC,
 * SQLITE_IOERR_WRITE, EACCES), for unit tests of how the service survives store faults.
 */
import type { Store } from '../../store/store.js';

export interface FaultyStore extends Store {
  /**
   * Makes every call named in `methods` (default: every write) throw an error with `code`;
   * 'commit' among them makes every transaction fail at its end, after its work ran (rolled back);
   * 'durable' makes the disk sync after a commit fail (the write is in the WAL, not on disk).
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
      if (name === 'transaction' && failing?.methods.includes('commit')) {
        const code = failing.code;
        return store.transaction(() => {
          (args[0] as () => unknown)();
          failures++;
          throw storeError(code);
        });
      }
      if (failing?.methods.includes(name) && name === 'durable') {
        failures++;
        return Promise.reject(storeError(failing.code));
      }
      if (failing?.methods.includes(name)) {
        failures++;
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
