/**
 * The CPUs this server may use (its own affinity) and how many pinned tasks each carries, so a
 * task asking for N cores is pinned to the N least busy CPUs.
 */
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';

/** "0-3,8,10-11" (Cpus_allowed_list in /proc/self/status) → [0,1,2,3,8,10,11]. */
export function parseCpuList(text: string): number[] {
  const cpus: number[] = [];
  for (const part of text.trim().split(',')) {
    const [from, to] = part.split('-').map(Number);
    if (from === undefined || Number.isNaN(from)) continue;
    for (let cpu = from; cpu <= (to ?? from); cpu++) cpus.push(cpu);
  }
  return cpus;
}

function allowedCpus(): number[] {
  try {
    const status = readFileSync('/proc/self/status', 'utf8');
    const line = /^Cpus_allowed_list:\s*(.+)$/m.exec(status);
    if (line) return parseCpuList(line[1]!);
  } catch {
    // Not Linux: fall through.
  }
  return Array.from({ length: availableParallelism() }, (_, i) => i);
}

export class CpuSet {
  private readonly load = new Map<number, number>();

  constructor(cpus: number[] = allowedCpus()) {
    for (const cpu of cpus) this.load.set(cpu, 0);
  }

  /** The `count` least loaded CPUs (all of them if fewer exist), now counted as busier. */
  take(count: number): number[] {
    const chosen = [...this.load.entries()]
      .sort((a, b) => a[1] - b[1] || a[0] - b[0])
      .slice(0, count)
      .map(([cpu]) => cpu)
      .sort((a, b) => a - b);
    for (const cpu of chosen) this.load.set(cpu, this.load.get(cpu)! + 1);
    return chosen;
  }

  release(cpus: number[]): void {
    for (const cpu of cpus) this.load.set(cpu, Math.max(0, (this.load.get(cpu) ?? 1) - 1));
  }
}
