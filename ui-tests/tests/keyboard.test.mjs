// A whole attempt with the keyboard alone (Tab, Shift+Tab, Space, Enter, arrows): no mouse, no
// touch, no programmatic clicks. Every control used must be reachable, operable and show focus.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';

import { launch, phoneContext, assertNoPageErrors, attemptIdOf } from '../lib/browser.mjs';
import { listQuestions, orderingOrder, readAnswer, shownQuestion, waitSaved } from '../lib/attempt.mjs';
import { MAX_SCORE, eventually, getAttempt, registerUser, rightAnswer, sameResponse, scenario } from '../lib/seed.mjs';
import { numbersIn, textOf } from '../lib/text.mjs';

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

const describeFocus = (page) =>
  page.evaluate(() => {
    const el = document.activeElement;
    if (!el || el === document.body) return 'body';
    return `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''}${el.name ? `[name=${el.name}]` : ''}${el.value !== undefined && el.type !== 'text' ? `[value=${el.value}]` : ''}${el.className ? `.${String(el.className).split(' ').join('.')}` : ''}`;
  });

/**
 * Presses Tab (or Shift+Tab when the target comes before the focus, as a sighted keyboard user
 * would) until the focused element matches `selector`; fails if it never does.
 */
async function tabTo(page, selector, { max = 80 } = {}) {
  const seen = [];
  const backwards = await page.evaluate((sel) => {
    const target = document.querySelector(sel);
    const active = document.activeElement;
    if (!target || !active || active === document.body) return false;
    return Boolean(active.compareDocumentPosition(target) & Node.DOCUMENT_POSITION_PRECEDING);
  }, selector);
  const key = backwards ? 'Shift+Tab' : 'Tab';
  for (let i = 0; i <= max; i += 1) {
    if (await page.evaluate((sel) => document.activeElement?.matches(sel), selector)) {
      await assertFocusVisible(page, selector);
      return;
    }
    seen.push(await describeFocus(page));
    await page.keyboard.press(key);
  }
  throw new Error(`${selector} never got focus with ${key}; visited: ${seen.join(' → ')}`);
}

/**
 * WCAG 2.4.7: the focused control (or the label or item around it) shows a focus indicator;
 * WCAG 2.4.11: it is not hidden behind sticky content such as the timer bar.
 */
