// Vietnamese by default; `?lang=en` switches to English, is remembered on the next pages, and
// `?lang=vi` switches back. Question texts follow the language too.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';

import { launch, phoneContext, assertNoPageErrors, htmlLang, signIn } from '../lib/browser.mjs';
import { listQuestions, section } from '../lib/attempt.mjs';
import { localId, registerUser, scenario } from '../lib/seed.mjs';
import { textOf } from '../lib/text.mjs';

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

const PROMPT = {
  vi: 'Một người gọi điện tự xưng là nhân viên ngân hàng',
  en: 'A caller says they work for your bank',
};

const pageWords = async (page) => `${await page.title()} | ${await textOf(page.locator('main'))}`;

test('Vietnamese by default, ?lang=en switches and is remembered, ?lang=vi switches back', { timeout: 90_000 }, async () => {
  const context = await phoneContext(browser);
  const page = await context.newPage();

  await page.goto('/login');
  assert.equal(await htmlLang(page), 'vi', 'vi with no choice made');
  const vi = await pageWords(page);

  await page.goto('/login?lang=en');
  assert.equal(await htmlLang(page), 'en');
  const en = await pageWords(page);
  assert.notEqual(en, vi, 'the English page has other words');
  assert.ok(!/[ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ]/i.test(await page.title()), `an English title: "${await page.title()}"`);

  for (const path of ['/', '/register', '/login']) {
    await page.goto(path);
    assert.equal(await htmlLang(page), 'en', `${path} remembers English`);
  }
  assert.equal(await pageWords(page), en, 'the remembered English page is the same as the asked-for one');

  await page.goto('/register?lang=vi');
  assert.equal(await htmlLang(page), 'vi');
  await page.goto('/login');
  assert.equal(await htmlLang(page), 'vi', 'Vietnamese is remembered too');
  assert.equal(await pageWords(page), vi);

  assertNoPageErrors(assert, context);
  await context.close();
});

test('Vietnamese for a browser asking for neither language, or for an unknown ?lang', { timeout: 30_000 }, async () => {
  const context = await phoneContext(browser, { locale: 'fr-FR' });
  const page = await context.newPage();
  await page.goto('/');
  assert.equal(await htmlLang(page), 'vi', 'Accept-Language: fr-FR gets Vietnamese');
  await page.goto('/login?lang=xx');
  assert.equal(await htmlLang(page), 'vi', '?lang=xx is ignored');
  await context.close();
});

test('a browser set to English gets English until the user picks Vietnamese', { timeout: 30_000 }, async () => {
  const context = await phoneContext(browser, { locale: 'en-US' });
  const page = await context.newPage();
  await page.goto('/');
  assert.equal(await htmlLang(page), 'en', 'Accept-Language: en-US');
  await page.goto('/?lang=vi');
  await page.goto('/login');
  assert.equal(await htmlLang(page), 'vi', 'the choice beats Accept-Language');
  await context.close();
});

test('question texts follow the language', { timeout: 90_000 }, async () => {
  const { quiz } = await scenario();
  const student = await registerUser();
  const context = await phoneContext(browser);
  const page = await context.newPage();
  await signIn(page, student);
  await page.goto(`/quizzes/${quiz.id}`);
  await Promise.all([page.waitForURL(/\/attempts\/[^/]+$/, { timeout: 30_000 }), page.locator('#start').click()]);
  const attemptPath = new URL(page.url()).pathname;
  const single = (await listQuestions(page)).find((q) => localId(q.id) === 'as-001');
  assert.ok(single, 'the single-choice fixture question is in the attempt');

  assert.match(await textOf(section(page, single.id)), new RegExp(PROMPT.vi));
  await page.goto(`${attemptPath}?lang=en`);
  assert.equal(await htmlLang(page), 'en');
  assert.match(await textOf(section(page, single.id)), new RegExp(PROMPT.en));
  await page.goto(`${attemptPath}?lang=vi`);
  assert.match(await textOf(section(page, single.id)), new RegExp(PROMPT.vi));

  assertNoPageErrors(assert, context);
  await context.close();
});
