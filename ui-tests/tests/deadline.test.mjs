// A short attempt whose deadline passes while the page is open: it ends by itself and shows the
// result the server graded from what was saved.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';

import { launch, phoneContext, assertNoPageErrors, attemptIdOf, signIn } from '../lib/browser.mjs';
import { answer, listQuestions, showQuestion, waitSaved } from '../lib/attempt.mjs';
import { POINTS, getAttempt, localId, registerUser, rightAnswer, scenario } from '../lib/seed.mjs';
import { numbersIn, textOf } from '../lib/text.mjs';

const LIMIT_S = 20;
const GRACE_S = 5;

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

test('an attempt left open past its deadline ends by itself and shows the server’s result', { timeout: 120_000 }, async () => {
  const { quiz } = await scenario({ quiz: { time_limit_s: LIMIT_S } });
  const student = await registerUser();
  const context = await phoneContext(browser);
  const page = await context.newPage();
  await signIn(page, student);

  await page.goto(`/quizzes/${quiz.id}`);
  await Promise.all([page.waitForURL(/\/attempts\/[^/]+$/, { timeout: 30_000 }), page.locator('#start').click()]);
  const attemptId = attemptIdOf(page);
  const view = await getAttempt(student, attemptId);
  const deadline = Date.parse(view.deadline_at);
  assert.ok(deadline - Date.parse(view.started_at) <= LIMIT_S * 1000, 'the deadline is start + limit');

  // The countdown is a timer and it ticks.
  const countdown = page.locator('#countdown');
  assert.equal(await countdown.getAttribute('role'), 'timer');
  const first = await textOf(countdown);
  assert.match(first, /\d/, `the countdown shows the time left: "${first}"`);
  await page.waitForFunction((before) => document.querySelector('#countdown').textContent.trim() !== before, first, { timeout: 5_000 });

  // Answer the two one-point questions right, then leave the page alone.
  const questions = await listQuestions(page);
  const answered = questions.filter((q) => ['single', 'true_false'].includes(q.kind));
  for (const q of answered) {
    await showQuestion(page, questions.indexOf(q));
    await answer(page, q.id, q.kind, rightAnswer(q.id));
  }
  await waitSaved(page);
  assert.equal(new URL(page.url()).pathname, `/attempts/${attemptId}`, 'still on the attempt before the deadline');

  await page.waitForURL(new RegExp(`/attempts/${attemptId}/result`), {
    timeout: Math.max(0, deadline - Date.now()) + (GRACE_S + 20) * 1000,
  });
  assert.ok(Date.now() >= deadline - 1000, 'the page did not end the attempt before its deadline');

  const expected = answered.reduce((sum, q) => sum + POINTS[localId(q.id)], 0);
  const finished = await getAttempt(student, attemptId);
  assert.ok(['submitted', 'expired'].includes(finished.status), `the attempt is closed: ${finished.status}`);
  assert.equal(finished.result?.score, expected, 'graded on the saved answers');
  assert.equal(numbersIn(await textOf(page.locator('#score')))[0], expected, 'the page shows the server’s score');
  assert.equal(numbersIn(await textOf(page.locator('#correct-count')))[0], answered.length);

  assertNoPageErrors(assert, context);
  await context.close();
});
