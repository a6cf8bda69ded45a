/**
 * Turns any command line the CLI accepts into one commander understands. The first
 * implementation's options were single-dash words (`-debug`, `-log INFO`), which commander would
 * read as bundles of short flags, and it had no subcommands: `jobproxy -f local -p file` started
 * the server, `-l` listed the frameworks and `-h -f slurm` explained one.
 */

/** The subcommands; a command line naming none of them is the first implementation's. */
export const SUBCOMMANDS = [
  'serve',
  'frameworks',
  'submit',
  'state',
  'delete',
  'wait',
  'logs',
  'help',
];

/** Single-dash long options of the first implementation, written with two dashes today. */
const SINGLE_DASH_LONG = ['debug', 'log'];

/** Options (of `serve` and the legacy form) whose value is the next word. */
const TAKES_VALUE = new Set([
  '-f',
  '--framework',
  '-p',
  '--properties',
  '--log',
  '-u',
  '--serveruri',
  '--store',
  '--workdir',
  '-o',
  '--option',
]);

/** `-debug` → `--debug`, `-log=INFO` → `--log=INFO`; nothing after `--` is touched. */
export function normaliseArgv(args: readonly string[]): string[] {
  const end = args.indexOf('--');
  return args.map((arg, i) => {
    if (end >= 0 && i >= end) return arg;
    const match = /^-([a-z]+)(=.*)?$/.exec(arg);
    return match && SINGLE_DASH_LONG.includes(match[1]) ? `-${arg}` : arg;
  });
}

/**
 * Normalises the arguments and maps the first implementation's forms onto subcommands:
 * `-l` → `frameworks`, `-h -f NAME` → `frameworks NAME`, options without a subcommand → `serve`,
 * nothing at all → the general help.
 */
export function routeArgv(raw: readonly string[]): string[] {
  const args = normaliseArgv(raw);
  const first = firstOperand(args);
  const wantsHelp = hasOption(args, '-h', '--help');
  const framework = frameworkValue(args);
  if (first !== undefined) {
    // `serve -h -f slurm` asks about slurm as much as `-h -f slurm` does.
    if (args[first] === 'serve' && wantsHelp && framework) return ['frameworks', framework];
    return args;
  }
  if (args.length === 0) return ['--help'];
  if (hasOption(args, '-l', '--list')) return ['frameworks'];
  if (wantsHelp) return framework ? ['frameworks', framework] : ['--help'];
  if (hasOption(args, '-V', '--version')) return args;
  return ['serve', ...args];
}

/** Index of the first word that is neither an option nor an option's value. */
function firstOperand(args: readonly string[]): number | undefined {
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === '--') return i + 1 < args.length ? i + 1 : undefined;
    if (!arg.startsWith('-') || arg === '-') return i;
    if (TAKES_VALUE.has(arg)) i++;
  }
  return undefined;
}

function hasOption(args: readonly string[], short: string, long: string): boolean {
  const end = args.indexOf('--');
  const before = end >= 0 ? args.slice(0, end) : args;
  return before.some((arg) => arg === short || arg === long);
}

/** The value of `-f NAME`, `-fNAME`, `--framework NAME` or `--framework=NAME`. */
function frameworkValue(args: readonly string[]): string | undefined {
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === '--') break;
    if (arg === '-f' || arg === '--framework') return args[i + 1];
    if (arg.startsWith('--framework=')) return arg.slice('--framework='.length);
    if (/^-f[^-]/.test(arg)) return arg.slice(2);
  }
  return undefined;
}