async function assertFocusVisible(page, selector) {
  const { indicator, obscured } = await page.evaluate(() => {
    const el = document.activeElement;
    const candidates = [el, el.closest('label'), el.labels?.[0], el.closest('li')].filter(Boolean);
    const indicator = candidates.some((c) => {
      const style = getComputedStyle(c);
      const outline = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0;
      return outline || (style.boxShadow && style.boxShadow !== 'none');
    });
    const r = el.getBoundingClientRect();
    const points = [
      [r.left + r.width / 2, r.top + r.height / 2],
      [r.left + 2, r.top + 2],
      [r.right - 2, r.top + 2],
      [r.left + 2, r.bottom - 2],
      [r.right - 2, r.bottom - 2],
    ];
    const shown = points.some(([x, y]) => {
      if (x < 0 || y < 0 || x >= innerWidth || y >= innerHeight) return false;
      const hit = document.elementFromPoint(x, y);
      return hit && candidates.some((c) => c === hit || c.contains(hit) || hit.contains(c));
    });
    const cover = shown ? null : document.elementFromPoint(r.left + r.width / 2, Math.max(0, r.top + r.height / 2));
    return { indicator, obscured: shown ? null : `${cover?.tagName.toLowerCase()}${cover?.id ? `#${cover.id}` : ''}.${cover?.className}` };
  });
  if (!indicator) focusProblems.push(`${selector} shows no focus indicator`);
  if (obscured) focusProblems.push(`${selector} has focus but is hidden under ${obscured}`);
}

/** Focus problems are collected and reported together at the end, so one run shows them all. */
let focusProblems = [];

async function focusedHeadingOf(page) {
  return page.evaluate(() => {
    const el = document.activeElement;
    return el?.tagName === 'H2' ? el.closest('section.question')?.dataset.question ?? null : null;
  });
}

test('an attempt can be taken with the keyboard alone', { timeout: 180_000 }, async () => {
  focusProblems = [];
  // A fixed question order, so every run meets the same long questions in the same places.
  const { quiz } = await scenario({ quiz: { shuffle_questions: false } });
  const student = await registerUser();
  const context = await phoneContext(browser, { isMobile: false, hasTouch: false });
  const page = await context.newPage();

  // Sign in by keyboard.
  await page.goto('/login');
  await tabTo(page, '#username');
  await page.keyboard.type(student.username);
  await tabTo(page, '#password');
  await page.keyboard.type(student.password);
  await Promise.all([page.waitForURL((url) => !url.pathname.startsWith('/login'), { timeout: 30_000 }), page.keyboard.press('Enter')]);

  // Start from the intro by keyboard.
  await page.goto(`/quizzes/${quiz.id}`);
  await tabTo(page, '#start');
  await Promise.all([page.waitForURL(/\/attempts\/[^/]+$/, { timeout: 30_000 }), page.keyboard.press('Enter')]);
  const attemptId = attemptIdOf(page);
  const questions = await listQuestions(page);
  assert.equal(questions.length, 5);

  for (const [index, q] of questions.entries()) {
    assert.equal(await shownQuestion(page), q.id, `question ${index + 1} is the one shown`);
    const inSection = `section.question[data-question="${q.id}"]`;
    const key = rightAnswer(q.id);
    switch (q.kind) {
      case 'single':
      case 'true_false': {
        const target = String(key);
        await tabTo(page, `${inSection} input[type=radio]`);
        for (let i = 0; i < 10; i += 1) {
          const focused = await page.evaluate(() => document.activeElement.value);
          if (focused === target) break;
          await page.keyboard.press('ArrowDown');
        }
        if (!(await page.evaluate(() => document.activeElement.checked))) await page.keyboard.press('Space');
        break;
      }
      case 'multiple': {
        const values = await page.locator(`${inSection} input[type=checkbox]`).evaluateAll((boxes) => boxes.map((b) => b.value));
        for (const value of values) {
          await tabTo(page, `${inSection} input[type=checkbox][value="${value}"]`);
          if (key.includes(value)) await page.keyboard.press('Space');
        }
        break;
      }
      case 'ordering': {
        for (let place = 0; place < key.length; place += 1) {
          for (;;) {
            const order = await orderingOrder(page, q.id);
            const at = order.indexOf(key[place]);
            if (at <= place) break;
            const button = `${inSection} li[data-option="${key[place]}"] button.move-up`;
            if (!(await page.evaluate((sel) => document.activeElement?.matches(sel), button))) await tabTo(page, button);
            await page.keyboard.press('Enter');
            await eventually(async () => (await orderingOrder(page, q.id)).indexOf(key[place]) === at - 1, { message: `${key[place]} to move up` });
            assert.ok(
              await page.evaluate((id) => document.activeElement?.closest('li')?.dataset.option === id, key[place]),
              `focus stays on the item just moved (${key[place]}), now on ${await describeFocus(page)}`,
            );
          }
        }
        break;
      }
      case 'short_text':
        await tabTo(page, `${inSection} input[type=text]`);
        await page.keyboard.type('vne id');
        break;
      default:
        throw new Error(q.kind);
    }
    const shown = await readAnswer(page, q.id, q.kind);
    assert.ok(sameResponse(q.kind, shown, q.kind === 'short_text' ? 'vne id' : key), `${q.kind}: answered ${JSON.stringify(shown)}`);

    if (index < questions.length - 1) {
      await tabTo(page, '#next');
      // The student scrolled on to read the options, so this question's heading sits at the
      // top of the screen (under the timer bar) when she goes on.
      await page.evaluate((id) => {
        const heading = document.querySelector(`section.question[data-question="${id}"] h2`);
        window.scrollBy(0, heading.getBoundingClientRect().top - 10);
      }, q.id);
      await page.keyboard.press('Enter');
      await eventually(async () => (await shownQuestion(page)) === questions[index + 1].id, { message: `question ${index + 2} after Enter on #next` });
      assert.equal(await focusedHeadingOf(page), questions[index + 1].id, 'focus moves to the heading of the next question');
      await assertFocusVisible(page, `the heading of question ${index + 2}`);
    }
  }
  await waitSaved(page);

  await tabTo(page, '#to-summary');
  await Promise.all([page.waitForURL(new RegExp(`/attempts/${attemptId}/summary`)), page.keyboard.press('Enter')]);
  await tabTo(page, '#submit-attempt');
  await Promise.all([page.waitForURL(new RegExp(`/attempts/${attemptId}/result`), { timeout: 30_000 }), page.keyboard.press('Enter')]);

  const finished = await getAttempt(student, attemptId);
  assert.equal(finished.result?.score, MAX_SCORE, `every answer given by keyboard reached the server: ${JSON.stringify(finished.answers)}`);
  assert.equal(numbersIn(await textOf(page.locator('#score')))[0], MAX_SCORE, 'the result page shows the full score');

  assert.deepEqual(focusProblems, [], 'WCAG 2.4.7 / 2.4.11: focus is visible and not obscured');
  assertNoPageErrors(assert, context);
  await context.close();
});
