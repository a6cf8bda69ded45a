/**
 * The batch job script, run here with /bin/sh as a scheduler would run it: executors in order,
 * markers, outputs, quoting (no injection through any word of a task), one run per task.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import type { ExecutorSpec } from '../../model/task.js';
import {
  directiveValue,
  renderArrayScript,
  renderJobScript,
  type JobScriptPlan,
} from './job-script.js';
import { finishedReport } from './job-outcome.js';

const root = mkdtempSync(join(tmpdir(), 'jobproxy-job-script-'));
after(() => rmSync(root, { recursive: true, force: true }));
let count = 0;

/** Renders a script for these executors in a fresh task directory, runs it, returns what it left. */
function runScript(executors: ExecutorSpec[], plan: Partial<JobScriptPlan> = {}) {
  const taskDir = join(root, `task-${++count}`);
  const logPaths = executors.map((_, i) => ({
    stdout: join(taskDir, 'out', `stdout.${i}`),
    stderr: join(taskDir, 'out', `stderr.${i}`),
  }));
  const script = renderJobScript({
    taskId: `t${count}`,
    taskDir,
    directivePrefix: '#SBATCH',
    directives: ['--job-name=test'],
    jobIdScript: 'jp_job=$TEST_JOB_ID; jp_raw=raw-$TEST_JOB_ID',
    executors,
    logPaths,
    bindCores: false,
    containerCli: 'docker',
    ...plan,
  });
  execFileSync('mkdir', ['-p', taskDir]);
  const path = join(taskDir, 'job.sh');
  writeFileSync(path, script);
  let status = 0;
  try {
    execFileSync('/bin/sh', [path], {
      env: { PATH: process.env.PATH, TEST_JOB_ID: '77' },
      stdio: 'ignore',
    });
  } catch (error) {
    status = (error as { status: number }).status;
  }
  const read = (file: string): string | undefined =>
    existsSync(file) ? readFileSync(file, 'utf8') : undefined;
  return {
    status,
    script,
    path,
    taskDir,
    exit: read(join(taskDir, 'exit'))?.trim(),
    executorExit: (i: number) => read(join(taskDir, `exit.${i}`))?.trim(),
    stdout: (i: number) => read(logPaths[i]!.stdout),
    stderr: (i: number) => read(logPaths[i]!.stderr),
    claimedBy: read(join(taskDir, 'claim', 'job'))?.trim(),
    claimedRaw: read(join(taskDir, 'claim', 'raw'))?.trim(),
  };
}

const sh = (command: string, extra: Partial<ExecutorSpec> = {}): ExecutorSpec => ({
  command: ['/bin/sh', '-c', command],
  ...extra,
});

test('the directives come first, after the interpreter line', () => {
  const { script } = runScript([sh('true')], { directives: ['--job-name=a', '--mem=5M'] });
  assert.deepEqual(script.split('\n').slice(0, 3), [
    '#!/bin/sh',
    '#SBATCH --job-name=a',
    '#SBATCH --mem=5M',
  ]);
});

test('executors run in order; each exit code and the task exit code are recorded', () => {
  const result = runScript([sh('echo one'), sh('echo two; echo warn >&2')]);
  assert.equal(result.status, 0);
  assert.equal(result.exit, '0');
  assert.equal(result.executorExit(0), '0');
  assert.equal(result.executorExit(1), '0');
  assert.equal(result.stdout(0), 'one\n');
  assert.equal(result.stdout(1), 'two\n');
  assert.equal(result.stderr(1), 'warn\n');
  assert.equal(result.claimedBy, '77', 'the job id is written first thing');
  assert.equal(result.claimedRaw, 'raw-77');
});

test('the first failing executor stops the task with its code', () => {
  const result = runScript([sh('exit 3'), sh('echo never')]);
  assert.equal(result.status, 3);
  assert.equal(result.exit, '3');
  assert.equal(result.executorExit(0), '3');
  assert.equal(result.executorExit(1), undefined);
  assert.equal(result.stdout(1), undefined);
});

test('an executor that may fail does not stop the next one', () => {
  const result = runScript([sh('exit 4', { ignoreError: true }), sh('echo after')]);
  assert.equal(result.executorExit(0), '4');
  assert.equal(result.stdout(1), 'after\n');
  assert.equal(result.exit, '0');
});

