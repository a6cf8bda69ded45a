/** `jobproxy logs <id> [--stderr]`: the tail of a task's output (the last 64 KiB the server keeps). */
import type { Command } from 'commander';
import { addClientOptions, JobProxyClient, taskPath, type ClientFlags } from './http-client.js';
import type { TaskStateAnswer } from './task-state.js';

interface LogsFlags extends ClientFlags {
  stderr?: boolean;
}

/** Registers the `logs` subcommand. */
export function registerLogs(program: Command): void {
  const command = program
    .command('logs')
    .description("print the end of a task's output (stdout, or stderr with --stderr)")
    .argument('<id>', 'a task id')
    .option('--stderr', 'print the error output instead');
  addClientOptions(command)
    .addHelpText('after', '\nExamples:\n  jobproxy logs 3f2a…\n  jobproxy logs 3f2a… --stderr')
    .action(async (id: string, flags: LogsFlags) => {
      const client = new JobProxyClient(flags);
      const state = await client.json<TaskStateAnswer>('GET', taskPath('state', id));
      const stream = flags.stderr ? 'stderr' : 'stdout';
      const text = state[stream];
      if (!text) {
        process.stderr.write(`task ${id} has no ${stream} output (yet)\n`);
        return;
      }
      process.stdout.write(text);
    });
}
