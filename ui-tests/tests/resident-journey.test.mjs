// A resident's contest journey in Chromium on a phone-sized screen: record in the page with a
// fake microphone, upload with tus (and resume after the network drops), submit; a file picked
// through the input; refusals in the page's language (too long, a minor without her guardian's
// consent); approval by the organizer; the gallery's player seeking with ranges; a vote counted
// once; axe-core on every page.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';

import { launch, phoneContext, assertNoPageErrors, axeViolations, signIn, until } from '../lib/browser.mjs';
import { REPO_ROOT, api, organizer } from '../lib/seed.mjs';
import { approve, createContest, resident, toneWav } from '../lib/contests.mjs';
import { textOf } from '../lib/text.mjs';

let browser;
let org;
before(async () => {
  const microphone = await toneWav(8);
  browser = await launch({ fakeAudio: microphone.path });
  org = await organizer();
});
after(async () => {
  await browser?.close();
});

async function signedIn(user, lang) {
  const context = await phoneContext(browser);
  const page = await context.newPage();
  await signIn(page, user, { lang });
  return { context, page };
}

/** Fills the entry form on the page and lands on the new entry's page; returns its id. */
async function enterContest(page, contest, title) {
  await page.goto(`/contests/${contest.id}`);
  await Promise.all([page.waitForURL(/\/contests\/[^/]+\/enter$/), page.locator('#enter').click()]);
  await page.locator('#title').fill(title);
  await page.locator('#description').fill('Một phút về mật khẩu mạnh.');
  await page.locator('#consent_entrant').check();
  await Promise.all([page.waitForURL(/\/entries\/[^/]+$/), page.locator('#create-entry').click()]);
  return decodeURIComponent(new URL(page.url()).pathname.split('/').pop());
}

/** Waits for the upload to finish (the page reloads with the submit button). */
async function uploaded(page) {
  await page.locator('#submit-entry').waitFor({ timeout: 60_000 });
}

async function submit(page) {
  await Promise.all([page.waitForURL(/\/me\/entries/), page.locator('#submit-entry').click()]);
}

async function noViolations(page, what) {
  const violations = await axeViolations(page);
  assert.deepEqual(violations, [], `axe on ${what} (${page.url()}):\n${JSON.stringify(violations, null, 2)}`);
}

