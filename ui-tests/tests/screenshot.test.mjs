// The attempt page on a 360×740 phone: fits the width, and its picture is kept for the docs at
// docs/screenshots/attempt-phone.png.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, stat } from 'node:fs/promises';
import path from 'node:path';

import { launch, phoneContext, assertNoPageErrors, signIn, PHONE } from '../lib/browser.mjs';
import { answer, listQuestions, showQuestion, waitSaved } from '../lib/attempt.mjs';
import { REPO_ROOT, registerUser, rightAnswer, scenario } from '../lib/seed.mjs';

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

test('the attempt page fits a phone and is photographed for the docs', { timeout: 90_000 }, async () => {
  const { quiz } = await scenario({ quiz: { title: 'Tuần lễ học tập suốt đời: Kỹ năng số cơ bản' } });
  const student = await registerUser({ displayName: 'Phạm Minh Châu' });
  const context = await phoneContext(browser);
  const page = await context.newPage();
  await signIn(page, student);
  await page.goto(`/quizzes/${quiz.id}`);
  await Promise.all([page.waitForURL(/\/attempts\/[^/]+$/, { timeout: 30_000 }), page.locator('#start').click()]);

  const questions = await listQuestions(page);
  const single = questions.findIndex((q) => q.kind === 'single');
  await showQuestion(page, single);
  await answer(page, questions[single].id, 'single', rightAnswer(questions[single].id));
  await waitSaved(page);

  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= PHONE.width, `no sideways scrolling on a ${PHONE.width} px phone (content is ${width} px wide)`);
  await page.evaluate(async () => {
    await document.fonts.ready;
    window.scrollTo(0, 0);
    document.activeElement?.blur();
  });

  const dir = path.join(REPO_ROOT, 'docs', 'screenshots');
  await mkdir(dir, { recursive: true });
  const file = path.join(dir, 'attempt-phone.png');
  await page.screenshot({ path: file, animations: 'disabled', caret: 'hide' });
  assert.ok((await stat(file)).size > 5_000, 'a real picture was written');

  assertNoPageErrors(assert, context);
  await context.close();
});
