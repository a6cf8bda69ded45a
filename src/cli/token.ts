/**
 * `jobproxy token create <user> [--admin] --file <path>`: adds a token for a user to the token
 * file (`auth.tokens`) and prints it — the only time it is shown; the file keeps its hash. A
 * running server picks the new token up without a restart.
 */
import type { Command } from 'commander';
import { createToken } from '../auth/token-file.js';
import { CliError } from './cli-error.js';

const USER_NAME = /^[A-Za-z0-9._@-]{1,256}$/;

/** Registers the `token` subcommand. */
export function registerToken(program: Command): void {
  const token = program.command('token').description('manage the tokens the server accepts');
  token
    .command('create')
    .description('add a token for a user to the token file and print it once')
    .argument('<user>', 'who the token belongs to (the owner of the tasks it submits)')
    .option('--admin', "the token sees and manages every user's tasks")
    .requiredOption('--file <path>', "the token file, as the server's auth.tokens names it")
    .addHelpText(
      'after',
      '\nExample:\n  jobproxy token create alice --file /etc/jobproxy/tokens.json\n' +
        '  curl -H "Authorization: Bearer <token>" http://host:9999/v1/jobproxy/state',
    )
    .action((user: string, flags: { admin?: boolean; file: string }) => {
      if (!USER_NAME.test(user)) {
        throw new CliError(
          `"${user}" is not a valid user name: use letters, digits and . _ @ -`,
          2,
        );
      }
      let created: string;
      try {
        created = createToken(flags.file, user, flags.admin ? 'admin' : 'user');
      } catch (error) {
        throw new CliError(`cannot add the token: ${(error as Error).message}`, 2);
      }
      process.stdout.write(`${created}\n`);
      process.stderr.write(
        `token for ${user}${flags.admin ? ' (admin)' : ''} added to ${flags.file}; it is shown only now\n`,
      );
    });
}
