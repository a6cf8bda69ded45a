/**
 * The server's private state at start: refused when it overlaps what requests may name, made
 * 0700, and locked (with the store's directory, where the store lives elsewhere).
 */
import { dirname, join, resolve } from 'node:path';
import type { Config } from '../config/config.js';
import { ConfigError } from '../config/load-config.js';
import { preparePrivateState, privateStateProblems } from '../core/private-state.js';
import { lockStateDirectory, type StateLock } from '../core/state-lock.js';

/**
 * Refuses a configuration where the private state overlaps what requests may name, then makes
 * the state directory; resolves to its real path.
 */
export function openPrivateState(
  config: Readonly<Config>,
  workdir: string,
  allowedRoots: readonly string[],
): string {
  const problems = privateStateProblems(
    {
      state: config.state,
      store: config.store || join(config.state, 'jobproxy.db'),
      authTokens: config.authTokens,
    },
    { workdir, allowedRoots },
  );
  if (problems.length > 0) throw new ConfigError(problems);
  try {
    return preparePrivateState(resolve(config.state));
  } catch (error) {
    throw new ConfigError([(error as Error).message]);
  }
}

/**
 * Locks the state directory and, where the store lives elsewhere, the store's directory too: a
 * second server with another state directory must not open the same store either.
 */
export function lockServerState(stateDir: string, storePath: string): StateLock {
  const state = lockStateDirectory(stateDir);
  const storeDir = storePath === ':memory:' ? stateDir : dirname(storePath);
  if (resolve(storeDir) === resolve(stateDir)) return state;
  try {
    const store = lockStateDirectory(storeDir);
    return {
      path: state.path,
      release() {
        store.release();
        state.release();
      },
    };
  } catch (error) {
    state.release();
    throw error;
  }
}
