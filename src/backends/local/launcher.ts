/**
 * The server's side of the launcher (launcher-process.ts): starts supervisors through it and
 * hears when they exit. A launcher that dies is started again on the next launch; exits it never
 * reported are found by the framework's poll, which checks every supervisor's pid.
 */
import { fork, spawn, type ChildProcess, type StdioOptions } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { DirectStart } from './direct-start.js';
import { LAUNCHER_MARKER } from './launcher-marker.js';
import type { LaunchEvent, ScriptRequest } from './launcher-process.js';

const LAUNCHER = fileURLToPath(new URL('./launcher-process.js', import.meta.url));
/** The native launcher (native/launcher/), built by `npm run build` where a C compiler is. */
export const NATIVE_LAUNCHER = fileURLToPath(
  new URL('../../../native/jobproxy-launcher', import.meta.url),
);

interface Pending {
  /** The launcher process the request went to. */
  via?: ChildProcess;
  started: (pid: number, launcher: number, launcherStart?: number) => void;
  failed: (error: Error) => void;
  exited: (pid: number, told?: ToldExit) => void;
  supervisor?: () => void;
}

/** How a direct task ended, as the launcher saw it (its markers say the same, a moment later). */
export interface ToldExit {
  exitCode: number;
  complaint?: string;
  /** The successor (its hand-over id) the launcher starts in this task's place, now. */
  next?: number;
}

/** Starts the launcher process (a parameter so that tests can make the fork fail). */
export type ForkLauncher = () => ChildProcess;

/**
 * Which launcher runs: the native one when it was built (its start of a task costs a fraction of
 * a Node fork's CPU, and it is 1 MiB instead of 45), unless JOBPROXY_LAUNCHER=node asks for the
 * Node one. Both speak the same IPC and keep the same markers.
 */
export function launcherKind(env = process.env): 'native' | 'node' {
  if (env.JOBPROXY_LAUNCHER === 'node') return 'node';
  try {
    accessSync(NATIVE_LAUNCHER, constants.X_OK);
    return 'native';
  } catch {
    return 'node';
  }
}

// A session of its own and no stdio of ours: it may outlive the server (direct tasks).
export const forkLauncher: ForkLauncher = () => {
  const options = { stdio: ['ignore', 'ignore', 'ignore', 'ipc'] as StdioOptions, detached: true };
  if (launcherKind() === 'native') return spawn(NATIVE_LAUNCHER, [LAUNCHER_MARKER], options);
  return fork(LAUNCHER, [LAUNCHER_MARKER], { ...options, execArgv: [] });
};

/** A direct start: the executor's pid and the launcher's, or 'supervisor' (use the script). */
export type DirectStarted =
  { pid: number; launcher: number; launcherStart?: number } | 'supervisor';

/** What the local framework starts tasks through (Launcher; a scripted one in tests). */
export type TaskLauncher = Pick<
  Launcher,
  'takesSuccessors' | 'launch' | 'launchDirect' | 'handOver' | 'release' | 'drop' | 'close'
>;

export class Launcher {
  /** Whether successors can be handed over ahead (handOver): the native launcher's. */
  readonly takesSuccessors: boolean;

  constructor(private readonly start: ForkLauncher = forkLauncher) {
    this.takesSuccessors = start === forkLauncher && launcherKind() === 'native';
  }

  private process: ChildProcess | undefined;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();

  /** Starts a supervisor; resolves to its pid. `onExit` is called (with it) when it exits. */
  launch(request: Omit<ScriptRequest, 'id'>, onExit: (pid: number) => void): Promise<number> {
    return new Promise((resolve, reject) => this.send(request, resolve, reject, onExit));
  }

  /** Starts a task's executor directly (direct-start.ts); `onExit` once its exit is recorded. */
  launchDirect(
    start: DirectStart,
    onExit: (pid: number, told?: ToldExit) => void,
  ): Promise<DirectStarted> {
    return this.sendDirect(start, onExit, false).started;
  }

  /**
   * Hands a direct start over ahead: the launcher starts it as soon as one of its direct tasks
   * ends, or when released; `id` names it for release() and drop().
   */
  handOver(
    start: DirectStart,
    onExit: (pid: number, told?: ToldExit) => void,
  ): { id: number; started: Promise<DirectStarted> } {
    return this.sendDirect(start, onExit, true);
  }

