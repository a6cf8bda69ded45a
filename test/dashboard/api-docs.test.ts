/**
 * The browsable API documents: each docs page renders every operation of its OpenAPI document
 * (the v1 one built from the server's schemas, the pinned TES one), with no script errors.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { startTestServer } from '../helpers/test-server.js';
import { assertDashboardBuilt, launchBrowser, OUTPUT_DIR } from './browser.js';

const METHODS = ['get', 'post', 'put', 'patch', 'delete'];

test('the v1 and TES docs pages show every operation of their documents', async () => {
  const server = await startTestServer();
  await assertDashboardBuilt(server.url);
  const browser = await launchBrowser();
  after(() => browser.close());
  const page = await browser.newPage();
  const pageErrors: string[] = [];
  page.on('pageerror', (error) => pageErrors.push(error.message));

  for (const base of ['/v1/jobproxy', '/ga4gh/tes/v1']) {
    const spec = (await (await fetch(`${server.url}${base}/openapi.json`)).json()) as {
      paths: Record<string, Record<string, unknown>>;
    };
    const expected = Object.entries(spec.paths).flatMap(([path, item]) =>
      Object.keys(item)
        .filter((method) => METHODS.includes(method))
        .map((method) => `${method.toUpperCase()} ${path}`),
    );
    await page.goto(`${server.url}${base}/docs`);
    await page.waitForSelector('details.operation', { timeout: 30_000 });
    const shown = await page.locator('nav li').allTextContents();
    assert.deepEqual(shown.sort(), expected.sort(), `${base}/docs`);
    assert.ok((await page.locator('section[id^="schema-"]').count()) > 3, `${base}: schemas`);
  }
  await page.goto(`${server.url}/v1/jobproxy/docs#op-post-/submit`);
  await page.waitForSelector('details[open] .path', { timeout: 30_000 });
  await page.screenshot({ path: join(OUTPUT_DIR, 'api-docs.png'), fullPage: false });
  assert.deepEqual(pageErrors, []);
});
