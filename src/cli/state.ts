/** `jobproxy state [id]`: one task's state as `field: value` lines, or a table of all tasks. */
import type { Command } from 'commander';
import { addClientOptions, JobProxyClient, taskPath, type ClientFlags } from './http-client.js';
import { formatStates, type StatesAnswer, type TaskStateAnswer } from './task-state.js';

interface StateFlags extends ClientFlags {
  json?: boolean;
}

/** The fields printed for one task; its output is for `jobproxy logs`. */
const SHOWN_FIELDS = [
  'id',
  'code',
  'description',
  'exitCode',
  'user',
  'framework',
  'created',
  'started',
  'ended',
] as const;

/** Registers the `state` subcommand. */
export function registerState(program: Command): void {
  const command = program
    .command('state')
    .description("show one task's state, or a table of every task you can see")
    .argument('[id]', 'a task id')
    .option('--json', "print the server's JSON answer as it is");
  addClientOptions(command)
    .addHelpText('after', '\nExamples:\n  jobproxy state\n  jobproxy state 3f2a… --json')
    .action(async (id: string | undefined, flags: StateFlags) => {
      const client = new JobProxyClient(flags);
      if (id === undefined) {
        const answer = await client.json<StatesAnswer>('GET', '/state');
        if (flags.json) return void process.stdout.write(`${JSON.stringify(answer, null, 2)}\n`);
        const states = Array.isArray(answer.state) ? answer.state : [];
        if (states.length === 0) return void process.stderr.write('no tasks\n');
        process.stdout.write(formatStates(states));
        return;
      }
      const state = await client.json<TaskStateAnswer>('GET', taskPath('state', id));
      if (flags.json) return void process.stdout.write(`${JSON.stringify(state, null, 2)}\n`);
      process.stdout.write(formatOneState(state));
    });
}

/** `field: value` lines for the fields the task has. */
export function formatOneState(state: TaskStateAnswer): string {
  const shown = SHOWN_FIELDS.filter((field) => state[field] !== undefined && state[field] !== null);
  const width = Math.max(...shown.map((f) => f.length)) + 1;
  return shown.map((field) => `${`${field}:`.padEnd(width)} ${String(state[field])}\n`).join('');
}
