// An organizer builds a quiz in the builder with two rules, sees each rule's count of
// drawable questions as she types (the script asks the server), is refused at publication
// beside the rule that asks for more questions than the bank holds, fixes it and publishes;
// then freezes and publishes the board from its control page and reads the snapshot's hash.
// axe-core (WCAG 2.2 A/AA) on every page at a desktop viewport (1280×800), in Vietnamese.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';

import { launch, phoneContext, assertNoPageErrors, axeViolations, htmlLang, signIn, until } from '../lib/browser.mjs';
import { BANK_SLUG, MINUTE, api, importFixtureBank, organizer as newOrganizer, unique } from '../lib/seed.mjs';

const DESKTOP = { width: 1280, height: 800 };

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

async function assertAxeClean(page, what) {
  const missing = await page.evaluate(() => document.documentElement.outerHTML.match(/⟦[^⟧]*⟧/g));
  assert.equal(missing, null, `messages missing on ${what}`);
  const violations = await axeViolations(page);
  assert.deepEqual(violations, [], `axe on ${what} (${page.url()}):\n${JSON.stringify(violations, null, 2)}`);
}

/** `ms` as a `datetime-local` value in Vietnam's time (UTC+07:00, no daylight saving). */
function hanoiInput(ms) {
  return new Date(ms + 7 * 60 * MINUTE).toISOString().slice(0, 16);
}

/** Clicks what navigates and waits for the page it lands on. */
async function follow(page, locator, url) {
  await Promise.all([page.waitForURL(url), locator.click()]);
  await page.waitForLoadState('load');
}

async function textOf(page, selector) {
  return ((await page.locator(selector).textContent()) ?? '').replace(/\s+/g, ' ').trim();
}

