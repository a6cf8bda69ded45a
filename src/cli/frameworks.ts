/**
 * `jobproxy frameworks [name]` (also `jobproxy -l` and `jobproxy -h -f NAME`): lists the
 * frameworks this build has, or prints one framework's help and every option with its default and
 * config key. Reads the framework definitions only; no server is involved.
 */
import type { Command } from 'commander';
import type { FrameworkDefinition } from '../backends/backend.js';
import { FRAMEWORKS, findFramework, UnknownFrameworkError } from '../backends/create-backend.js';
import { DEFAULT_CONFIG } from '../config/config.js';
import { canonicalFrameworkName, originalNamesOf } from '../config/framework-names.js';
import { envNameFor } from '../config/load-config.js';
import { CliError } from './cli-error.js';

const WIDTH = 100;

/** Registers the `frameworks` subcommand. */
export function registerFrameworks(program: Command): void {
  program
    .command('frameworks')
    .description(
      "list the frameworks, or show one framework's help and options (also -l, -h -f NAME)",
    )
    .argument('[name]', 'a framework name')
    .action((name: string | undefined) => {
      process.stdout.write(name === undefined ? formatFrameworkList() : formatFrameworkHelp(name));
    });
}

/** One line per framework: its name (marked if default) and the first sentence of its help. */
export function formatFrameworkList(
  frameworks: readonly FrameworkDefinition[] = FRAMEWORKS,
): string {
  const names = frameworks.map((f) => {
    const notes = [
      ...(f.name === DEFAULT_CONFIG.framework ? ['default'] : []),
      ...originalNamesOf(f.name).map((original) => `also -f ${original}`),
    ];
    return notes.length > 0 ? `${f.name} (${notes.join('; ')})` : f.name;
  });
  const width = Math.max(...names.map((n) => n.length));
  return frameworks.map((f, i) => `${names[i].padEnd(width)}  ${firstSentence(f.help)}\n`).join('');
}

/** A framework's full help, then each option as `local.cores (default 2): meaning`. */
export function formatFrameworkHelp(name: string): string {
  let framework: FrameworkDefinition;
  try {
    framework = findFramework(canonicalFrameworkName(name));
  } catch (error) {
    if (error instanceof UnknownFrameworkError) {
      throw new CliError(`${error.message}. 'jobproxy -l' lists them with a line of help each.`, 2);
    }
    throw error;
  }
  const lines = [
    `${framework.name}${framework.name === DEFAULT_CONFIG.framework ? ' (the default framework)' : ''}`,
    '',
  ];
  lines.push(...wrap(framework.help, WIDTH), '');
  if (framework.options.length === 0) {
    lines.push('It has no options.');
    return lines.join('\n') + '\n';
  }
  lines.push('Options (config key, default, meaning):');
  for (const option of framework.options) {
    const key = `${framework.name}.${option.key}`;
    const shown =
      option.default === undefined || option.default === ''
        ? 'no default'
        : `default ${String(option.default)}`;
    lines.push(...wrap(`${key} (${shown}): ${option.help}`, WIDTH - 2, '  ', '      '));
  }
  const example = framework.options[0];
  const exampleKey = `${framework.name}.${example.key}`;
  const exampleValue =
    example.default === undefined || example.default === '' ? 'VALUE' : String(example.default);
  lines.push(
    '',
    ...wrap(
      `Set an option in the config file (${exampleKey}=${exampleValue}), in the environment ` +
        `(${envNameFor(exampleKey)}=${exampleValue}) or on the command line ` +
        `(jobproxy serve -f ${framework.name} -o ${exampleKey}=${exampleValue}).`,
      WIDTH,
    ),
  );
  return lines.join('\n') + '\n';
}

/** Up to the first `. ` (or the whole text): the one-line summary of a help text. */
export function firstSentence(text: string): string {
  const match = /^.*?[.!?](?=\s|$)/s.exec(text.trim());
  return (match ? match[0] : text.trim()).replace(/\s+/g, ' ');
}

function wrap(text: string, width: number, first = '', rest = first): string[] {
  const lines: string[] = [];
  let line = first;
  for (const word of text.split(/\s+/).filter(Boolean)) {
    const prefix = lines.length === 0 ? first : rest;
    if (line.length > prefix.length && line.length + 1 + word.length > width) {
      lines.push(line);
      line = rest + word;
    } else {
      line += line.length > prefix.length ? ` ${word}` : word;
    }
  }
  lines.push(line);
  return lines;
}
