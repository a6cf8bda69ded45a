/**
 * `jobproxy submit FILE` sends a Task written in JSON or XML; `jobproxy submit [options] -- CMD
 * ARGS…` builds one from the command line (the command as an argv array: no shell). Prints the id.
 */
import { readFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { extname } from 'node:path';
import type { Command } from 'commander';
import { CliError } from './cli-error.js';
import { addClientOptions, JobProxyClient, type ClientFlags } from './http-client.js';

interface SubmitFlags extends ClientFlags {
  user?: string;
  cores?: string;
  memory?: string;
  cputime?: string;
  stdout?: string;
  stderr?: string;
  image?: string;
}

const INLINE_FLAGS = ['user', 'cores', 'memory', 'cputime', 'stdout', 'stderr', 'image'] as const;

/**
 * Registers the `submit` subcommand. `argv` is the whole command line: commander drops the `--`
 * that says the words after it are a command rather than a task file.
 */
export function registerSubmit(program: Command, argv: readonly string[]): void {
  const inline = argv.includes('--');
  const command = program
    .command('submit')
    .description('submit a task from a JSON/XML file, or the command given after --; prints its id')
    .argument(
      '[file-or-command...]',
      'a task file (.json or .xml), or after -- the command and its arguments',
    )
    .option('--user <name>', 'who the task belongs to (default $USER)')
    .option('--cores <n>', 'CPU cores')
    .option('--memory <size>', 'memory, MiB or with a unit (512M, 2G)')
    .option('--cputime <time>', 'CPU time, seconds or with a unit (90s, 2h)')
    .option('--stdout <path>', 'file for the output, on the machine that runs the task')
    .option('--stderr <path>', 'file for the error output')
    .option('--image <image>', 'run the command in this container image');
  addClientOptions(command)
    .addHelpText(
      'after',
      '\nExamples:\n  jobproxy submit task.json\n  jobproxy submit helloworld.xml\n' +
        "  jobproxy submit --cores 2 --memory 1G -- sh -c 'echo hello; sleep 5'\n" +
        '  jobproxy submit --image alpine -- echo hello',
    )
    .action(async (operands: string[], flags: SubmitFlags) => {
      const body =
        inline || operands.length === 0 ? inlineTask(operands, flags) : taskFile(operands, flags);
      const client = new JobProxyClient(flags);
      const answer = await client.request('POST', '/submit', body);
      process.stdout.write(`${parseId(answer.text)}\n`);
    });
}

/** A task file, sent as it is; its type from the extension, or `<` at the start means XML. */
function taskFile(operands: string[], flags: SubmitFlags): { text: string; contentType: string } {
  if (operands.length > 1) {
    throw new CliError(
      `give one task file, or put the command after --: jobproxy submit -- ${operands.join(' ')}`,
      2,
    );
  }
  const given = INLINE_FLAGS.filter((name) => flags[name] !== undefined).map((n) => `--${n}`);
  if (given.length > 0) {
    throw new CliError(
      `${given.join(', ')} describe a task given on the command line, not a task file: ` +
        `edit ${operands[0]}, or use jobproxy submit ${given[0]} … -- COMMAND`,
      2,
    );
  }
  const file = operands[0];
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new CliError(
      `cannot read the task file ${file}: ${reason}. To run a command, put it after --: jobproxy submit -- ${file}`,
      2,
    );
  }
  const extension = extname(file).toLowerCase();
  const xml = extension === '.xml' || (extension !== '.json' && text.trimStart().startsWith('<'));
  return { text, contentType: xml ? 'application/xml' : 'application/json' };
}

/** A v1 Task from the flags; numbers stay numbers, sizes with units stay strings for the server. */
export function inlineTask(
  command: string[],
  flags: SubmitFlags,
): { text: string; contentType: string } {
  if (command.length === 0 && flags.image === undefined) {
    throw new CliError(
      'nothing to run: give a task file (jobproxy submit task.json) or a command after -- ' +
        '(jobproxy submit -- echo hello)',
      2,
    );
  }
  const task: Record<string, unknown> = { user: flags.user ?? currentUser() };
  if (flags.image !== undefined) task.container = { image: flags.image };
  if (command.length > 0) task.cmd = command;
  if (flags.cores !== undefined) task.cores = numberIfNumeric(flags.cores);
  if (flags.memory !== undefined) task.memory = numberIfNumeric(flags.memory);
  if (flags.cputime !== undefined) task.cputime = numberIfNumeric(flags.cputime);
  if (flags.stdout !== undefined) task.stdout = flags.stdout;
  if (flags.stderr !== undefined) task.stderr = flags.stderr;
  return { text: JSON.stringify(task), contentType: 'application/json' };
}

function currentUser(): string {
  if (process.env.USER) return process.env.USER;
  try {
    return userInfo().username;
  } catch {
    // No passwd entry (a container with an arbitrary uid): the server will say user is required.
    return '';
  }
}

/** "2" → 2 but "2G" stays "2G": the server parses units, and refuses what is wrong by field. */
function numberIfNumeric(value: string): number | string {
  const number = Number(value);
  return value.trim() !== '' && Number.isFinite(number) ? number : value;
}

/** `{"id":"…"}` as asked; a plain-text id from a server that ignores Accept is fine too. */
function parseId(text: string): string {
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed === 'object' && parsed !== null && 'id' in parsed) return String(parsed.id);
  } catch {
    // Not JSON: the first implementation answered the id as text.
  }
  return text.trim();
}