test('an organizer builds a quiz, is refused a rule the bank cannot serve, publishes it and runs its board', { timeout: 240_000 }, async () => {
  const org = await newOrganizer();
  await importFixtureBank(org);
  const context = await phoneContext(browser, { viewport: DESKTOP, isMobile: false, hasTouch: false, deviceScaleFactor: 1 });
  const page = await context.newPage();
  await signIn(page, org);

  await page.goto('/organize/quizzes');
  assert.equal(await htmlLang(page), 'vi');
  await assertAxeClean(page, 'the quizzes');
  await follow(page, page.locator('#new-quiz'), /\/organize\/quizzes\/new$/);
  await assertAxeClean(page, 'the new quiz');

  const title = `Bài thi an toàn số ${unique()}`;
  await page.locator('#title').fill(title);
  await page.locator('#description').fill('Bài thi của tuần lễ học tập suốt đời.');
  await page.locator('#opens_at').fill(hanoiInput(Date.now() - 5 * MINUTE));
  await page.locator('#closes_at').fill(hanoiInput(Date.now() + 120 * MINUTE));
  await page.locator('#time_limit').fill('10');
  await page.locator('#max_attempts').fill('2');

  // Rule 1: one question of area 4 (the bank holds three).
  await page.locator('#rule-0-bank').selectOption(BANK_SLUG);
  await page.locator('#rule-0-competence').selectOption('4');
  await page.locator('#rule-0-count').fill('1');
  await until(page, () => document.querySelector('#rule-0-available')?.textContent.includes('rút được 3 câu hỏi'));
  assert.equal(await page.locator('#rule-0-available').getAttribute('aria-live'), 'polite');

  // Rule 2, added in the page: nine of any kind, when four are left.
  await page.locator('#add-rule').click();
  await page.locator('#rule-1-bank').waitFor();
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'rule-1-bank', 'the new rule takes the focus');
  assert.equal(await textOf(page, '#rule-1 legend'), 'Quy tắc 2');
  assert.equal(await page.locator('#rule-1-count').inputValue(), '');
  await page.locator('#rule-1-bank').selectOption(BANK_SLUG);
  await page.locator('#rule-1-count').fill('9');
  await until(page, () => document.querySelector('#rule-1-available')?.textContent.includes('rút được 4 câu hỏi'));
  assert.match(await textOf(page, '#rule-1-available'), /Không đủ cho 9 câu/);
  await until(page, () => document.querySelector('#rules-status')?.textContent.length > 0);
  await assertAxeClean(page, 'the builder with two rules and their counts');

  // A rule added and removed again leaves two.
  await page.locator('#add-rule').click();
  await page.locator('#rule-2 button.remove-rule').click();
  assert.equal(await page.locator('li.rule').count(), 2);
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'add-rule');

  await follow(page, page.locator('#save'), /\/organize\/quizzes\/[^/?]+\?created=1$/);
  const quizId = new URL(page.url()).pathname.split('/').pop();
  await page.locator('#notice').waitFor();
  assert.equal(await page.locator('#rule-1-count').inputValue(), '9', 'what was typed is saved');
  assert.match(await textOf(page, '#rule-1-available'), /rút được 4 câu hỏi/);
  await assertAxeClean(page, 'the saved draft');

  // Publishing is refused beside the second rule; the quiz stays a draft.
  await follow(page, page.locator('#publish-link'), /\/publish$/);
  await page.locator('#publish-warning').waitFor();
  await assertAxeClean(page, 'the publication confirmation');
  await Promise.all([
    page.waitForResponse((response) => response.request().method() === 'POST' && response.request().isNavigationRequest()),
    page.locator('#confirm').click(),
  ]);
  await page.waitForLoadState('load');
  const refusal = await textOf(page, '#rule-1-count-error');
  assert.equal(refusal, 'Quy tắc này yêu cầu 9 câu nhưng ngân hàng chỉ có 4 câu phù hợp (sau khi trừ các quy tắc phía trên).');
  assert.equal(await page.locator('#rule-1-count').getAttribute('aria-invalid'), 'true');
  assert.equal(await page.locator('#rule-0-count-error').count(), 0);
  assert.match(await textOf(page, '#form-errors'), /Quy tắc 2:/);
  await assertAxeClean(page, 'the refused publication');
  const draft = await api('GET', `/api/v1/quizzes/${quizId}`, { token: org.access, expect: 200 });
  assert.equal(draft.body.status, 'draft');

  // Fixed and saved, it publishes.
  await page.locator('#rule-1-count').fill('4');
  await until(page, () => !document.querySelector('#rule-1-available')?.textContent.includes('Không đủ'));
  await follow(page, page.locator('#save'), /\?saved=1$/);
  await follow(page, page.locator('#publish-link'), /\/publish$/);
  assert.equal(await page.locator('#publish-warning').count(), 0);
  await follow(page, page.locator('#confirm'), /\?published=1$/);
  assert.equal(await page.locator('#quiz-status').getAttribute('data-status'), 'published');
  await page.locator('#locked-reason').waitFor();
  assert.equal(await page.locator('#time_limit').count(), 0, 'the time limit is locked');
  await assertAxeClean(page, 'the published quiz');
  const published = await api('GET', `/api/v1/quizzes/${quizId}`, { token: org.access, expect: 200 });
  assert.equal(published.body.status, 'published');
  assert.equal(published.body.question_count, 5);
  assert.equal(published.body.time_limit_s, 600);

  await page.goto(`/organize/quizzes/${quizId}/allowances`);
  await assertAxeClean(page, 'the allowances');

  // The board: frozen, then published, each confirmed; the hash is the API's.
  await page.goto('/organize/quizzes');
  await follow(page, page.locator(`#quiz-${quizId} a[href$="/board"]`), /\/board$/);
  assert.equal(await page.locator('#board-state').getAttribute('data-state'), 'live');
  await assertAxeClean(page, 'the board control');
  await follow(page, page.locator('a[data-to=frozen]'), /\/board\/state\?to=frozen$/);
  await assertAxeClean(page, 'the freeze confirmation');
  await follow(page, page.locator('#confirm'), /\/board\?changed=1/);
  assert.equal(await page.locator('#board-state').getAttribute('data-state'), 'frozen');
  assert.match(await textOf(page, '#frozen-at'), /\d{2}\/\d{2}\/\d{4} \d{2}:\d{2} \(UTC\+07:00\)/);
  await follow(page, page.locator('a[data-to=published]'), /\/board\/state\?to=published$/);
  await assertAxeClean(page, 'the publication of the board');
  await follow(page, page.locator('#confirm'), /\/board\?changed=1/);
  assert.equal(await page.locator('#board-state').getAttribute('data-state'), 'published');
  const snapshot = await api('GET', `/api/v1/quizzes/${quizId}/leaderboard/published`, { expect: 200 });
  assert.equal(await textOf(page, '#sha256'), snapshot.body.sha256);
  assert.equal(await page.locator('#published-link').getAttribute('href'), `/api/v1/quizzes/${quizId}/leaderboard/published`);
  assert.equal(await page.locator('a[data-to]').count(), 0, 'a published board is final');
  await assertAxeClean(page, 'the published board');

  assertNoPageErrors(assert, context);
  await context.close();
});
