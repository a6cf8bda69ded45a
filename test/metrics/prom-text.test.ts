/** The test's Prometheus text reader is strict: it accepts the format and refuses departures. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parsePrometheusText, sampleValue } from './prom-text.js';

const GOOD = `# HELP http_seconds Latency.
# TYPE http_seconds histogram
http_seconds_bucket{le="0.1",route="/a"} 1
http_seconds_bucket{le="+Inf",route="/a"} 3
http_seconds_sum{route="/a"} 0.7
http_seconds_count{route="/a"} 3
# TYPE up gauge
up{job="x",path="C:\\\\dir",quote="say \\"hi\\""} 1 1700000000000
# a comment
things_total NaN
`;

test('a well-formed exposition parses into families and samples', () => {
  const families = parsePrometheusText(GOOD);
  assert.equal(families.get('http_seconds')?.type, 'histogram');
  assert.equal(families.get('http_seconds')?.help, 'Latency.');
  assert.equal(sampleValue(families, 'http_seconds_count', { route: '/a' }), 3);
  const up = families.get('up')!.samples[0]!;
  assert.deepEqual(up.labels, { job: 'x', path: 'C:\\dir', quote: 'say "hi"' });
  assert.equal(families.get('things_total')?.type, 'untyped');
});

test('departures from the format are refused', () => {
  const bad = [
    'up 1', // no final newline
    'up  1\n', // two spaces
    'up{job=x} 1\n', // unquoted value
    'up{job="x} 1\n', // unterminated
    'up{job="a\\tb"} 1\n', // bad escape
    'up one\n', // not a float
    '1up 1\n', // bad name
    'up 1\nup 2\n', // repeated series
    'up 1\n# TYPE up gauge\n', // TYPE after samples
    '# TYPE c counter\nc -1\n', // negative counter
    'a 1\nb 1\na{x="y"} 1\n', // family not contiguous
    '# TYPE h histogram\nh_bucket{le="1"} 2\nh_bucket{le="+Inf"} 1\nh_count 1\nh_sum 1\n',
    '# TYPE h histogram\nh_bucket{le="1"} 1\nh_count 1\nh_sum 1\n', // no +Inf
    '# TYPE x nonsense\n',
  ];
  for (const text of bad)
    assert.throws(() => parsePrometheusText(text), Error, JSON.stringify(text));
});
