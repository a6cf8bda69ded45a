/**
 * What else the machine was doing during a bench: the share of CPU time the hypervisor gave to
 * other guests (steal) and the share this guest was busy, from /proc/stat. On these virtual
 * machines steal swings from 0 to tens of percent within minutes, and every rate with it.
 */
import { readFileSync } from 'node:fs';

/** The aggregate `cpu` line of /proc/stat: user nice system idle iowait irq softirq steal. */
export function cpuTimes(): number[] {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0]!;
  return line.trim().split(/\s+/).slice(1, 9).map(Number);
}

/** Steal and busy shares (0–1) between two cpuTimes() readings. */
export function loadBetween(before: number[], after: number[]): { steal: number; busy: number } {
  const delta = after.map((value, i) => value - (before[i] ?? 0));
  const total = delta.reduce((sum, value) => sum + value, 0) || 1;
  const idle = (delta[3] ?? 0) + (delta[4] ?? 0);
  return { steal: (delta[7] ?? 0) / total, busy: (total - idle) / total };
}
