/**
 * The server's private state: a directory only the server's user can enter (0700) holding the
 * store, supervisor scripts and markers. Nothing a request may name — the work directory, an
 * allowed root, hence every mount, TES path and v1 output — may be, contain or lie inside it, and
 * the store and token files may not lie inside any of those: a configuration where they overlap
 * is refused at start, naming both keys.
 */
import { chmodSync, lstatSync, mkdirSync, realpathSync } from 'node:fs';
import { resolve } from 'node:path';
import { realPathOf } from '../model/allowed-roots.js';
import { fixedPrefixOf, isWithin, pathsOverlap } from '../model/path-overlap.js';

/** The private paths, by config key. */
export interface PrivatePaths {
  state: string;
  store: string;
  authTokens: string;
}

/** The paths requests may name, by config key. */
export interface NameablePaths {
  workdir: string;
  allowedRoots: readonly string[];
}

/**
 * Every overlap between a private path and a nameable one, each naming both config keys; both as
 * written and with symbolic links resolved.
 */
export function privateStateProblems(own: PrivatePaths, nameable: NameablePaths): string[] {
  const areas: [string, string][] = [
    ['workdir', nameable.workdir],
    ...nameable.allowedRoots.map((root): [string, string] => ['allowedRoots', fixedPrefixOf(root)]),
  ];
  const problems: string[] = [];
  const check = (key: keyof PrivatePaths, overlaps: (a: string, b: string) => boolean): void => {
    const path = own[key];
    if (!path || path === ':memory:') return;
    for (const [areaKey, area] of areas) {
      const hit =
        overlaps(resolve(path), resolve(area)) || overlaps(realPathOf(path), realPathOf(area));
      if (hit) {
        problems.push(
          `${key} (${path}) overlaps ${areaKey} (${area}): requests may name files there, so ` +
            `the server's own ${key === 'state' ? 'state' : key === 'store' ? 'store' : 'token file'} ` +
            `would be theirs to overwrite. Keep ${key} outside ${areaKey}, e.g. ${key}=/var/lib/jobproxy` +
            `${key === 'state' ? '' : key === 'store' ? '/jobproxy.db' : '/tokens.json'}`,
        );
      }
    }
  };
  check('state', pathsOverlap);
  check('store', isWithin);
  check('authTokens', isWithin);
  return problems;
}

/**
 * Makes (or checks) the state directory: a real directory, not a link, owned by the server's
 * user, mode 0700. Throws with the reason otherwise. Resolves to its real path.
 */
export function preparePrivateState(dir: string): string {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const info = lstatSync(dir);
  if (info.isSymbolicLink() || !info.isDirectory()) {
    throw new Error(`state (${dir}) must be a directory, not a symbolic link or a file`);
  }
  const uid = process.getuid?.();
  if (uid !== undefined && info.uid !== uid) {
    throw new Error(
      `state (${dir}) belongs to uid ${info.uid}, not to the server's user (uid ${uid}): ` +
        "another user could change the server's store and markers",
    );
  }
  chmodSync(dir, 0o700);
  return realpathSync(dir);
}

/** The store's files (database, WAL, shared memory) readable by the server's user alone. */
export function protectStoreFiles(storePath: string): void {
  if (storePath === ':memory:') return;
  for (const suffix of ['', '-wal', '-shm']) {
    try {
      chmodSync(storePath + suffix, 0o600);
    } catch {
      // Not made yet: SQLite creates -wal and -shm with the database's own mode.
    }
  }
}
