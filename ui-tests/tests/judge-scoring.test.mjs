// A judge scores with the keyboard alone (Tab, typing, Enter; no mouse, no touch, no
// programmatic clicks): the queue, the live weighted total as she types, a refusal beside its
// field, "save and next" to the next entry, and the score stored (read back over the API).
// axe-core (WCAG 2.2 A/AA) on both pages at 360×740, in Vietnamese and English; nothing on
// them names an entrant.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';

import { launch, phoneContext, assertNoPageErrors, axeViolations, htmlLang } from '../lib/browser.mjs';
import { judgingScenario, scoresOf, weightedPercent } from '../lib/judging.mjs';

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

/** Tabs forward (or back, when the target comes first) until `selector` has focus, which must show. */
async function tabTo(page, selector, { max = 80 } = {}) {
  const backwards = await page.evaluate((sel) => {
    const target = document.querySelector(sel);
    const active = document.activeElement;
    if (!target || !active || active === document.body) return false;
    return Boolean(active.compareDocumentPosition(target) & Node.DOCUMENT_POSITION_PRECEDING);
  }, selector);
  const key = backwards ? 'Shift+Tab' : 'Tab';
  for (let i = 0; i <= max; i += 1) {
    if (await page.evaluate((sel) => document.activeElement?.matches(sel), selector)) {
      const shown = await page.evaluate(() => {
        const style = getComputedStyle(document.activeElement);
        return (style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0) || (style.boxShadow && style.boxShadow !== 'none');
      });
      assert.ok(shown, `${selector} shows where the focus is (WCAG 2.4.7)`);
      return;
    }
    await page.keyboard.press(key);
  }
  throw new Error(`${selector} never got focus with ${key}`);
}

async function assertAxeClean(page, what) {
  const missing = await page.evaluate(() => document.documentElement.outerHTML.match(/⟦[^⟧]*⟧/g));
  assert.equal(missing, null, `messages missing on ${what}`);
  const violations = await axeViolations(page);
  assert.deepEqual(violations, [], `axe on ${what} (${page.url()}):\n${JSON.stringify(violations, null, 2)}`);
}

/** Nothing on the page says who made an entry. */
async function assertBlind(page, entries, what) {
  const html = (await page.content()).toLowerCase();
  for (const { resident, fileName } of entries) {
    for (const identity of [resident.username, resident.displayName, fileName]) {
      assert.ok(!html.includes(identity.toLowerCase()), `${what} tells ${identity}`);
    }
  }
}

const liveTotal = (page) => page.locator('#live-total').textContent();

test('a judge scores with the keyboard alone and moves on to the next entry', { timeout: 180_000 }, async () => {
  const { entries, judge } = await judgingScenario({ count: 2 });
  const context = await phoneContext(browser, { isMobile: false, hasTouch: false });
  const page = await context.newPage();

  await page.goto('/login');
  await tabTo(page, '#username');
  await page.keyboard.type(judge.username);
  await tabTo(page, '#password');
  await page.keyboard.type(judge.password);
  await Promise.all([page.waitForURL((url) => !url.pathname.startsWith('/login'), { timeout: 30_000 }), page.keyboard.press('Enter')]);

  await page.goto('/judging');
  assert.equal(await htmlLang(page), 'vi');
  await assertBlind(page, entries, 'the queue');
  await assertAxeClean(page, 'the queue');
  const [first, second] = entries;
  await tabTo(page, `a[href="/judging/entries/${first.id}"]`);
  await Promise.all([page.waitForURL(new RegExp(`/judging/entries/${first.id}$`)), page.keyboard.press('Enter')]);
  await assertBlind(page, entries, 'the scoring page');
  await assertAxeClean(page, 'the scoring page');

  // The total follows her typing: 3 · 8/10 of 4 weights is 60 while delivery is still empty…
  await tabTo(page, '#score-content');
  await page.keyboard.type('8');
  await page.waitForFunction(() => document.getElementById('live-total').textContent.startsWith('60/100'));
  assert.match(await liveTotal(page), /^60\/100 \(còn 1 tiêu chí chưa chấm\)$/);
  // …and a point out of range is flagged before the server refuses it.
  await tabTo(page, '#score-voice');
  await page.keyboard.type('9');
  await page.waitForFunction(() => document.getElementById('live-total').textContent.startsWith('—'));

  // Enter sends the form (its first button, "save and next"); the server refuses 9 of 5
  // beside the field, and the page stays usable by keyboard and clean for axe.
  await Promise.all([page.waitForLoadState('load'), page.waitForURL(new RegExp(`/judging/entries/${first.id}$`)), page.keyboard.press('Enter')]);
  await page.locator('#error-voice').waitFor();
  assert.equal(await page.locator('#error-voice').textContent(), 'Điểm phải từ 0 đến 5.');
  assert.equal(await page.locator('#score-voice').getAttribute('aria-invalid'), 'true');
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'score-voice', 'focus is on the refused field');
  await assertAxeClean(page, 'the scoring page with a refusal');
  assert.equal(await scoresOf(judge, first.id), null, 'nothing was written');

  await tabTo(page, '#score-voice');
  await page.keyboard.press('Control+A');
  await page.keyboard.type('4');
  const expected = Number(weightedPercent({ content: 8, voice: 4 }).toFixed(3));
  await page.waitForFunction((want) => document.getElementById('live-total').textContent === want, `${expected}/100`);
  await tabTo(page, '#comment');
  await page.keyboard.type('Giọng rõ, nội dung đủ ý.');
  await tabTo(page, '#save-next');
  await Promise.all([page.waitForURL(new RegExp(`/judging/entries/${second.id}\\?saved=`)), page.keyboard.press('Enter')]);
  assert.match(await page.locator('#saved').textContent(), /^Đã lưu điểm bài [0-9A-F]{8}\.$/);

  assert.deepEqual(await scoresOf(judge, first.id), { content: 8, voice: 4 }, 'the scores typed are stored');
  assert.equal(await scoresOf(judge, second.id), null);

  // Both pages in English too, at the same 360 px.
  await page.goto(`/judging/entries/${first.id}?lang=en`);
  assert.equal(await htmlLang(page), 'en');
  assert.equal(await liveTotal(page), `${expected}/100`, 'the saved scores are shown again, with their total');
  await assertAxeClean(page, 'the scoring page (en)');
  await page.goto('/judging');
  await assertAxeClean(page, 'the queue (en)');
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= 360, `no sideways scrolling at 360 px (${width})`);

  assertNoPageErrors(assert, context);
  await context.close();
});
