/**
 * Looks at processes through /proc: whether a supervisor still lives (a zombie does not count —
 * PID 1 may reap orphans late), and which processes of a process group remain.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

interface ProcStat {
  state: string;
  pgrp: number;
  startTime: number;
}

/** /proc/PID/stat: "42 (sh) S 1 42 42 …" — state is field 3, pgrp field 5. */
function readProcStat(pid: number | 'self'): ProcStat | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name may contain spaces and parentheses: fields start after the last ')'.
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return { state: fields[0]!, pgrp: Number(fields[2]), startTime: Number(fields[19]) };
  } catch {
    return undefined;
  }
}

function isLive(stat: ProcStat | undefined): boolean {
  return stat !== undefined && stat.state !== 'Z' && stat.state !== 'X';
}

/**
 * When a process started (clock ticks since boot, /proc/PID/stat field 22): with its pid it names
 * one process for good, where a pid alone may be reused.
 */
export function processStartTime(pid: number | 'self'): number | undefined {
  return readProcStat(pid)?.startTime;
}

/**
 * True while `pid` is a live supervisor whose $0 is `marker` (host-launch.ts supervisorMarker)
 * and, if `startTime` is given, the very process that started then (not a reuse of its pid).
 */
export function isSupervisorAlive(pid: number, marker: string, startTime?: number): boolean {
  const stat = readProcStat(pid);
  if (!isLive(stat)) return false;
  if (startTime !== undefined && stat!.startTime !== startTime) return false;
  try {
    // A reused pid would run something else: check it runs our script.
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').includes(marker);
  } catch {
    return false;
  }
}

/** Live processes whose process group is `pgid`. */
export function processGroupMembers(pgid: number): number[] {
  const members: number[] = [];
  for (const entry of readdirSync('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid)) continue;
    const stat = readProcStat(pid);
    if (isLive(stat) && stat!.pgrp === pgid) members.push(pid);
  }
  return members;
}

/** Signals a process group and any extra pids; processes already gone are not an error. */
export function signalAll(pgid: number, extraPids: number[], signal: NodeJS.Signals): void {
  for (const target of [-pgid, ...extraPids]) {
    try {
      process.kill(target, signal);
    } catch {
      // ESRCH: already gone.
    }
  }
}

/**
 * Stops a task's process tree: SIGTERM to its group (and `extraPids`, those that left it), SIGKILL
 * after `graceSeconds`; resolves once nothing of it is left (or 5 s after the SIGKILL).
 */
export async function stopProcessTree(
  pgid: number,
  extraPids: () => number[],
  graceSeconds: number,
): Promise<void> {
  const deadline = Date.now() + graceSeconds * 1000;
  signalAll(pgid, extraPids(), 'SIGTERM');
  while (Date.now() < deadline && processGroupMembers(pgid).length > 0) await sleep(50);
  signalAll(pgid, extraPids(), 'SIGKILL');
  const killDeadline = Date.now() + 5000;
  while (
    Date.now() < killDeadline &&
    (processGroupMembers(pgid).length > 0 || extraPids().length > 0)
  ) {
    await sleep(20);
  }
}
