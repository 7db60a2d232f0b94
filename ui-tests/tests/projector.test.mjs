// The projector on a hall's screen: the quiz board updates live as students submit, comes back
// by itself after the network drops, keeps still when motion is unwelcome, and passes axe-core.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';

import { launch, assertNoPageErrors, axeViolations, htmlLang } from '../lib/browser.mjs';
import { boardRows, connections, hallContext, waitForOrder } from '../lib/projector.mjs';
import { KINDS, api, registerUser, scenario, setBoardState, takeQuiz, unique } from '../lib/seed.mjs';
import { createContest } from '../lib/contests.mjs';

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

test('the quiz projector shows three students in order live, and catches up after a drop', { timeout: 180_000 }, async () => {
  const { quiz, units } = await scenario({ quiz: { max_attempts: 3 } });
  const context = await hallContext(browser);
  const page = await context.newPage();
  await page.goto(`/projector/quizzes/${quiz.id}`);
  assert.equal(await htmlLang(page), 'vi');
  await page.locator('#pj-empty').waitFor();
  await page.waitForFunction(() => Number(document.getElementById('projector').dataset.connections) >= 1);
  await page.evaluate(() => {
    window.__sameDocument = true;
  });

  const students = [];
  for (const [name, right] of [
    ['Nguyễn Thị Ba', ['as-001']], // 1 point
    ['Trần Văn Tám', Object.keys(KINDS)], // 8 points
    ['Lê Thu Bốn', ['as-004', 'as-001']], // 4 points
  ]) {
    const student = await registerUser({ displayName: `${name} ${unique()}`, orgUnitId: units.class.id });
    await takeQuiz(student, quiz.id, right);
    students.push(student);
  }
  const [one, eight, four] = students.map((s) => s.displayName);
  await waitForOrder(page, [eight, four, one]);
  assert.equal(await page.evaluate(() => window.__sameDocument), true, 'no reload');
  const rows = await boardRows(page);
  assert.equal(rows.length, 3, JSON.stringify(rows));
  assert.match(rows[0], /^1 \| /, `rank first: ${rows[0]}`);
  assert.ok(rows[0].includes(units.class.name), `the unit: ${rows[0]}`);
  assert.ok(!rows.some((r) => students.some((s) => r.includes(s.username))), 'never a username');
  assert.match(await page.locator('#pj-updated').textContent(), /\d\d:\d\d:\d\d/, 'the last update time');
  // The ward standings beside the board follow too.
  await page.waitForFunction(
    (ward) => [...document.querySelectorAll('table#pj-wards tbody tr')].some((r) => r.cells[1].textContent === ward && r.cells[2].textContent === '3'),
    units.ward.name,
    { timeout: 20_000, polling: 200 },
  );
  // The QR code is an inline SVG next to the join link as text.
  assert.equal(await page.locator('.pj-qr svg').count(), 1);
  assert.ok((await page.locator('.pj-link').textContent()).endsWith(`/quizzes/${quiz.id}`));

  // The network drops; a student submits meanwhile; the network comes back.
  const before = await connections(page);
  await context.setOffline(true);
  await page.locator('#pj-connection:not(:empty)').waitFor({ timeout: 20_000 });
  const late = await registerUser({ displayName: `Phạm Hai ${unique()}`, orgUnitId: units.class.id });
  await takeQuiz(late, quiz.id, ['as-002', 'as-004', 'as-001']); // 6 points
  await page.waitForTimeout(1500);
  assert.ok(!(await boardRows(page)).some((r) => r.includes(late.displayName)), 'nothing reaches the wall while offline');
  await context.setOffline(false);
  await waitForOrder(page, [eight, late.displayName, four, one], 30_000);
  assert.ok((await connections(page)) > before, 'a new stream was opened');
  assert.equal(await page.locator('#pj-connection').textContent(), '', 'no longer reconnecting');
  assert.equal(await page.evaluate(() => window.__sameDocument), true, 'caught up without a reload');

  assertNoPageErrors(assert, context);
  await context.close();
});

