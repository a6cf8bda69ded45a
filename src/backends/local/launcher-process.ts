/**
 * The launcher: a small separate Node process that starts supervisors for the local framework.
 * fork() costs time in proportion to the memory of the process that forks — 3–4 ms per task
 * from the server, under 1 ms from this small process — so the server asks it over IPC.
 * Run by launcher.ts with child_process.fork; it exits when the server goes away.
 */
import { spawn } from 'node:child_process';

/** A supervisor to start: `sh -c <script> <marker>` in `cwd`, in a session of its own. */
export interface LaunchRequest {
  id: number;
  script: string;
  marker: string;
  cwd: string;
  env: Record<string, string>;
}

export type LaunchEvent =
  | { id: number; type: 'started'; pid: number }
  | { id: number; type: 'error'; message: string }
  | { id: number; type: 'exit'; pid: number };

function send(event: LaunchEvent): void {
  process.send?.(event);
}

process.on('message', (request: LaunchRequest) => {
  try {
    const child = spawn('/bin/sh', ['-c', request.script, request.marker], {
      cwd: request.cwd,
      detached: true,
      stdio: 'ignore',
      env: { ...process.env, ...request.env },
    });
    child.on('error', (error) => send({ id: request.id, type: 'error', message: error.message }));
    child.on('exit', () => send({ id: request.id, type: 'exit', pid: child.pid ?? -1 }));
    if (child.pid !== undefined) send({ id: request.id, type: 'started', pid: child.pid });
  } catch (error) {
    send({ id: request.id, type: 'error', message: (error as Error).message });
  }
});

// The server is gone (or closed): the supervisors run on by themselves.
process.on('disconnect', () => process.exit(0));
