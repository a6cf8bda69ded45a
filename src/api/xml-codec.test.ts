import { test } from 'node:test';
import assert from 'node:assert/strict';
import { XMLValidator } from 'fast-xml-parser';
import { JobProxyError } from '../errors.js';
import { decodeTaskXml, encodeXml } from './xml-codec.js';

function refusal(xml: string): string {
  try {
    decodeTaskXml(xml);
  } catch (error) {
    assert.ok(error instanceof JobProxyError);
    assert.equal(error.code, 'MALFORMED_BODY');
    return error.message;
  }
  assert.fail(`accepted ${xml}`);
}

test('a task decodes to the JSON shape, numbers only where the XSD has them', () => {
  const task = decodeTaskXml(
    '<?xml version="1.0"?><task><user>42</user><cores>2</cores><memory>128</memory><cputime>1.5</cputime><cmd>7</cmd></task>',
  );
  assert.deepEqual(task, { user: '42', cores: 2, memory: 128, cputime: 1.5, cmd: '7' });
});

test('attributes, comments, CDATA and the five built-in entities are read as XML says', () => {
  const task = decodeTaskXml(
    '<task xmlns:xsi="x" xsi:noNamespaceSchemaLocation="y"><!-- c --><user>a&amp;&lt;&gt;&quot;&apos;</user><cmd><![CDATA[echo "<hi>" && exit 0]]></cmd></task>',
  );
  assert.deepEqual(task, { user: 'a&<>"\'', cmd: 'echo "<hi>" && exit 0' });
});

test('an empty <task/> is an empty task (validation then names what is missing)', () => {
  assert.deepEqual(decodeTaskXml('<task/>'), {});
});

test('DTDs and entity declarations are refused before parsing', () => {
  assert.match(refusal('<!DOCTYPE task SYSTEM "http://x/t.dtd"><task/>'), /DOCTYPE/);
  assert.match(
    refusal('<?xml version="1.0"?><!DOCTYPE t [<!ENTITY a "b">]><task>&a;</task>'),
    /DOCTYPE/,
  );
});

test('broken XML names the position', () => {
  assert.match(refusal('<task><user>a</task>'), /line 1/);
  assert.doesNotMatch(refusal(''), /undefined/);
});

test('roots other than one <task> are refused', () => {
  assert.match(refusal('<job/>'), /<job>/);
  assert.match(refusal('<task/><task/>'), /exactly one/);
});

test('element names that would pollute prototypes are refused, not a crash', () => {
  assert.match(refusal('<task><__proto__><a>1</a></__proto__></task>'), /__proto__/);
  assert.match(
    refusal('<task><container><constructor>1</constructor></container></task>'),
    /constructor/,
  );
});

test('nesting deeper than the parser follows is refused, not a crash', () => {
  assert.match(refusal(`<task>${'<a>'.repeat(500)}${'</a>'.repeat(500)}</task>`), /nested/i);
});

test('encodeXml escapes text, replaces characters XML cannot carry, and drops absent fields', () => {
  const xml = encodeXml('state', {
    id: 'x',
    stdout: 'a < b & c\u0000\u001b',
    stderr: undefined,
    exitCode: 0,
  });
  assert.equal(XMLValidator.validate(xml), true, xml);
  assert.ok(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>'));
  assert.match(xml, /<stdout>a &lt; b &amp; c\uFFFD\uFFFD<\/stdout>/);
  assert.ok(!xml.includes('<stderr>'));
  assert.match(xml, /<exitCode>0<\/exitCode>/);
});

test('a list encodes as repeated elements', () => {
  const xml = encodeXml('states', { state: [{ id: 'a' }, { id: 'b' }] });
  assert.match(xml, /<states><state><id>a<\/id><\/state><state><id>b<\/id><\/state><\/states>/);
});