test('the projector runs no animation when motion is unwelcome', { timeout: 120_000 }, async () => {
  const { quiz } = await scenario();
  const moving = await hallContext(browser);
  const still = await hallContext(browser, { reducedMotion: 'reduce' });
  const pages = [await moving.newPage(), await still.newPage()];
  for (const page of pages) {
    await page.goto(`/projector/quizzes/${quiz.id}`);
    await page.waitForFunction(() => Number(document.getElementById('projector').dataset.connections) >= 1);
  }
  const student = await registerUser({ displayName: `Đỗ Minh ${unique()}` });
  await takeQuiz(student, quiz.id, ['as-001']);
  for (const page of pages) await waitForOrder(page, [student.displayName]);
  const [litMoving, litStill] = await Promise.all(pages.map((page) => page.locator('tr.pj-moved').count()));
  assert.equal(litMoving, 1, 'a new line is lit where motion is fine');
  assert.equal(litStill, 0, 'no line is lit with reduced motion');
  const running = await pages[1].evaluate(() => document.getAnimations().length);
  assert.equal(running, 0, 'no animation runs');
  assertNoPageErrors(assert, moving);
  assertNoPageErrors(assert, still);
  await moving.close();
  await still.close();
});

for (const lang of ['vi', 'en']) {
  test(`the projector pages pass axe-core (WCAG 2.2 A and AA) in ${lang}`, { timeout: 120_000 }, async () => {
    const { organizer, quiz, units } = await scenario();
    const student = await registerUser({ orgUnitId: units.class.id });
    await takeQuiz(student, quiz.id, ['as-001']);
    const context = await hallContext(browser);
    const page = await context.newPage();
    const check = async (what) => {
      assert.equal(await htmlLang(page), lang);
      const missing = await page.evaluate(() => document.documentElement.outerHTML.match(/⟦[^⟧]*⟧/g));
      assert.equal(missing, null, `messages missing (${what})`);
      const violations = await axeViolations(page);
      assert.deepEqual(violations, [], `axe on the ${what} projector:\n${JSON.stringify(violations, null, 2)}`);
    };
    await page.goto(`/projector/quizzes/${quiz.id}?lang=${lang}`);
    await page.waitForFunction(() => Number(document.getElementById('projector').dataset.connections) >= 1);
    await check('live');
    // A change of state reaches the wall by itself: the page reloads into its new look.
    await setBoardState(organizer, quiz.id, 'frozen');
    await page.locator('#pj-frozen').waitFor({ timeout: 20_000 });
    await page.waitForLoadState('load');
    await check('frozen');
    await setBoardState(organizer, quiz.id, 'published');
    await page.locator('#pj-podium').waitFor({ timeout: 20_000 });
    await page.waitForLoadState('load');
    await check('published');
    assertNoPageErrors(assert, context);
    await context.close();
  });
}

test('the contest and event projectors pass axe-core and fit the screen', { timeout: 120_000 }, async () => {
  const { organizer, quiz } = await scenario();
  const contest = await createContest(organizer);
  const event = await api('POST', '/api/v1/events', {
    token: organizer.access,
    body: { title: `Tuần lễ học tập suốt đời ${unique()}`, description: '', starts_at: '2022-10-01T00:00:00Z', ends_at: '2030-10-07T00:00:00Z' },
    expect: 201,
  });
  const student = await registerUser({ displayName: `Vũ Năm ${unique()}` });
  await takeQuiz(student, quiz.id, ['as-001']);
  const context = await hallContext(browser);
  const page = await context.newPage();
  for (const lang of ['vi', 'en']) {
    for (const path of [`/projector/contests/${contest.id}`, `/projector/events/${event.body.id}`, `/projector/quizzes/${quiz.id}?top=20`]) {
      await page.goto(`${path}${path.includes('?') ? '&' : '?'}lang=${lang}`);
      assert.equal(await htmlLang(page), lang);
      const violations = await axeViolations(page);
      assert.deepEqual(violations, [], `axe on ${path} (${lang}):\n${JSON.stringify(violations, null, 2)}`);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth);
      assert.equal(overflow, false, `${path} fits the width of the screen`);
    }
  }
  assertNoPageErrors(assert, context);
  await context.close();
});