test('resident: a resident records 5 s in the page, uploads it, submits; it is approved, plays, seeks and gets one vote, live on the author’s gallery', { timeout: 240_000 }, async () => {
  const contest = await createContest(org);
  const author = await resident();
  const { context, page } = await signedIn(author);
  await page.goto('/contests');
  await noViolations(page, 'the contests list');
  await page.goto(`/contests/${contest.id}`);
  await noViolations(page, 'the contest');
  const entryId = await enterContest(page, contest, 'Ghi âm trong trang');
  await noViolations(page, 'the entry page');

  await page.locator('#rec-start').click();
  await until(page, () => document.getElementById('rec-elapsed').textContent === '0:05', null, 20_000);
  await page.locator('#rec-stop').click();
  await page.locator('#rec-preview').waitFor({ state: 'visible' });
  const recorded = await page.evaluate(() => new Promise((resolve) => {
    const preview = document.getElementById('rec-preview');
    if (preview.readyState >= 1) resolve(preview.duration);
    preview.addEventListener('loadedmetadata', () => resolve(preview.duration), { once: true });
    setTimeout(() => resolve(null), 5000);
  }));
  assert.ok(recorded === null || recorded === Infinity || recorded > 3, `a preview of about 5 s: ${recorded}`);
  assert.ok(!(await page.locator('#rec-start').isVisible()) && !(await page.locator('#rec-stop').isVisible()), 'only "record again" and "upload" are offered');
  await noViolations(page, 'the entry page with a recording to upload');
  await page.locator('#rec-use').click();
  await uploaded(page);
  const view = (await api('GET', `/api/v1/entries/${entryId}`, { token: author.access, expect: 200 })).body;
  assert.ok(view.media, 'the recording is the entry\'s');
  assert.ok(view.media.duration_ms >= 4000 && view.media.duration_ms <= 7000, `about 5 s: ${view.media.duration_ms} ms`);
  await submit(page);
  assert.match(await textOf(page.locator(`#entry-${entryId}`)), /Đã nộp/);
  await noViolations(page, 'my entries');

  await approve(org, entryId);
  await page.reload();
  assert.match(await textOf(page.locator(`#entry-${entryId} .timeline`)), /Đã được duyệt/);

  // Another resident plays, seeks and votes.
  const voter = await resident();
  const other = await signedIn(voter);
  const ranges = [];
  other.page.on('response', (response) => {
    if (response.url().includes(`/entries/${entryId}/media/`)) ranges.push(response.status());
  });
  await other.page.goto(`/contests/${contest.id}/gallery`);
  const card = other.page.locator(`#entry-${entryId}`);
  await card.waitFor();
  assert.match(await textOf(card), /Ghi âm trong trang/);
  await noViolations(other.page, 'the gallery');
  const seeked = await other.page.evaluate(async (id) => {
    const media = document.querySelector(`#entry-${id} audio, #entry-${id} video`);
    media.preload = 'auto';
    media.load();
    await new Promise((resolve, reject) => {
      media.addEventListener('loadedmetadata', resolve, { once: true });
      media.addEventListener('error', () => reject(new Error(`media error ${media.error?.code}`)), { once: true });
    });
    await media.play().catch(() => {});
    const done = new Promise((resolve) => media.addEventListener('seeked', resolve, { once: true }));
    media.currentTime = 3;
    await done;
    media.pause();
    return media.currentTime;
  }, entryId);
  assert.ok(seeked >= 2.5, `seeked to 3 s: ${seeked}`);
  assert.ok(ranges.includes(206), `a Range request answered 206: ${ranges}`);

  const count = card.locator('[data-count]');
  assert.equal(await textOf(count), '0');
  // The author watches her gallery meanwhile: the count moves there without a reload.
  await page.goto(`/contests/${contest.id}/gallery?lang=en`);
  assert.equal(await textOf(page.locator(`#entry-${entryId} [data-count]`)), '0');
  const button = card.locator('form.vote-form button');
  await button.click();
  await until(other.page, (id) => document.querySelector(`#entry-${id} [data-count]`).textContent === '1', entryId);
  assert.equal(await button.getAttribute('aria-pressed'), 'true');
  // Reloaded, the vote is still hers, once: the button now takes it back.
  await other.page.reload();
  assert.equal(await textOf(card.locator('[data-count]')), '1');
  assert.equal(await card.locator('form.vote-form').getAttribute('action'), `/entries/${entryId}/unvote`);
  const again = await api('POST', `/api/v1/entries/${entryId}/vote`, { token: voter.access, expect: 200 });
  assert.equal(again.body.votes, 1, 'a second vote counts nothing');
  await until(page, (id) => document.querySelector(`#entry-${id} [data-count]`).textContent === '1', entryId);
  // The author has no vote button on her own entry.
  assert.equal(await page.locator(`#entry-${entryId} form.vote-form`).count(), 0);
  assert.match(await textOf(page.locator(`#entry-${entryId}`)), /Your own entry/);
  await noViolations(page, 'the gallery (en, own entry)');
  assertNoPageErrors(assert, context);
  assertNoPageErrors(assert, other.context);
  await context.close();
  await other.context.close();
});

