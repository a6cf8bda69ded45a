/**
 * `jobproxy serve`: opens the store, creates the framework, re-attaches to unfinished tasks and
 * listens where `serveruri` says (loopback by default).
 */
import { dirname, join, resolve } from 'node:path';
import { pino, type Logger } from 'pino';
import type { FastifyInstance } from 'fastify';
import { buildServer } from '../api/build-server.js';
import { hostPolicy } from '../api/host-check.js';
import { setUpAuthentication } from '../auth/auth-setup.js';
import { createBackend } from '../backends/create-backend.js';
import type { Config } from '../config/config.js';
import { ConfigError } from '../config/load-config.js';
import type { IdentityPool } from '../backends/identity-pool.js';
import { canSwitchUsers, resolveRunAs, type RunAsOptions } from '../backends/run-as.js';
import type { Store } from '../store/store.js';
import { taskPasser } from './identity/task-passer.js';
import { unreachableProblem } from './identity/reach-check.js';
import {
  createIdentityPool,
  identityProblems,
  type IdentitySetting,
} from './identity/task-identities.js';
import { preparePrivateState, privateStateProblems, protectStoreFiles } from './private-state.js';
import { guardStore } from '../store/guarded-store.js';
import { openSqliteStore } from '../store/sqlite-store.js';
import { lockStateDirectory, type StateLock } from './state-lock.js';
import { parseDurationSec } from '../model/units.js';
import { SubmitLimits } from './submit-limits.js';
import { TaskService } from './task-service.js';
import { TesStaging } from './tes-staging.js';
import { storageFromConfig } from './tes-storage-config.js';

export interface RunningServer {
  url: string;
  app: FastifyInstance;
  service: TaskService;
  close(): Promise<void>;
}

function createLogger(config: Readonly<Config>): Logger {
  const level = config.debug ? 'debug' : config.log.toLowerCase();
  // A second guard behind the debug hooks' own redaction (src/api/caller.ts redactHeaders).
  const secrets = ['authorization', 'proxy-authorization', 'cookie', 'x-api-key'];
  const redact = secrets.flatMap((h) => [`req.headers["${h}"]`, `headers["${h}"]`]);
  return pino({ level, redact: [...redact, 'token', '*.token'] });
}

/**
 * Refuses a configuration where the private state overlaps what requests may name, then makes
 * the state directory; resolves to its real path.
 */
