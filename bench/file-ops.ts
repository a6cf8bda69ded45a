/**
 * bench/file-ops: what one local task's file work costs on this machine's disk, done
 * synchronously and through `fs/promises` (each operation handed to a libuv thread): its
 * directory and two outputs (created, given to an owner), a markers directory with a claim, the
 * executor's pid and an exit marker written whole through a rename. Also the price of creating a
 * file in a directory just made against one in a directory that has many. Wall and CPU time per
 * task (the CPU of every thread of this process). Figures are printed, never asserted.
 *
 *   npm run build && node dist/bench/file-ops.js [TASKS]   (300)
 */
import * as fs from 'node:fs';
import * as fsp from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fixed, printTable } from './bench-table.js';

const TASKS = Number(process.argv[2] ?? 300);
const OWNER = 65534;

function syncTask(base: string, i: number): void {
  const task = join(base, `s${i}`);
  const markers = join(base, `sm${i}`);
  fs.mkdirSync(markers);
  fs.mkdirSync(task, { mode: 0o700 });
  for (const name of ['stdout', 'stderr']) {
    const fd = fs.openSync(join(task, name), 'wx', 0o644);
    fs.fchownSync(fd, OWNER, OWNER);
    fs.closeSync(fd);
  }
  fs.lchownSync(task, OWNER, OWNER);
  fs.writeFileSync(join(markers, 'claim.1'), 'launcher 1 2\n', { flag: 'wx' });
  fs.appendFileSync(join(markers, 'claim.1'), '123\n');
  fs.writeFileSync(join(markers, 'exit.tmp'), '0\n');
  fs.renameSync(join(markers, 'exit.tmp'), join(markers, 'exit'));
}

async function asyncTask(base: string, i: number): Promise<void> {
  const task = join(base, `a${i}`);
  const markers = join(base, `am${i}`);
  await fsp.mkdir(markers);
  await fsp.mkdir(task, { mode: 0o700 });
  for (const name of ['stdout', 'stderr']) {
    const handle = await fsp.open(join(task, name), 'wx', 0o644);
    await handle.chown(OWNER, OWNER);
    await handle.close();
  }
  await fsp.lchown(task, OWNER, OWNER);
  await fsp.writeFile(join(markers, 'claim.1'), 'launcher 1 2\n', { flag: 'wx' });
  await fsp.appendFile(join(markers, 'claim.1'), '123\n');
  await fsp.writeFile(join(markers, 'exit.tmp'), '0\n');
  await fsp.rename(join(markers, 'exit.tmp'), join(markers, 'exit'));
}

async function timed(run: (i: number) => unknown): Promise<[string, string]> {
  const cpu = process.cpuUsage();
  const start = performance.now();
  for (let i = 0; i < TASKS; i++) await run(i);
  const used = process.cpuUsage(cpu);
  const wall = (performance.now() - start) / TASKS;
  return [fixed(wall, 3), fixed((used.user + used.system) / 1000 / TASKS, 3)];
}

async function main(): Promise<void> {
  const base = fs.mkdtempSync(join(tmpdir(), 'jobproxy-file-ops-'));
  try {
    const rows = [
      ['one task, synchronous', ...(await timed((i) => syncTask(base, i)))],
      ['one task, fs/promises', ...(await timed((i) => asyncTask(base, i)))],
      [
        'create, in a directory of many',
        ...(await timed((i) => fs.closeSync(fs.openSync(join(base, `x${i}`), 'wx')))),
      ],
      [
        'create, in a task directory just made',
        ...(await timed((i) => fs.closeSync(fs.openSync(join(base, `s${i}`, 'third'), 'wx')))),
      ],
    ];
    printTable(
      `file work of one local task, ${TASKS} times (${base})`,
      ['run', 'wall ms', 'CPU ms'],
      rows,
    );
  } finally {
    fs.rmSync(base, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
