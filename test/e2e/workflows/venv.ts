/**
 * The workflow engines' Python packages, each in a venv of its own made by
 * scripts/workflows/install.sh (cached under /opt/jobproxy-cache; recreated when missing). A test
 * fails, naming the script to run, when its venv is not there.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';

export const VENV_ROOT = process.env.JOBPROXY_VENV_ROOT ?? '/opt/jobproxy-cache';

/** The bin directory of one venv (snakemake, cwl, pytes); throws when it is missing. */
export function venvBin(name: string): string {
  const bin = `${VENV_ROOT}/venv-${name}/bin`;
  if (!existsSync(`${bin}/python`)) {
    throw new Error(`the ${name} venv is missing (${bin}); run bash scripts/workflows/install.sh`);
  }
  return bin;
}

export interface RunResult {
  code: number | null;
  output: string;
}

/** Runs a command to its end (killed after timeoutMs); resolves to its exit code and output. */
export function run(
  command: string,
  args: string[],
  options: { cwd: string; env?: NodeJS.ProcessEnv; timeoutMs: number },
): Promise<RunResult> {
  return new Promise((resolve) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: { ...process.env, ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const timer = setTimeout(() => {
      output += `\n[killed after ${options.timeoutMs} ms]`;
      child.kill('SIGKILL');
    }, options.timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}
