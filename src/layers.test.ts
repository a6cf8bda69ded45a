/**
 * Layers point down: model → store/backends/storage → config/auth → core → api → server/cli. Each
 * source file's imports (static, type-only, re-exports and dynamic) are read from src/ and none
 * may name a file of a higher layer. Tests and test fixtures (`testing/`) may reach up.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const SRC = resolve(dirname(fileURLToPath(import.meta.url)), '../../src');

/** The layer of each top-level part of src/; a higher number may import a lower one. */
const LAYERS: Record<string, number> = {
  'errors.ts': 0,
  'version.ts': 0,
  model: 0,
  store: 1,
  backends: 1,
  storage: 1,
  config: 2,
  auth: 2,
  core: 3,
  api: 4,
  'server.ts': 5,
  server: 5,
  cli: 5,
};

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'testing' ? [] : sourceFiles(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') ? [path] : [];
  });
}

/** Relative specifiers of every import, export … from, and import() in a file. */
function importsOf(text: string): string[] {
  const pattern = /(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)['"](\.[^'"]+)['"]/g;
  return [...text.matchAll(pattern)].map((m) => m[1]!);
}

function layerOf(path: string): number {
  const top = relative(SRC, path).split('/')[0]!;
  const layer = LAYERS[top];
  assert.ok(layer !== undefined, `src/${top} has no layer: add it to LAYERS in src/layers.test.ts`);
  return layer;
}

test('no source file imports from a higher layer', () => {
  const files = sourceFiles(SRC);
  assert.ok(files.length > 100, `found only ${files.length} source files under ${SRC}`);
  const upward: string[] = [];
  for (const file of files) {
    for (const specifier of importsOf(readFileSync(file, 'utf8'))) {
      const target = resolve(dirname(file), specifier.replace(/\.js$/, '.ts'));
      if (layerOf(target) > layerOf(file)) {
        upward.push(`${relative(SRC, file)} → ${relative(SRC, target)}`);
      }
    }
  }
  assert.deepEqual(upward, [], 'imports that run upwards');
});

test('the check sees an upward import (core → api)', () => {
  const file = join(SRC, 'core/example.ts');
  const [specifier] = importsOf("import { buildServer } from '../api/build-server.js';");
  const target = resolve(dirname(file), specifier!);
  assert.ok(layerOf(target) > layerOf(file));
  assert.deepEqual(importsOf("const m = await import('../server.js');\nexport * from './x.js';"), [
    '../server.js',
    './x.js',
  ]);
});
