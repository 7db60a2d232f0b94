// axe-core with the WCAG 2.0, 2.1 and 2.2 A/AA rules on every page a student meets, in
// Vietnamese (the default) and in English, on the phone viewport: no violations allowed.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';

import { launch, phoneContext, assertNoPageErrors, axeViolations, htmlLang, signIn, submitButton } from '../lib/browser.mjs';
import { answer, listQuestions, showQuestion, waitSaved } from '../lib/attempt.mjs';
import { registerUser, rightAnswer, scenario } from '../lib/seed.mjs';

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

for (const lang of ['vi', 'en']) {
  test(`every page passes axe-core (WCAG 2.2 A and AA) in ${lang}`, { timeout: 300_000 }, async (t) => {
    const withLang = (path) => (lang === 'vi' ? path : `${path}${path.includes('?') ? '&' : '?'}lang=${lang}`);
    const { quiz, units } = await scenario();
    // In a class, as most students are: the board then shows her unit's name too.
    const student = await registerUser({ orgUnitId: units.class.id });
    const context = await phoneContext(browser);
    const page = await context.newPage();

    /** Checks the page at `path` (or the current page when null) as its own subtest. */
    const check = (name, path) =>
      t.test(`${name} (${lang})`, async () => {
        if (path) await page.goto(withLang(path));
        assert.equal(await htmlLang(page), lang, `<html lang> of ${page.url()}`);
        const missing = await page.evaluate(() => document.documentElement.outerHTML.match(/⟦[^⟧]*⟧/g));
        assert.equal(missing, null, `messages missing from the ${lang} catalogue`);
        const violations = await axeViolations(page);
        assert.deepEqual(violations, [], `axe on ${page.url()}:\n${JSON.stringify(violations, null, 2)}`);
      });

    await check('home, signed out', '/');
    await check('sign in', '/login');
    await page.locator('#username').fill(student.username);
    await page.locator('#password').fill('not the right password at all');
    await submitButton(page.locator('#password')).click();
    await page.locator('[role=alert]').first().waitFor();
    await check('sign in, wrong password', null);
    await check('register', '/register');
    await page.locator('#username').fill(student.username); // taken
    await page.locator('#password').fill('một mật khẩu đủ dài');
    await page.locator('#display_name').fill('Ai đó');
    await submitButton(page.locator('#username')).click();
    await page.locator('[role=alert]').first().waitFor();
    await check('register, refused', null);

    await signIn(page, student, { lang: lang === 'vi' ? undefined : lang });
    await check('home, signed in', '/');
    await check('change password', '/account/password');
    await check('quiz intro', `/quizzes/${quiz.id}`);
    await Promise.all([page.waitForURL(/\/attempts\/[^/]+$/, { timeout: 30_000 }), page.locator('#start').click()]);
    const attemptPath = new URL(page.url()).pathname;
    const questions = await listQuestions(page);
    for (const [index, q] of questions.entries()) {
      await showQuestion(page, index);
      await check(`attempt, question ${index + 1} (${q.kind})`, null);
    }
    await showQuestion(page, 0);
    await answer(page, questions[0].id, questions[0].kind, rightAnswer(questions[0].id));
    await waitSaved(page);
    await check('attempt, after a save', null);
    await check('summary', `${attemptPath}/summary`);
    await Promise.all([page.waitForURL(/\/result/, { timeout: 30_000 }), page.locator('#submit-attempt').click()]);
    await check('result', null);
    await check('board', `/quizzes/${quiz.id}/board`);

    assertNoPageErrors(assert, context);
    await context.close();
  });
}
