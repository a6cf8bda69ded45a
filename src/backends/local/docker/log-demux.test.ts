import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { after, test } from 'node:test';
import { FrameParser, LogFileSink } from './log-demux.js';

function frame(stream: 1 | 2, text: string): Buffer {
  const payload = Buffer.from(text);
  const header = Buffer.alloc(8);
  header[0] = stream;
  header.writeUInt32BE(payload.length, 4);
  return Buffer.concat([header, payload]);
}

test('frames split across chunks and many per chunk come out whole, in order', () => {
  const bytes = Buffer.concat([frame(1, 'out-1\n'), frame(2, 'err-1\n'), frame(1, 'out-2\n')]);
  const parser = new FrameParser();
  const frames = [bytes.subarray(0, 3), bytes.subarray(3, 17), bytes.subarray(17)].flatMap(
    (chunk) => parser.push(chunk),
  );
  assert.deepEqual(
    frames.map((f) => [f.kind, f.payload.toString()]),
    [
      ['stdout', 'out-1\n'],
      ['stderr', 'err-1\n'],
      ['stdout', 'out-2\n'],
    ],
  );
  assert.equal(parser.leftover, 0);
});

test('the sink writes stdout and stderr to their own files, truncating what was there', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'jobproxy-demux-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const paths = { stdout: join(dir, 'out'), stderr: join(dir, 'err') };
  await pipeline(Readable.from([frame(1, 'old')]), new LogFileSink(paths));
  const bytes = Buffer.concat([frame(2, 'e'), frame(1, 'o1'), frame(1, 'o2')]);
  await pipeline(Readable.from([bytes.subarray(0, 5), bytes.subarray(5)]), new LogFileSink(paths));
  assert.equal(readFileSync(paths.stdout, 'utf8'), 'o1o2');
  assert.equal(readFileSync(paths.stderr, 'utf8'), 'e');
});