function openPrivateState(
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

/** Refuses identity settings that would let owners share one, and makes the identity pool. */
function setUpIdentities(
  framework: string,
  options: Record<string, unknown>,
  authenticated: boolean,
  store: Store,
  log: Logger,
): IdentityPool | undefined {
  const setting = options as unknown as IdentitySetting;
  const problems = identityProblems(framework, setting, {
    authenticated,
    poolSupported: 'uidRange' in options,
  });
  if (problems.length > 0) throw new ConfigError(problems);
  if (canSwitchUsers() && setting.runAs === 'root') {
    log.warn(`${framework}.runAs=root: tasks run as root, with the server's own rights`);
  }
  return createIdentityPool(setting, store.identities);
}

/**
 * Stops a batch framework whose jobs' users cannot reach the work directory (every job would
 * fail); on this machine, says so (tasks still start: they enter their directory as root first).
 */
function checkWorkdirReach(
  workdir: string,
  setting: IdentitySetting,
  onCluster: boolean,
  log: Logger,
): void {
  const who = taskPasser(setting);
  const problem = who && unreachableProblem(workdir, who);
  if (!problem) return;
  if (onCluster) throw new ConfigError([problem]);
  log.warn(`${problem}; TES paths and outputs under it will fail`);
}

/**
 * Who a task's output files belong to when the server switches users: the task's identity, or
 * the server itself for runAs=root; undefined when it does not switch (all files are its own).
 */
function outputOwnerOf(
  options: Record<string, unknown>,
  pool: IdentityPool | undefined,
): ((owner: string) => number | undefined) | undefined {
  if (!canSwitchUsers()) return undefined;
  const runAs = options as unknown as RunAsOptions;
  return (owner) => resolveRunAs(owner, runAs, pool).identity?.uid ?? process.getuid!();
}

/**
 * Locks the state directory and, where the store lives elsewhere, the store's directory too: a
 * second server with another state directory must not open the same store either.
 */
function lockServerState(stateDir: string, storePath: string): StateLock {
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

/** Starts the whole server; resolves once it listens. */
export async function startServer(
  config: Readonly<Config>,
  log = createLogger(config),
): Promise<RunningServer> {
  const uri = new URL(config.serveruri);
  const host = uri.hostname.replace(/^\[|\]$/g, '');
  // Before anything else: a server that would listen unprotected must not start at all.
  const tokens = setUpAuthentication(config, host, log);
  const workdir = resolve(config.workdir);
  const storeFile = config.store || join(config.state, 'jobproxy.db');
  const storePath = storeFile === ':memory:' ? storeFile : resolve(storeFile);
  const allowedRoots = config.allowedRoots.length
    ? config.allowedRoots.map((r) => resolve(r))
    : [workdir];
  let lock: StateLock | undefined;
  try {
    const stateDir = openPrivateState(config, workdir, allowedRoots);
    // Before the store is opened: a second server on the same state must not touch it at all.
    lock = lockServerState(stateDir, storePath);
    const paths = { workdir, storePath, stateDir, allowedRoots };
    return await startOnLockedState(config, log, { tokens, lock, ...paths });
  } catch (error) {
    // Nothing of a failed start may keep the process alive (the token file's watcher).
    lock?.release();
    tokens?.close();
    throw error;
  }
}

interface LockedStart {
  tokens: ReturnType<typeof setUpAuthentication>;
  workdir: string;
  storePath: string;
  stateDir: string;
  allowedRoots: string[];
  lock: StateLock;
}

/** The rest of startServer, once the state directory is this server's alone. */
async function startOnLockedState(
  config: Readonly<Config>,
  log: Logger,
  { tokens, workdir, storePath, stateDir, allowedRoots, lock }: LockedStart,
): Promise<RunningServer> {
  const uri = new URL(config.serveruri);
  const host = uri.hostname.replace(/^\[|\]$/g, '');
  // Store faults answer 503/507 and are logged once (src/store/guarded-store.ts).
  const store = guardStore(openSqliteStore(storePath), log);
  protectStoreFiles(storePath);
  const options = config.frameworks[config.framework] ?? {};
  const identityPool = setUpIdentities(config.framework, options, tokens !== undefined, store, log);
  checkWorkdirReach(workdir, options as unknown as IdentitySetting, !('uidRange' in options), log);
  // The framework reports through the service, which needs the framework first.
  // eslint-disable-next-line prefer-const
  let service: TaskService | undefined;
  const backend = createBackend(config.framework, {
    options,
    workdir,
    stateDir,
    identityPool,
    log,
    report: (taskId, report) => service?.applyReport(taskId, report),
    containers: config.containers,
    allowedRoots,
  });
  const tes = new TesStaging({
    workdir,
    stateDir,
    allowedRoots: config.allowedRoots ?? [],
    identityOf: (owner) => resolveRunAs(owner, options as unknown as RunAsOptions, identityPool),
    log,
    storage: storageFromConfig(config),
  });
  service = new TaskService({
    store,
    backend,
    workdir,
    pollInterval: config.pollInterval,
    allowedRoots,
    // 'auto' is resolved by the framework in service.start() (Backend.init).
    containers: config.containers,
    log,
    hooks: tes,
    outputOwner: outputOwnerOf(options, identityPool),
    retentionSec: parseDurationSec(config.retention) ?? 0,
    limits: new SubmitLimits({
      maxActiveTasks: config.maxActiveTasks,
      submitRate: config.submitRate,
      countActive: (user) => store.countActiveTasks(user),
    }),
  });
  // Requests that arrive while recovery runs wait for it (listenThenRecover).
  const started = startGate();
  const app = await buildServer({
    service,
    untilStarted: started.promise,
    log,
    bodyLimit: config.bodyLimit,
    debug: config.debug,
    tes,
    authentication: tokens ? { tokens } : 'none',
    hosts: hostPolicy(config.serveruri, config.allowedHosts),
  });
  const port = Number(uri.port || (uri.protocol === 'https:' ? 443 : 80));
  try {
    await listenThenRecover(app, service, { host, port }, started);
  } catch (error) {
    store.close();
    throw error;
  }
  const address = app.server.address();
  const boundPort = typeof address === 'object' && address ? address.port : port;
  const url = `${uri.protocol}//${uri.hostname}:${boundPort}`;
  const containers = service.containers;
  log.info(
    { url, framework: config.framework, store: storePath, state: stateDir, workdir, containers },
    `jobproxy listening on ${url}`,
  );
  let closing: Promise<void> | undefined;
  return {
    url,
    app,
    service,
    close() {
      closing ??= (async () => {
        await app.close();
        await service!.close();
        tokens?.close();
        store.close();
        lock.release();
      })();
      return closing;
    },
  };
}

/** A promise settled from outside: requests wait on it until recovery is done. */
function startGate(): { promise: Promise<void>; settle(error?: Error): void } {
  let settle!: (error?: Error) => void;
  const promise = new Promise<void>((resolve, reject) => {
    settle = (error) => (error ? reject(error) : resolve());
  });
  promise.catch(() => undefined);
  return { promise, settle };
}

/**
 * Binds the port, then recovers (service.start()): a port in use fails the start before recovery
 * claims or launches anything. A failed recovery closes the listener again.
 */
async function listenThenRecover(
  app: FastifyInstance,
  service: TaskService,
  where: { host: string; port: number },
  started: ReturnType<typeof startGate>,
): Promise<void> {
  await app.listen(where);
  try {
    await service.start();
    started.settle();
  } catch (error) {
    started.settle(error as Error);
    await app.close();
    throw error;
  }
}