test('no word of a task is expanded by the shell: argv, env, workdir, paths', () => {
  const marker = join(root, 'injected');
  const nasty = [
    `'; touch ${marker}; '`,
    `$(touch ${marker})`,
    `\`touch ${marker}\``,
    `"; touch ${marker}; "`,
    `a\nb; touch ${marker}`,
    '$HOME ${PATH} \\ * ?',
  ];
  const result = runScript([
    { command: ['printf', '%s|', ...nasty], env: { NASTY: `$(touch ${marker})'"` } },
    sh('printf %s "$NASTY"', { env: { NASTY: `$(touch ${marker})'"` } }),
  ]);
  assert.equal(result.exit, '0');
  assert.equal(result.stdout(0), nasty.map((word) => `${word}|`).join(''));
  assert.equal(result.stdout(1), `$(touch ${marker})'"`);
  assert.equal(existsSync(marker), false, 'nothing was executed from inside an argument');
});

test('a string command runs through the shell, with stdin and working directory', () => {
  const input = join(root, 'input.txt');
  writeFileSync(input, 'from stdin\n');
  const workdir = join(root, "a dir with 'quotes'");
  const result = runScript([sh('cat; pwd', { stdin: input, workdir })]);
  assert.equal(result.stdout(0), `from stdin\n${workdir}\n`);
});

test('a command that cannot be found ends with 127', () => {
  const result = runScript([{ command: ['/no/such/program'] }]);
  assert.equal(result.exit, '127');
});

test('a second copy of the same job does nothing (a submit that reached the scheduler twice)', () => {
  const first = runScript([sh('true')]);
  const again = execFileSync('/bin/sh', [first.path], {
    env: { PATH: process.env.PATH, TEST_JOB_ID: '78' },
  });
  assert.equal(again.length, 0);
  assert.equal(first.claimedBy, '77');
  assert.equal(readFileSync(join(first.taskDir, 'claim', 'job'), 'utf8').trim(), '77');
});

test('a cputime limit ends the executor with SIGXCPU (152)', () => {
  const result = runScript([sh('while :; do :; done')], { cputimeSec: 1 });
  assert.equal(result.exit, '152');
});

test('bindCores pins a task to as many CPUs as it asked, out of those it may use', () => {
  const result = runScript([sh('grep Cpus_allowed_list /proc/self/status')], {
    cores: 1,
    bindCores: true,
  });
  assert.match(result.stdout(0) ?? '', /^Cpus_allowed_list:\s+\d+\n$/);
});