test('resident: a dropped connection mid-upload resumes where the server stopped, not from the start', { timeout: 240_000 }, async () => {
  const contest = await createContest(org);
  const author = await resident();
  const { context, page } = await signedIn(author, 'en');
  await enterContest(page, contest, 'Resumed upload');
  const file = await toneWav(20, { stereo: true });
  assert.ok(file.bytes > 3 * 1024 * 1024, `several parts: ${file.bytes} bytes`);

  let sent = 0;
  let patches = 0;
  let creations = 0;
  let heads = 0;
  let cut = false;
  await page.route('**/api/v1/uploads/**', async (route) => {
    const request = route.request();
    if (request.method() === 'HEAD') heads += 1;
    if (request.method() !== 'PATCH') return route.continue();
    patches += 1;
    if (patches === 2) {
      // The network goes after the first part, for a few seconds.
      cut = true;
      setTimeout(() => { cut = false; }, 4000);
    }
    if (cut) return route.abort('internetdisconnected');
    sent += request.postDataBuffer()?.length ?? 0;
    return route.continue();
  });
  page.on('request', (request) => {
    if (request.method() === 'POST' && /\/api\/v1\/entries\/[^/]+\/uploads$/.test(request.url())) creations += 1;
  });
  await page.locator('#file-pick').setInputFiles(file.path);
  await until(page, () => /connection|Trying again/i.test(document.getElementById('up-status').textContent), null, 20_000);
  await uploaded(page);
  assert.equal(creations, 1, 'one upload, resumed, not a new one');
  assert.ok(heads >= 1, 'the client asked the server how much it had');
  assert.ok(sent >= file.bytes && sent < 2 * file.bytes, `bytes that reached the server: ${sent} for a file of ${file.bytes}`);
  await submit(page);
  assertNoPageErrors(assert, context);
  await context.close();
});

test('resident: a file picked through the input (MP4/AAC, as Safari records) is accepted', { timeout: 120_000 }, async () => {
  const contest = await createContest(org);
  const author = await resident();
  const { context, page } = await signedIn(author);
  const entryId = await enterContest(page, contest, 'Tệp M4A');
  await page.locator('#file-pick').setInputFiles(path.join(REPO_ROOT, 'tests/fixtures/media/m4a_aac.m4a'));
  await uploaded(page);
  const view = (await api('GET', `/api/v1/entries/${entryId}`, { token: author.access, expect: 200 })).body;
  assert.equal(view.media.content_type, 'audio/mp4');
  assert.equal(await page.locator('#current-media').count(), 1);
  await noViolations(page, 'the entry page with its recording');
  assertNoPageErrors(assert, context);
  await context.close();
});

test('resident: a 40 s recording on a contest of 30 s at most is refused with the message', { timeout: 120_000 }, async () => {
  const contest = await createContest(org, { max_duration_s: 30 });
  const author = await resident();
  const { context, page } = await signedIn(author);
  await enterContest(page, contest, 'Quá dài');
  const file = await toneWav(40);
  await page.locator('#file-pick').setInputFiles(file.path);
  await until(page, () => document.getElementById('recording').dataset.refused, null, 60_000);
  const expected = await textOf(page.locator('#messages li[data-key="error-media_too_long"]'));
  assert.equal(await textOf(page.locator('#up-status')), expected);
  assert.match(expected, /dài hơn thời lượng/);
  assert.equal(await page.locator('#submit-entry').count(), 0, 'nothing to submit');
  await noViolations(page, 'the entry page, refused');
  assertNoPageErrors(assert, context);
  await context.close();
});

for (const lang of ['vi', 'en']) {
  test(`resident: a minor without her guardian's consent is stopped with the message (${lang})`, { timeout: 120_000 }, async () => {
    const contest = await createContest(org);
    const minor = await resident({ birthYear: new Date().getFullYear() - 12 });
    const { context, page } = await signedIn(minor, lang === 'vi' ? undefined : lang);
    await page.goto(`/contests/${contest.id}/enter${lang === 'vi' ? '' : `?lang=${lang}`}`);
    await noViolations(page, 'the entry form');
    await page.locator('#title').fill('Bài của em');
    await page.locator('#consent_entrant').check();
    await page.locator('#create-entry').click();
    await page.locator('#form-errors').waitFor();
    const message = await textOf(page.locator('#guardian-consent-error'));
    assert.match(message, lang === 'vi' ? /cha mẹ hoặc người giám hộ/ : /parent or guardian/);
    assert.equal(await page.locator('#consent_guardian, #guardian_consent').getAttribute('aria-invalid'), 'true');
    assert.equal(await page.locator('#title').inputValue(), 'Bài của em', 'what she typed is kept');
    await noViolations(page, 'the entry form, refused');
    const listed = await api('GET', `/api/v1/contests/${contest.id}/entries`, { token: org.access, expect: 200 });
    assert.equal(listed.body.total, 0, 'nothing was written');
    // With her guardian's name and consent she goes on.
    await page.locator('#guardian_name').fill('Nguyễn Thị Mẹ');
    await page.locator('#guardian_consent').check();
    await Promise.all([page.waitForURL(/\/entries\/[^/]+$/), page.locator('#create-entry').click()]);
    assertNoPageErrors(assert, context);
    await context.close();
  });
}

