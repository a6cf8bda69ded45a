/** `jobproxy delete <id…>`: stops each task if it still runs and removes it from the server. */
import type { Command } from 'commander';
import { addClientOptions, JobProxyClient, taskPath, type ClientFlags } from './http-client.js';

/** Registers the `delete` subcommand. */
export function registerDelete(program: Command): void {
  const command = program
    .command('delete')
    .description('stop a task if it still runs, then remove it')
    .argument('<id...>', 'task ids');
  addClientOptions(command)
    .addHelpText('after', '\nExample:\n  jobproxy delete 3f2a…')
    .action(async (ids: string[], flags: ClientFlags) => {
      const client = new JobProxyClient(flags);
      // One at a time and stop at the first refusal, so the message says which id failed.
      for (const id of ids) {
        await client.request('DELETE', taskPath('delete', id));
        process.stderr.write(`deleted ${id}\n`);
      }
    });
}
