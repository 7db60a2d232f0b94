// The quiz board updates by itself (no reload) when another student submits through the API.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';

import { launch, phoneContext, assertNoPageErrors, signIn } from '../lib/browser.mjs';
import { KINDS, registerUser, scenario, takeQuiz, unique } from '../lib/seed.mjs';
import { textOf } from '../lib/text.mjs';

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

const rowsText = (page) => page.locator('table#board tbody tr').evaluateAll((rows) => rows.map((r) => r.textContent.replace(/\s+/g, ' ').trim()));

test('the board page shows a new result live, in ranking order, without reloading', { timeout: 120_000 }, async () => {
  const { quiz } = await scenario({ quiz: { max_attempts: 3 } });
  const first = await registerUser({ displayName: `Trần Văn An ${unique()}` });
  await takeQuiz(first, quiz.id, ['as-001']); // 1 point

  const viewer = await registerUser({ displayName: `Người xem ${unique()}` });
  const context = await phoneContext(browser);
  const page = await context.newPage();
  await signIn(page, viewer);
  await page.goto(`/quizzes/${quiz.id}/board`);
  await page.locator('table#board').waitFor();
  const before = await rowsText(page);
  assert.equal(before.length, 1, `one row before: ${JSON.stringify(before)}`);
  assert.ok(before[0].includes(first.displayName), 'the first student’s display name is on the board');
  assert.ok(!before[0].includes(first.username), 'never the username');

  // Mark this document: a reload would lose the mark.
  await page.evaluate(() => {
    window.__sameDocument = true;
  });

  const second = await registerUser({ displayName: `Lê Thị Bình ${unique()}` });
  await takeQuiz(second, quiz.id, Object.keys(KINDS)); // 8 points

  await page.waitForFunction(
    (name) => [...document.querySelectorAll('table#board tbody tr')].some((r) => r.textContent.includes(name)),
    second.displayName,
    { timeout: 20_000 },
  );
  assert.equal(await page.evaluate(() => window.__sameDocument), true, 'the board updated without a reload');
  const after = await rowsText(page);
  assert.equal(after.length, 2, JSON.stringify(after));
  assert.ok(after[0].includes(second.displayName), `8 points ranks above 1 point: ${JSON.stringify(after)}`);
  assert.ok(after[1].includes(first.displayName));
  const firstCell = await textOf(page.locator('table#board tbody tr').first().locator('th, td').first());
  assert.equal(firstCell.replace(/\D/g, ''), '1', `the first cell is the rank: "${firstCell}"`);

  assertNoPageErrors(assert, context);
  await context.close();
});