test('a container executor runs through the CLI with its limits and a removable name', () => {
  const plan: JobScriptPlan = {
    taskId: 'T',
    taskDir: '/w/T',
    directivePrefix: '#$',
    directives: [],
    jobIdScript: 'jp_job=$JOB_ID; jp_raw=$JOB_ID',
    executors: [
      {
        command: ['echo', "it's"],
        image: 'busybox',
        env: { A: 'b c' },
        mounts: [{ host: '/data', container: '/in', mode: 'ro' }],
      },
    ],
    logPaths: [{ stdout: '/w/T/stdout', stderr: '/w/T/stderr' }],
    cores: 2,
    memoryMiB: 64,
    cputimeSec: 5,
    bindCores: true,
    containerCli: 'podman',
  };
  const script = renderJobScript(plan);
  assert.match(
    script,
    /'podman' 'run' '--rm' '--init' '--name' 'jobproxy-T-0' '--cpus=2' '--memory=64m' '--memory-swap=64m' '--ulimit=cpu=5:6' '-v' '\/data:\/in:ro' '-e' 'A=b c' '--' 'busybox' 'echo' 'it'\\''s'/,
  );
  assert.match(script, /trap 'podman rm -f jobproxy-T-0/);
  assert.doesNotMatch(script, /ulimit -S -t/, 'the container gets the cputime limit, not the CLI');
  const apptainer = renderJobScript({ ...plan, containerCli: 'apptainer' });
  assert.match(
    apptainer,
    /'apptainer' 'exec' '--bind' '\/data:\/in:ro' '--env' 'A=b c' 'docker:\/\/busybox' 'echo'/,
  );
});

test('directive values are quoted where they hold spaces and refused where they cannot be', () => {
  assert.equal(directiveValue('/a/b'), '/a/b');
  assert.equal(directiveValue('/a b/c'), '"/a b/c"');
  assert.throws(() => directiveValue('/a"b'), /cannot hold/);
  assert.throws(() => directiveValue('x\n#SBATCH --uid=0'), /cannot hold/);
  assert.throws(
    () => renderJobScript({ ...basePlan(), directives: ['--comment=a\nb'] }),
    /line break/,
  );
});

test('an array job runs, in element N, the job script of the task on line N', () => {
  const first = runScript([sh('echo first')]);
  const second = runScript([sh('echo second')]);
  const arrayDir = join(root, 'array');
  execFileSync('mkdir', ['-p', arrayDir]);
  writeFileSync(join(arrayDir, 'tasks'), `${first.taskDir}\n${second.taskDir}\n`);
  const script = renderArrayScript({
    arrayDir,
    directivePrefix: '#$',
    directives: ['-N jpa-x'],
    indexVariable: 'TEST_INDEX',
    taskDirs: [first.taskDir, second.taskDir],
  });
  assert.match(script, /^#!\/bin\/sh\n#\$ -N jpa-x\n/);
  writeFileSync(join(arrayDir, 'array.sh'), script);
  for (const dir of [first.taskDir, second.taskDir])
    execFileSync('rm', ['-rf', join(dir, 'claim'), join(dir, 'exit')]);
  const env = { PATH: process.env.PATH, TEST_JOB_ID: '90', TEST_INDEX: '2' };
  execFileSync('/bin/sh', [join(arrayDir, 'array.sh')], { env });
  assert.equal(
    existsSync(join(first.taskDir, 'exit')),
    false,
    'element 2 ran only the second task',
  );
  assert.equal(readFileSync(join(second.taskDir, 'exit'), 'utf8'), '0\n');
  assert.throws(() =>
    execFileSync('/bin/sh', [join(arrayDir, 'array.sh')], {
      env: { ...env, TEST_INDEX: '3' },
      stdio: 'ignore',
    }),
  );
});

function basePlan(): JobScriptPlan {
  return {
    taskId: 'T',
    taskDir: '/w/T',
    directivePrefix: '#SBATCH',
    directives: [],
    jobIdScript: 'jp_job=$SLURM_JOB_ID; jp_raw=$SLURM_JOB_ID',
    executors: [{ command: ['true'] }],
    logPaths: [{ stdout: '/w/T/stdout', stderr: '/w/T/stderr' }],
    bindCores: false,
    containerCli: 'docker',
  };
}

test('a container CLI that cannot start the container (exit 125) ends SYSTEM_ERROR with its message', () => {
  const cli = join(root, 'fake-docker');
  const message = 'docker: Error response from daemon: pull access denied for nope-image';
  writeFileSync(cli, `#!/bin/sh\necho "${message}" >&2\nexit 125\n`, { mode: 0o755 });
  const result = runScript([sh('true', { image: 'nope-image' })], { containerCli: cli });
  assert.equal(result.executorExit(0), '125');
  assert.ok(existsSync(join(result.taskDir, 'cli-failed.0')), 'the script marks the CLI failure');
  const report = finishedReport({
    framework: 'slurm',
    taskDir: result.taskDir,
    executorCount: 1,
    memoryBy: 'kill',
    scriptStderr: join(result.taskDir, 'none'),
    executorStderr: [join(result.taskDir, 'out', 'stderr.0')],
  });
  assert.equal(report.state, 'SYSTEM_ERROR');
  assert.equal(report.exitCode, 125);
  assert.match(report.description!, /could not start executor 0's container \(exit 125\)/);
  assert.ok(report.description!.includes(message), report.description);
});

test("a container's own failure (exit 3) stays EXECUTOR_ERROR; a host command's 127 is no CLI failure", () => {
  const cli = join(root, 'fake-docker-3');
  writeFileSync(cli, '#!/bin/sh\nexit 3\n', { mode: 0o755 });
  const own = runScript([sh('true', { image: 'alpine' })], { containerCli: cli });
  assert.equal(own.executorExit(0), '3');
  assert.ok(!existsSync(join(own.taskDir, 'cli-failed.0')));
  const host = runScript([sh('exit 127', { image: 'alpine' })], { containerCli: 'host' });
  assert.equal(host.executorExit(0), '127');
  assert.ok(!existsSync(join(host.taskDir, 'cli-failed.0')), 'containers=host: no CLI ran');
});
