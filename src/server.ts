/**
 * The composition root of `jobproxy serve`, above core/ and api/: opens the store, creates the
 * framework (its implementation is loaded only here), wires the service and the HTTP server,
 * re-attaches to unfinished tasks and listens where `serveruri` says (loopback by default).
 */
import { join, resolve } from 'node:path';
import type { Logger } from 'pino';
import type { FastifyInstance } from 'fastify';
import { buildServer } from './api/build-server.js';
import { hostPolicy } from './api/host-check.js';
import { setUpAuthentication } from './auth/auth-setup.js';
import type { Backend } from './backends/backend.js';
import { createBackend } from './backends/create-backend.js';
import type { IdentityPool } from './backends/identity-pool.js';
import { resolveRunAs, type RunAsOptions } from './backends/run-as.js';
import type { Config } from './config/config.js';
import type { IdentitySetting } from './core/identity/task-identities.js';
import { protectStoreFiles } from './core/private-state.js';
import type { StateLock } from './core/state-lock.js';
import { SubmitLimits } from './core/submit-limits.js';
import { TaskService } from './core/task-service.js';
import { TesStaging } from './core/tes-staging.js';
import { storageFromConfig } from './core/tes-storage-config.js';
import { parseDurationSec } from './model/units.js';
import { createLogger } from './server/logger.js';
import { lockServerState, openPrivateState } from './server/server-state.js';
import { checkWorkdirReach, outputOwnerOf, setUpIdentities } from './server/server-identities.js';
import { guardStore } from './store/guarded-store.js';
import { openSqliteStore } from './store/sqlite-store.js';
import type { Store } from './store/store.js';

export interface RunningServer {
  url: string;
  app: FastifyInstance;
  service: TaskService;
  close(): Promise<void>;
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

/** What startOnLockedState has made so far, handed from one part to the next. */
interface Parts extends LockedStart {
  config: Readonly<Config>;
  log: Logger;
  store: Store;
  options: Record<string, unknown>;
  identityPool: IdentityPool | undefined;
}

/** The rest of startServer, once the state directory is this server's alone. */
async function startOnLockedState(
  config: Readonly<Config>,
  log: Logger,
  locked: LockedStart,
): Promise<RunningServer> {
  // Store faults answer 503/507 and are logged once (src/store/guarded-store.ts).
  const store = guardStore(openSqliteStore(locked.storePath), log);
  try {
    protectStoreFiles(locked.storePath);
    const options = config.frameworks[config.framework] ?? {};
    const authenticated = locked.tokens !== undefined;
    const identityPool = setUpIdentities(config.framework, options, authenticated, store, log);
    const onCluster = !('uidRange' in options);
    checkWorkdirReach(locked.workdir, options as unknown as IdentitySetting, onCluster, log);
    const parts: Parts = { ...locked, config, log, store, options, identityPool };
    const { service, tes } = await createService(parts);
    return await serveHttp(parts, service, tes);
  } catch (error) {
    store.close();
    throw error;
  }
}

/** The framework and the service it reports through (which needs the framework first). */
async function createService(parts: Parts): Promise<{ service: TaskService; tes: TesStaging }> {
  const { config, options, identityPool, log } = parts;
  // eslint-disable-next-line prefer-const -- assigned below: the report callback needs it first
  let service: TaskService | undefined;
  const backend = await createBackend(config.framework, {
    options,
    workdir: parts.workdir,
    stateDir: parts.stateDir,
    identityPool,
    log,
    report: (taskId, report) => service?.applyReport(taskId, report),
    containers: config.containers,
    allowedRoots: parts.allowedRoots,
    loadTask: (seq) =>
      parts.store.listTasks({ afterSeq: seq - 1, limit: 1 }).find((t) => t.seq === seq),
  });
  const tes = new TesStaging({
    workdir: parts.workdir,
    stateDir: parts.stateDir,
    allowedRoots: config.allowedRoots ?? [],
    identityOf: (owner) => resolveRunAs(owner, options as unknown as RunAsOptions, identityPool),
    log,
    storage: storageFromConfig(config),
  });
  service = newTaskService(parts, backend, tes);
  return { service, tes };
}

function newTaskService(parts: Parts, backend: Backend, hooks: TesStaging): TaskService {
  const { config, store } = parts;
  return new TaskService({
    store,
    backend,
    workdir: parts.workdir,
    pollInterval: config.pollIntervalMs,
    allowedRoots: parts.allowedRoots,
    // 'auto' is resolved by the framework in service.start() (Backend.init).
    containers: config.containers,
    log: parts.log,
    hooks,
    outputOwner: outputOwnerOf(parts.options, parts.identityPool),
    retentionSec: parseDurationSec(config.retention) ?? 0,
    limits: new SubmitLimits({
      maxActiveTasks: config.maxActiveTasks,
      submitRate: config.submitRate,
      countActive: (user) => store.countActiveTasks(user),
    }),
  });
}

/** Builds the HTTP server, listens, recovers, and says where it listens. */
async function serveHttp(
  parts: Parts,
  service: TaskService,
  tes: TesStaging,
): Promise<RunningServer> {
  const { config, log, tokens } = parts;
  const uri = new URL(config.serveruri);
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
  const host = uri.hostname.replace(/^\[|\]$/g, '');
  const port = Number(uri.port || (uri.protocol === 'https:' ? 443 : 80));
  await listenThenRecover(app, service, { host, port }, started);
  const address = app.server.address();
  const boundPort = typeof address === 'object' && address ? address.port : port;
  const url = `${uri.protocol}//${uri.hostname}:${boundPort}`;
  const { storePath: store, stateDir: state, workdir } = parts;
  const where = { url, framework: config.framework, store, state, workdir };
  log.info({ ...where, containers: service.containers }, `jobproxy listening on ${url}`);
  return { url, app, service, close: closer(parts, app, service) };
}

/** close(): once, in order: HTTP, service (and framework), tokens, store, lock. */
function closer(parts: Parts, app: FastifyInstance, service: TaskService): () => Promise<void> {
  let closing: Promise<void> | undefined;
  return () =>
    (closing ??= (async () => {
      await app.close();
      await service.close();
      parts.tokens?.close();
      parts.store.close();
      parts.lock.release();
    })());
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
