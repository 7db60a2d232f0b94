// An organizer moderates with the keyboard alone: she approves one entry, is refused a
// rejection without a reason (beside the field, nothing written), then rejects with one; the
// rejected entrant reads the reason on /me/entries. axe-core (WCAG 2.2 A/AA) at 360×740 on the
// organizers' pages: the contests, the queue (with a refusal), the contest's page and the
// confirmation of a state change, in Vietnamese and English.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';

import { launch, phoneContext, assertNoPageErrors, axeViolations, htmlLang, signIn } from '../lib/browser.mjs';
import { decisionOf, moderationScenario, tabTo } from '../lib/organize.mjs';

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
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= 360, `no sideways scrolling at 360 px on ${what} (${width})`);
}

/** Presses Enter on the focused button and waits for the page a refused POST answers with. */
async function pressAndLoad(page) {
  await Promise.all([
    page.waitForResponse((response) => response.request().method() === 'POST' && response.request().isNavigationRequest()),
    page.keyboard.press('Enter'),
  ]);
  await page.waitForLoadState('load');
}

test('an organizer approves and rejects entries with the keyboard alone', { timeout: 180_000 }, async () => {
  const { organizer, contest, entries } = await moderationScenario({ count: 2 });
  const [kept, refused] = entries;
  const context = await phoneContext(browser, { isMobile: false, hasTouch: false });
  const page = await context.newPage();

  await page.goto('/login');
  await tabTo(page, '#username');
  await page.keyboard.type(organizer.username);
  await tabTo(page, '#password');
  await page.keyboard.type(organizer.password);
  await Promise.all([page.waitForURL((url) => !url.pathname.startsWith('/login'), { timeout: 30_000 }), page.keyboard.press('Enter')]);

  await page.goto('/organize/contests');
  assert.equal(await htmlLang(page), 'vi');
  await assertAxeClean(page, 'the contests');
  const queuePath = `/organize/contests/${contest.id}/moderation`;
  await tabTo(page, `#contest-${contest.id} a[href="${queuePath}"]`);
  await Promise.all([page.waitForURL(new RegExp(`${queuePath}$`)), page.keyboard.press('Enter')]);
  await assertAxeClean(page, 'the moderation queue');
  for (const entry of entries) {
    await page.locator(`#entry-${entry.id} audio source`).waitFor({ state: 'attached' });
    assert.match(await page.locator(`#entry-${entry.id} .entrant`).textContent(), /Cư dân/);
  }

  // Approve the first.
  await tabTo(page, `#entry-${kept.id} button[value=approve]`);
  await Promise.all([page.waitForURL(/decided=approve/), page.keyboard.press('Enter')]);
  await page.locator('#decided').waitFor();
  assert.deepEqual(await decisionOf(organizer, kept.id), { status: 'approved', reason: '' });
  assert.equal(await page.locator(`#entry-${kept.id}`).count(), 0, 'a decided entry leaves the queue');

  // Reject the second without a reason: refused beside the field, nothing written.
  await tabTo(page, `#entry-${refused.id} button[value=reject]`);
  await pressAndLoad(page);
  const error = page.locator(`#reason-error-${refused.id}`);
  await error.waitFor();
  assert.equal(await error.textContent(), 'Hãy ghi lý do: cần có lý do để từ chối hoặc loại bài.');
  assert.equal(await page.locator(`#reason-${refused.id}`).getAttribute('aria-invalid'), 'true');
  await assertAxeClean(page, 'the queue with a refusal');
  assert.deepEqual(await decisionOf(organizer, refused.id), { status: 'submitted', reason: null });

  // Then with one.
  const reason = 'Bài ghi bị rè, bạn gửi lại bản rõ hơn nhé.';
  await tabTo(page, `#reason-${refused.id}`);
  await page.keyboard.type(reason);
  await tabTo(page, `#entry-${refused.id} button[value=reject]`);
  await Promise.all([page.waitForURL(/decided=reject/), page.keyboard.press('Enter')]);
  assert.deepEqual(await decisionOf(organizer, refused.id), { status: 'rejected', reason });
  await page.locator('#queue-empty').waitFor();
  await assertAxeClean(page, 'the empty queue');

  // The contest's page and a state change's confirmation, in both languages.
  for (const lang of ['vi', 'en']) {
    await page.goto(`/organize/contests/${contest.id}?lang=${lang}`);
    assert.equal(await htmlLang(page), lang);
    await assertAxeClean(page, `the contest's page (${lang})`);
    await page.goto(`/organize/contests/${contest.id}/results?to=frozen`);
    await assertAxeClean(page, `the confirmation (${lang})`);
    await page.goto('/organize/contests');
    await assertAxeClean(page, `the contests (${lang})`);
    await page.goto(queuePath);
    await assertAxeClean(page, `the queue (${lang})`);
  }
  assertNoPageErrors(assert, context);
  await context.close();

  // The rejected entrant reads why on her own page.
  const theirs = await phoneContext(browser);
  const entrantPage = await theirs.newPage();
  await signIn(entrantPage, refused.entrant);
  await entrantPage.goto('/me/entries');
  await entrantPage.locator(`#entry-${refused.id}`).waitFor();
  assert.match(await entrantPage.locator(`#entry-${refused.id}`).textContent(), new RegExp(reason));
  await theirs.close();
});