  private sendDirect(
    start: DirectStart,
    onExit: (pid: number, told?: ToldExit) => void,
    after: boolean,
  ): { id: number; started: Promise<DirectStarted> } {
    let id = 0;
    const started = new Promise<DirectStarted>((resolve, reject) => {
      id = this.send(
        { ...start, kind: 'direct', ...(after ? { after: true } : {}) },
        (pid, launcher, launcherStart) => resolve({ pid, launcher, launcherStart }),
        reject,
        onExit,
        () => resolve('supervisor'),
      );
    });
    return { id, started };
  }

  /** Starts a successor now (a no-op if it started already). */
  release(id: number): void {
    this.tell(id, 'release');
  }

  /** Drops a successor not yet started: it fails with "dropped before its start". */
  drop(id: number): void {
    this.tell(id, 'drop');
  }

  private tell(id: number, kind: 'release' | 'drop'): void {
    const via = this.pending.get(id)?.via;
    if (via?.connected) via.send({ id, kind }, (error) => error && this.fail(id, error));
  }

  private send(
    request: object,
    started: Pending['started'],
    failed: Pending['failed'],
    exited: Pending['exited'],
    supervisor?: () => void,
  ): number {
    const id = this.nextId++;
    const entry: Pending = { started, failed, exited, supervisor };
    this.pending.set(id, entry);
    try {
      const via = (entry.via = this.running());
      via.send({ ...request, id }, (error) => {
        if (error) this.fail(id, error);
      });
    } catch (error) {
      this.fail(id, error as Error);
    }
    return id;
  }

  /** Lets the launcher go; supervisors keep running (a restarted server re-attaches). */
  close(): void {
    this.process?.disconnect();
    this.process = undefined;
    for (const [id, pending] of this.pending) {
      pending.failed(new Error('the server is closing'));
      this.pending.delete(id);
    }
  }

  private running(): ChildProcess {
    if (this.process?.connected) return this.process;
    const launcher = this.start();
    launcher.on('message', (event: LaunchEvent) =>
      event.type === 'idle' ? this.retireIfIdle(launcher) : this.handle(event),
    );
    // A fork that failed (no memory, no pids) or a channel that broke: the next launch forks anew.
    launcher.on('error', (error) => this.lost(launcher, `the launcher failed: ${error.message}`));
    launcher.on('exit', () => this.lost(launcher, 'the launcher process exited'));
    launcher.unref();
    launcher.channel?.unref();
    this.process = launcher;
    return launcher;
  }

  /**
   * The launcher is gone: launches it never answered cannot be told apart from lost ones, so
   * they fail; those it started are found by the framework's poll.
   */
  private lost(launcher: ChildProcess, reason: string): void {
    if (this.process === launcher) this.process = undefined;
    for (const [id, pending] of this.pending) {
      if (pending.via !== launcher) continue;
      if (pending.started !== DONE) pending.failed(new Error(reason));
      this.pending.delete(id);
    }
  }

  /**
   * The launcher offers to go, having nothing running: let it, unless a request of ours to it
   * is still unanswered or a task it started has not reported its exit. The next launch forks
   * a new one.
   */
  private retireIfIdle(launcher: ChildProcess): void {
    if (this.process !== launcher) return;
    for (const pending of this.pending.values()) if (pending.via === launcher) return;
    this.process = undefined;
    launcher.disconnect(); // It exits on disconnect when no direct task of its runs.
  }

  private fail(id: number, error: Error): void {
    const pending = this.pending.get(id);
    if (!pending || pending.started === DONE) return;
    this.pending.delete(id);
    pending.failed(new Error(`could not reach the launcher: ${error.message}`));
  }

  private handle(event: Exclude<LaunchEvent, { type: 'idle' }>): void {
    const pending = this.pending.get(event.id);
    if (!pending) return;
    if (event.type === 'started') {
      pending.started(event.pid, event.launcher, event.launcherStart);
      pending.started = DONE;
    } else if (event.type === 'supervisor') {
      this.pending.delete(event.id);
      pending.supervisor?.();
    } else if (event.type === 'error') {
      this.pending.delete(event.id);
      pending.failed(new Error(event.message));
    } else {
      this.pending.delete(event.id);
      const told =
        event.code === undefined
          ? undefined
          : { exitCode: event.code, complaint: event.complaint, next: event.next };
      pending.exited(event.pid, told);
    }
  }
}

/** Marks a launch whose start was already reported. */
const DONE = (): void => undefined;
