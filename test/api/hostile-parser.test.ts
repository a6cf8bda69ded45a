/**
 * The raw-socket half of the hostile-input table (issue 11): what Node's HTTP parser refuses still
 * answers the catalogue's JSON shape and code, and the server keeps serving.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { startTestServer } from '../helpers/test-server.js';
import { assertErrorShape } from './error-shape.js';
import { PARSER_ROWS } from './hostile-parser-rows.js';

const server = await startTestServer({ frameworkOptions: { paused: true } });
const port = Number(new URL(server.url).port);

interface Answer {
  status: number;
  headers: Map<string, string>;
  text: string;
}

/** Sends `raw` and reads one answer (the server closes the connection after a parser error). */
function send(raw: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(raw));
    let data = '';
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => {
      data += chunk;
      const end = data.indexOf('\r\n\r\n');
      if (end < 0) return;
      const length = Number(/content-length: (\d+)/i.exec(data.slice(0, end))?.[1] ?? -1);
      if (data.length - end - 4 >= length) socket.destroy();
    });
    socket.on('close', () => {
      const end = data.indexOf('\r\n\r\n');
      if (end < 0) return reject(new Error(`no answer: ${JSON.stringify(data.slice(0, 200))}`));
      const [statusLine = '', ...lines] = data.slice(0, end).split('\r\n');
      const headers = new Map(
        lines.map((line) => [
          line.slice(0, line.indexOf(':')).toLowerCase(),
          line.slice(line.indexOf(':') + 1).trim(),
        ]),
      );
      resolve({ status: Number(statusLine.split(' ')[1]), headers, text: data.slice(end + 4) });
    });
    socket.on('error', reject);
  });
}

for (const row of PARSER_ROWS) {
  test(`${row.name} → ${row.status} ${row.code}`, async () => {
    const answer = await send(row.raw);
    assertErrorShape(
      { status: answer.status, contentType: answer.headers.get('content-type'), text: answer.text },
      row.status,
      row.code,
    );
    if (row.allow !== undefined) assert.equal(answer.headers.get('allow'), row.allow);
  });
}

test('the server still serves after every row', async () => {
  const response = await fetch(`${server.url}/v1/jobproxy/ping`);
  assert.equal(response.status, 200);
});