test('resident: entering, recording, uploading and submitting work with the keyboard alone', { timeout: 180_000 }, async () => {
  const contest = await createContest(org);
  const author = await resident();
  const { context, page } = await signedIn(author, 'en');
  await page.goto(`/contests/${contest.id}/enter?lang=en`);
  await page.locator('#title').focus();
  await page.keyboard.type('Bằng bàn phím');
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'description');
  await page.locator('#consent_entrant').focus();
  await page.keyboard.press('Space');
  assert.ok(await page.locator('#consent_entrant').isChecked());
  await page.locator('#create-entry').focus();
  await Promise.all([page.waitForURL(/\/entries\/[^/]+$/), page.keyboard.press('Enter')]);
  const focused = () => page.evaluate(() => document.activeElement?.id);
  await page.locator('#rec-start').focus();
  await page.keyboard.press('Enter');
  await until(page, () => document.activeElement?.id === 'rec-stop');
  await until(page, () => document.getElementById('rec-elapsed').textContent === '0:02', null, 10_000);
  await page.keyboard.press('Enter');
  // Focus goes to the next thing to do: upload what was recorded.
  await until(page, () => document.activeElement?.id === 'rec-use');
  assert.equal(await focused(), 'rec-use');
  await page.keyboard.press('Enter');
  await uploaded(page);
  await page.locator('#submit-entry').focus();
  await Promise.all([page.waitForURL(/\/me\/entries/), page.keyboard.press('Enter')]);
  assertNoPageErrors(assert, context);
  await context.close();
});

test('resident: an upload paused by the resident sends nothing until she resumes it', { timeout: 180_000 }, async () => {
  const contest = await createContest(org);
  const author = await resident();
  const { context, page } = await signedIn(author, 'en');
  await enterContest(page, contest, 'Paused upload');
  const file = await toneWav(20, { stereo: true });
  const patches = [];
  let creations = 0;
  // A slow link: each part takes a while, so there is time to pause.
  await page.route('**/api/v1/uploads/**', async (route) => {
    if (route.request().method() === 'PATCH') {
      patches.push(Date.now());
      await new Promise((resolve) => setTimeout(resolve, 700));
    }
    return route.continue().catch(() => {});
  });
  page.on('request', (request) => {
    if (request.method() === 'POST' && /\/uploads$/.test(request.url())) creations += 1;
  });
  await page.locator('#file-pick').setInputFiles(file.path);
  await until(page, () => Number(document.getElementById('up-progress').value) > 0, null, 30_000);
  await page.locator('#up-pause').click();
  const paused = await textOf(page.locator('#up-status'));
  assert.match(paused, /Paused/);
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'up-resume', 'focus on the way back');
  const before = patches.length;
  await page.waitForTimeout(2500);
  assert.equal(patches.length, before, 'nothing is sent while paused');
  const progress = await page.locator('#up-progress').evaluate((bar) => bar.value);
  assert.ok(progress > 0 && progress < 100, `part way: ${progress} %`);
  await page.locator('#up-resume').click();
  await uploaded(page);
  assert.equal(creations, 1, 'the same upload went on');
  assertNoPageErrors(assert, context);
  await context.close();
});
