/**
 * The client commands (`jobproxy state`, `submit`, …) share program.js with `serve`; loading it
 * must not load a framework implementation nor its libraries (dockerode, ssh2, the Kubernetes
 * client): those are imported by `serve` alone (FrameworkDefinition.load). A loader hook in a
 * child process records every module the import resolves.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const DIST_SRC = dirname(dirname(fileURLToPath(import.meta.url)));
const IMPLEMENTATIONS = /\/dist\/src\/backends\/(local|slurm|gridengine|kubernetes|batch)\/(.+)$/;
const LIBRARIES = /\/node_modules\/(dockerode|docker-modem|ssh2|@kubernetes\/client-node)\//;
/** A framework's definition (name, help, options) may load: it is data, no implementation. */
const METADATA = /^[a-z-]+-(framework|options)\.js$/;

/** The file: URLs of every module `import(entry)` resolves, in a fresh node process. */
function modulesLoadedBy(entry: string): string[] {
  const dir = mkdtempSync(join(tmpdir(), 'jobproxy-load-'));
  try {
    const log = join(dir, 'loaded.txt');
    const hooks = join(dir, 'hooks.mjs');
    writeFileSync(
      hooks,
      `import { appendFileSync } from 'node:fs';
export async function resolve(specifier, context, next) {
  const result = await next(specifier, context);
  appendFileSync(${JSON.stringify(log)}, result.url + '\\n');
  return result;
}`,
    );
    const register = join(dir, 'register.mjs');
    writeFileSync(
      register,
      `import { register } from 'node:module';\nregister(${JSON.stringify(pathToFileURL(hooks).href)});`,
    );
    const script = `await import(${JSON.stringify(pathToFileURL(entry).href)});`;
    execFileSync(process.execPath, ['--import', pathToFileURL(register).href, '-e', script]);
    return readFileSync(log, 'utf8').split('\n').filter(Boolean);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function implementationsIn(urls: string[]): string[] {
  return urls.filter((url) => {
    const own = IMPLEMENTATIONS.exec(url);
    return (own !== null && !METADATA.test(own[2]!)) || LIBRARIES.test(url);
  });
}

test('loading the CLI program loads no framework implementation', () => {
  const loaded = modulesLoadedBy(join(DIST_SRC, 'cli/program.js'));
  assert.ok(
    loaded.some((url) => url.endsWith('/dist/src/cli/serve.js')),
    `the hook saw the CLI's own modules: ${loaded.length} resolved`,
  );
  assert.deepEqual(implementationsIn(loaded), []);
});

test('the check sees an implementation when one is loaded', () => {
  const loaded = modulesLoadedBy(join(DIST_SRC, 'backends/slurm/slurm-scheduler.js'));
  assert.ok(implementationsIn(loaded).some((url) => url.endsWith('/slurm/slurm-scheduler.js')));
});
