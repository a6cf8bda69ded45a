/**
 * The launcher: a small separate Node process that starts tasks for the local framework.
 * fork() costs time in proportion to the memory of the process that forks — 3–4 ms per task
 * from the server, under 1 ms from this small process — so the server asks it over IPC.
 * Two ways to start: a /bin/sh supervisor (launch-script.ts), which outlives everything; or the
 * executor itself (direct-start.ts), reaped here. Run by launcher.ts with child_process.fork,
 * in a session of its own; once the server is gone it stays until its direct tasks have ended
 * (recording each exit), then exits. A later server follows those tasks through their markers.
 */
import { spawn } from 'node:child_process';
import {
  ClaimTaken,
  launcherStartTime,
  startDirect,
  UseSupervisor,
  type DirectStart,
} from './direct-start.js';

// Importing this module makes the process a launcher (the handlers at the end): only types may
// be imported from it; the marker lives in launcher-marker.ts.

/** A supervisor to start: `sh -c <script> <marker>` in `cwd`, in a session of its own. */
export interface ScriptRequest {
  id: number;
  kind?: 'script';
  script: string;
  marker: string;
  cwd: string;
  env: Record<string, string>;
}

export interface DirectRequest extends DirectStart {
  id: number;
  kind: 'direct';
}

export type LaunchRequest = ScriptRequest | DirectRequest;

export type LaunchEvent =
  | { id: 0; type: 'idle' }
  /** `launcherStart`: the launcher's start time (process-probe.ts), with its pid naming it. */
  | { id: number; type: 'started'; pid: number; launcher: number; launcherStart?: number }
  | { id: number; type: 'error'; message: string }
  | { id: number; type: 'supervisor' }
  /**
   * A direct task's exit carries its code (the marker follows); a supervisor's does not. `next`:
   * the successor the launcher starts in its place at once (the native launcher's).
   */
  | { id: number; type: 'exit'; pid: number; code?: number; complaint?: string; next?: number };

let directRunning = 0;
/** Supervisors spawned here whose exit is still to be reported. */
let scriptsRunning = 0;

/**
 * With nothing running for this long, the launcher offers to go (an idle server then holds one
 * process less, ~43 MiB); the server lets it go only with no request of its own in flight, and
 * forks a new one on the next launch.
 */
const IDLE_MS = Number(process.env.JOBPROXY_LAUNCHER_IDLE_MS) || 30_000;
let idleTimer: NodeJS.Timeout | undefined;

function armIdleTimer(): void {
  clearTimeout(idleTimer);
  if (directRunning + scriptsRunning > 0) return;
  idleTimer = setTimeout(() => {
    send({ id: 0, type: 'idle' });
    armIdleTimer(); // Asked again later if the server kept us.
  }, IDLE_MS);
  idleTimer.unref();
}

function send(event: LaunchEvent): void {
  if (process.connected) process.send?.(event);
}

function exitIfIdle(): void {
  if (!process.connected && directRunning === 0) process.exit(0);
}

function startScript(request: ScriptRequest): void {
  const child = spawn('/bin/sh', ['-c', request.script, request.marker], {
    cwd: request.cwd,
    detached: true,
    stdio: 'ignore',
    env: { ...process.env, ...request.env },
  });
  child.on('error', (error) => send({ id: request.id, type: 'error', message: error.message }));
  scriptsRunning++;
  let ended = false;
  const end = (): void => {
    if (ended) return;
    ended = true;
    scriptsRunning--;
    armIdleTimer();
  };
  child.on('error', end);
  child.on('exit', () => {
    end();
    send({ id: request.id, type: 'exit', pid: child.pid ?? -1 });
  });
  if (child.pid !== undefined)
    send({ id: request.id, type: 'started', pid: child.pid, launcher: process.pid });
}

function startOne(request: DirectRequest): void {
  directRunning++;
  try {
    const pid = startDirect(
      request,
      () => {
        // Only once its marker is written may the launcher go (exitIfIdle, the idle offer).
        directRunning--;
        exitIfIdle();
        armIdleTimer();
      },
      (exited, code, complaint) =>
        send({
          id: request.id,
          type: 'exit',
          pid: exited,
          code,
          ...(complaint ? { complaint } : {}),
        }),
    );
    const launcherStart = launcherStartTime();
    send({ id: request.id, type: 'started', pid, launcher: process.pid, launcherStart });
  } catch (error) {
    directRunning--;
    armIdleTimer();
    exitIfIdle();
    if (error instanceof UseSupervisor) return send({ id: request.id, type: 'supervisor' });
    const message =
      error instanceof ClaimTaken
        ? `launch claimed by recovery (${error.message})`
        : (error as Error).message;
    send({ id: request.id, type: 'error', message });
  }
}

process.on('message', (request: LaunchRequest) => {
  clearTimeout(idleTimer);
  try {
    if (request.kind === 'direct') startOne(request);
    else startScript(request);
  } catch (error) {
    send({ id: request.id, type: 'error', message: (error as Error).message });
  }
});

// The server is gone (or closed): supervisors run on by themselves; direct tasks need us.
process.on('disconnect', exitIfIdle);
