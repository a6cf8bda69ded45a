import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  SERVER_MALLOC_ARENA_MAX,
  SERVER_NODE_FLAGS,
  serverEnv,
  serverNodeFlags,
} from './server-runtime.js';

const MAIN = fileURLToPath(new URL('./main.js', import.meta.url));

test("the binary's first line carries the server's runtime settings", () => {
  const first = readFileSync(MAIN, 'utf8').split('\n')[0]!;
  assert.ok(first.startsWith('#!/usr/bin/env -S '), first);
  const words = first.split(' ');
  assert.ok(words.includes(`MALLOC_ARENA_MAX=${SERVER_MALLOC_ARENA_MAX}`), first);
  for (const flag of SERVER_NODE_FLAGS) assert.ok(words.includes(flag), `${flag}: ${first}`);
});

/** Allocates ~200 MB of short-lived objects, then prints the young generation's size, bytes. */
const YOUNG_SIZE = `
  let keep = [];
  for (let i = 0; i < 2e6; i++) { keep.push({ i, s: 'x' + i }); if (keep.length > 5000) keep = []; }
  const young = require('v8').getHeapSpaceStatistics().find((s) => s.space_name === 'new_space');
  console.log(young.physical_space_size);`;

test('node accepts the flags, and they bound the young generation', () => {
  const semi = Number(/^--max-semi-space-size=(\d+)$/.exec(SERVER_NODE_FLAGS[0]!)?.[1]);
  assert.ok(semi > 0, 'the first flag is --max-semi-space-size');
  const run = spawnSync(process.execPath, [...SERVER_NODE_FLAGS, '-e', YOUNG_SIZE], {
    encoding: 'utf8',
  });
  assert.equal(run.status, 0, run.stderr);
  assert.equal(run.stderr, '');
  // Two semi-spaces of `semi` MiB, and no more.
  assert.ok(Number(run.stdout) <= 2 * semi * 2 ** 20, `young generation ${run.stdout} bytes`);
});

test("an operator's own MALLOC_ARENA_MAX and node flags win", () => {
  assert.equal(serverEnv({ MALLOC_ARENA_MAX: '8' }).MALLOC_ARENA_MAX, '8');
  assert.equal(serverEnv({}).MALLOC_ARENA_MAX, SERVER_MALLOC_ARENA_MAX);
  const flags = serverNodeFlags(['--max-semi-space-size=16']);
  assert.equal(flags.at(-1), '--max-semi-space-size=16');
});
