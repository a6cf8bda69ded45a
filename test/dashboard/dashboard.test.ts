/**
 * The dashboard in a real browser: a task submitted through the API appears and turns COMPLETE
 * without a reload, its detail shows its output and history, a running task is canceled and a
 * finished one deleted from the page. Screenshots of the list and the detail go to test-output/.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, test } from 'node:test';
import type { Page } from 'playwright-core';
import { getState, startTestServer, submitTask } from '../helpers/test-server.js';
import { assertDashboardBuilt, launchBrowser, OUTPUT_DIR } from './browser.js';

const WAIT = { timeout: 30_000 };

const rowOf = (id: string, state?: string): string =>
  `tr[data-id="${id}"]${state ? `[data-state="${state}"]` : ''}`;

/** Waits until an element's text contains `text`. */
async function waitForText(page: Page, selector: string, text: string): Promise<void> {
  await page.waitForFunction(
    ([sel, want]) => document.querySelector(sel!)?.textContent?.includes(want!) ?? false,
    [selector, text],
    WAIT,
  );
}

test('the dashboard follows tasks live, shows their output, cancels and deletes', async () => {
  const server = await startTestServer();
  await assertDashboardBuilt(server.url);
  const browser = await launchBrowser();
  after(() => browser.close());
  const page = await browser.newPage();
  const pageErrors: string[] = [];
  page.on('pageerror', (error) => pageErrors.push(error.message));

  await page.goto(`${server.url}/`);
  await page.waitForSelector('#live.up', WAIT);
  // A marker that a reload would wipe out.
  await page.evaluate(() => Object.assign(window, { sameDocument: true }));

  const id = await submitTask(server, {
    user: 'alice',
    cmd: 'sleep 1; echo hello from the dashboard test',
  });
  await page.waitForSelector(rowOf(id), WAIT);
  await page.waitForSelector(rowOf(id, 'COMPLETE'), WAIT);
  assert.equal(await page.evaluate(() => 'sameDocument' in window), true, 'the page reloaded');
  assert.equal(await page.textContent(`${rowOf(id)} td:nth-child(3)`), 'alice');
  await submitTask(server, { user: 'bob', cmd: 'exit 3' });
  await waitForText(page, '#counts', 'EXECUTOR_ERROR1');
  await page.screenshot({ path: join(OUTPUT_DIR, 'dashboard-list.png') });

  // Open it with the keyboard: focus the row, Enter.
  await page.focus(rowOf(id));
  await page.keyboard.press('Enter');
  await waitForText(page, '#stdout', 'hello from the dashboard test');
  await waitForText(page, '#detail-state', 'COMPLETE');
  const history = await page.locator('#history-rows .badge').allTextContents();
  assert.deepEqual(history, ['QUEUED', 'RUNNING', 'COMPLETE']);
  assert.match((await page.textContent('#detail-facts')) ?? '', /Exit code\s*0/);
  assert.match((await page.textContent('#spec')) ?? '', /hello from the dashboard test/);
  await page.screenshot({ path: join(OUTPUT_DIR, 'dashboard-detail.png') });

  // Cancel a running task from its detail, confirming in the dialog.
  const longId = await submitTask(server, { user: 'bob', cmd: 'sleep 120' });
  await page.waitForSelector(rowOf(longId, 'RUNNING'), WAIT);
  await page.click(rowOf(longId));
  await waitForText(page, '#detail-state', 'RUNNING');
  await page.click('#cancel-button');
  await page.waitForSelector('#confirm-dialog[open]', WAIT);
  await page.click('#confirm-ok');
  await page.waitForSelector(rowOf(longId, 'CANCELED'), WAIT);
  assert.equal((await getState(server, longId)).code, 'CANCELED');

  // Delete the finished one; "Keep it" first leaves it alone.
  await page.click(rowOf(id));
  await waitForText(page, '#detail-title', id);
  await page.click('#delete-button');
  await page.click('#confirm-dialog button[value="cancel"]');
  await page.waitForSelector('#confirm-dialog', { state: 'hidden', ...WAIT });
  assert.equal((await getState(server, id)).code, 'COMPLETE', '"Keep it" deleted the task');
  await page.click('#delete-button');
  await page.click('#confirm-ok');
  await page.waitForSelector(rowOf(id), { state: 'detached', ...WAIT });
  const gone = await fetch(`${server.url}/v1/jobproxy/state/${id}`);
  assert.equal(gone.status, 404);
  assert.equal(await page.isHidden('#detail'), true);

  assert.deepEqual(pageErrors, []);
});

test('a 401 makes the page ask for a token, kept for the tab and sent as Bearer', async () => {
  const server = await startTestServer();
  await assertDashboardBuilt(server.url);
  const browser = await launchBrowser();
  after(() => browser.close());
  const page = await browser.newPage();
  // Stand in for authentication (not built yet): the API wants "Bearer t0ken".
  const seen: string[] = [];
  await page.route('**/v1/jobproxy/**', async (route) => {
    const authorization = route.request().headers().authorization ?? '';
    seen.push(authorization);
    if (authorization === 'Bearer t0ken') return route.continue();
    return route.fulfill({
      status: 401,
      contentType: 'application/json',
      body: JSON.stringify({ statusCode: 401, code: 'UNAUTHORIZED', message: 'token needed' }),
    });
  });
  const id = await submitTask(server, { user: 'alice', cmd: 'true' });
  await page.goto(`${server.url}/`);
  await page.waitForSelector('#token-dialog[open]', WAIT);
  await page.fill('#token-input', 't0ken');
  await page.keyboard.press('Enter');
  await page.waitForSelector(rowOf(id), WAIT);
  await page.waitForSelector('#live.up', WAIT);
  assert.equal(await page.evaluate(() => sessionStorage.getItem('jobproxy.token')), 't0ken');
  assert.ok(seen.includes('Bearer t0ken'));
  // One dialog for all the requests that were refused at once.
  assert.equal(await page.isVisible('#token-dialog'), false);
});
