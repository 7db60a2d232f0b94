// Journey 1 of the product brief on a phone: register, find the quiz, start, answer every kind,
// survive a reload and a dropped connection, submit, see score and rank.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';

import { launch, phoneContext, assertNoPageErrors, attemptIdOf, submitButton, htmlLang } from '../lib/browser.mjs';
import { answer, gridState, listQuestions, readAnswer, saveStatus, section, showQuestion, shownQuestion, waitPending, waitSaved } from '../lib/attempt.mjs';
import { KINDS, MAX_SCORE, PASSWORD, eventually, getAttempt, localId, login, rightAnswer, sameResponse, scenario, unique } from '../lib/seed.mjs';
import { numbersIn, textOf } from '../lib/text.mjs';

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

/** Polls the API until the server holds exactly these answers (local question id → response). */
async function serverHas(student, attemptId, questions, expected) {
  return eventually(
    async () => {
      const view = await getAttempt(student, attemptId);
      return questions.every((q) => {
        const want = expected[localId(q.id)];
        const got = view.answers?.[q.id];
        return want === undefined ? got === undefined || got === null : sameResponse(q.kind, got, want);
      }) && view;
    },
    { timeout: 20_000, message: `the server to hold ${JSON.stringify(expected)}` },
  );
}

test('a student registers, answers every kind across a reload and a dropped connection, submits and sees score and rank', { timeout: 240_000 }, async () => {
  const { quiz, units } = await scenario();
  const context = await phoneContext(browser);
  const page = await context.newPage();
  const suffix = unique();
  const student = { username: `hs.${suffix}`, password: PASSWORD, displayName: `Nguyễn Thị Mai ${suffix}` };

  // Register through the page.
  await page.goto('/register');
  assert.equal(await htmlLang(page), 'vi', 'Vietnamese by default');
  await page.locator('#username').fill(student.username);
  await page.locator('#password').fill(student.password);
  await page.locator('#display_name').fill(student.displayName);
  await page.locator('#org_unit_id').selectOption(units.class.id);
  await page.locator('#birth_year').fill('2011');
  await Promise.all([
    page.waitForURL((url) => !url.pathname.startsWith('/register'), { timeout: 30_000 }),
    submitButton(page.locator('#username')).click(),
  ]);
  const api = await login(student.username, student.password);
  assert.equal(api.user.display_name, student.displayName);
  assert.equal(api.user.org_unit_id, units.class.id, 'registered in the class chosen on the page');

  // Home lists the quiz; its intro starts it.
  await page.goto('/');
  const link = page.locator(`a[href="/quizzes/${quiz.id}"], a[href^="/quizzes/${quiz.id}?"]`).first();
  assert.match(await textOf(link), new RegExp(quiz.title.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')), 'the home page links the quiz by its title');
  await Promise.all([page.waitForURL(new RegExp(`/quizzes/${quiz.id}(\\?|$)`)), link.click()]);
  assert.match(await textOf(page.locator('h1')), new RegExp(quiz.title.split(' ').slice(-1)[0]), 'the intro names the quiz');
  await Promise.all([page.waitForURL(/\/attempts\/[^/]+$/, { timeout: 30_000 }), page.locator('#start').click()]);
  const attemptId = attemptIdOf(page);

  // Five questions, one of each kind, one shown at a time.
  await page.waitForFunction(() => document.querySelector('#attempt.ready'), null, { timeout: 15_000 });
  const questions = await listQuestions(page);
  assert.deepEqual(
    questions.map((q) => `${localId(q.id)}:${q.kind}`).sort(),
    Object.entries(KINDS).map(([id, kind]) => `${id}:${kind}`).sort(),
    'the attempt shows the five fixture questions with their kinds',
  );
  assert.equal(await shownQuestion(page), questions[0].id, 'the first question is shown first');
  const indexOf = (kind) => questions.findIndex((q) => q.kind === kind);
  const idOf = (kind) => questions[indexOf(kind)].id;

  // Next moves to the second question and puts focus on its heading.
  await page.locator('#next').click();
  await eventually(async () => (await shownQuestion(page)) === questions[1].id, { message: 'question 2 after #next' });
  assert.ok(
    await section(page, questions[1].id).locator('h2').evaluate((h) => document.activeElement === h),
    'focus moves to the heading of the question shown',
  );
  await page.locator('#prev').click();
  await eventually(async () => (await shownQuestion(page)) === questions[0].id, { message: 'question 1 after #prev' });

  // Online: single, multiple, true_false.
  const online = ['single', 'multiple', 'true_false'];
  for (const kind of online) {
    await showQuestion(page, indexOf(kind));
    await answer(page, idOf(kind), kind, rightAnswer(idOf(kind)));
  }
  await waitSaved(page);
  const afterOnline = Object.fromEntries(online.map((kind) => [localId(idOf(kind)), rightAnswer(idOf(kind))]));
  await serverHas(api, attemptId, questions, afterOnline);
  for (const kind of online) {
    assert.equal((await gridState(page, indexOf(kind))).answered, 'true', `the grid marks the ${kind} question answered`);
  }
  assert.equal((await gridState(page, indexOf('short_text'))).answered, 'false', 'the grid marks the short_text question unanswered');

  // Flag one question.
  await showQuestion(page, indexOf('ordering'));
  await section(page, idOf('ordering')).locator('button.flag').click();
  await eventually(async () => (await gridState(page, indexOf('ordering'))).flagged === 'true', { message: 'the grid to show the flag' });

  // Reload mid-attempt: every answer is still there.
  await page.reload();
  await page.waitForFunction(() => document.querySelector('#attempt.ready'));
  for (const kind of online) {
    assert.ok(sameResponse(kind, await readAnswer(page, idOf(kind), kind), rightAnswer(idOf(kind))), `the ${kind} answer survives a reload`);
  }
  assert.equal(await readAnswer(page, idOf('short_text'), 'short_text'), '', 'the unanswered short text stays empty');

  // Offline: two more answers wait, and the status says so.
  await context.setOffline(true);
  await showQuestion(page, indexOf('ordering'));
  await answer(page, idOf('ordering'), 'ordering', rightAnswer(idOf('ordering')));
  await showQuestion(page, indexOf('short_text'));
  await answer(page, idOf('short_text'), 'short_text', rightAnswer(idOf('short_text')));
  await waitPending(page, 2);
  const waiting = await saveStatus(page);
  assert.match(waiting.text, /2/, `the status counts the waiting answers: "${waiting.text}"`);
  assert.doesNotMatch(waiting.text, /đã lưu/i, `the status does not claim they are saved: "${waiting.text}"`);
  await serverHas(api, attemptId, questions, afterOnline); // the server really has not got them

  // Back online: they are sent by themselves.
  await context.setOffline(false);
  await waitSaved(page, 45_000);
  const all = Object.fromEntries(questions.map((q) => [localId(q.id), rightAnswer(q.id)]));
  await serverHas(api, attemptId, questions, all);

  // A second reload shows all five.
  await page.reload();
  for (const q of questions) {
    assert.ok(sameResponse(q.kind, await readAnswer(page, q.id, q.kind), rightAnswer(q.id)), `the ${q.kind} answer is shown after the reload`);
  }

  // Summary, submit, result.
  await Promise.all([page.waitForURL(new RegExp(`/attempts/${attemptId}/summary`)), page.locator('#to-summary').click()]);
  const summary = await textOf(page.locator('main'));
  assert.ok(numbersIn(summary).includes(5), `the summary counts five answered: "${summary}"`);
  await Promise.all([page.waitForURL(new RegExp(`/attempts/${attemptId}/result`), { timeout: 30_000 }), page.locator('#submit-attempt').click()]);

  const score = numbersIn(await textOf(page.locator('#score')));
  assert.equal(score[0], MAX_SCORE, `score ${score}`);
  assert.ok(score.includes(MAX_SCORE), 'the maximum is shown too');
  assert.equal(numbersIn(await textOf(page.locator('#correct-count')))[0], 5);
  assert.ok((await textOf(page.locator('#duration'))).length > 0, 'time taken is shown');
  assert.equal(numbersIn(await textOf(page.locator('#rank-quiz')))[0], 1, 'first (and only) on the live board');
  const me = await login(student.username, student.password);
  const finished = await getAttempt(me, attemptId);
  assert.equal(finished.status, 'submitted');
  assert.equal(finished.result?.score, MAX_SCORE);
  const scopes = await page.locator('[data-rank-scope]').evaluateAll((items) => items.map((li) => li.dataset.rankScope));
  assert.ok(scopes.includes(`org:${units.class.id}`), `a rank in the student's class: ${JSON.stringify(scopes)}`);
  assert.ok(scopes.includes(`org:${units.school.id}`), `a rank in the student's school: ${JSON.stringify(scopes)}`);
  assert.ok(scopes.includes(`org:${units.ward.id}`), `a rank in the student's ward: ${JSON.stringify(scopes)}`);
  for (const scope of scopes) {
    const text = await textOf(page.locator(`[data-rank-scope="${scope}"]`));
    assert.equal(numbersIn(text)[0], 1, `rank in ${scope}: "${text}"`);
  }

  assertNoPageErrors(assert, context);
  await context.close();
});
