// Seeding and keyboard helpers for the organizers' pages: a contest with entries submitted
// and awaiting moderation, read back over the JSON API.

import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';

import { BASE_URL, REPO_ROOT, api, organizer, unique } from './seed.mjs';
import { createContest, resident } from './contests.mjs';

let wav;
async function recording() {
  wav ??= await readFile(path.join(REPO_ROOT, 'tests/fixtures/media/wav_pcm16.wav'));
  return wav;
}

/** A submitted entry (with its recording) by a fresh adult resident. */
export async function submittedEntry(contestId) {
  const entrant = await resident();
  const title = `Bài dự thi ${unique()}`;
  const created = await api('POST', `/api/v1/contests/${contestId}/entries`, {
    token: entrant.access,
    body: { title, description: 'Một phút về mật khẩu mạnh.', consent: { entrant: true } },
    expect: 201,
  });
  const entryId = created.body.id;
  const response = await fetch(`${BASE_URL}/api/v1/entries/${entryId}/media?filename=ghi-am.wav`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${entrant.access}`, 'content-type': 'application/octet-stream' },
    body: await recording(),
  });
  if (response.status !== 201) throw new Error(`upload: ${response.status} ${await response.text()}`);
  await api('POST', `/api/v1/entries/${entryId}/submit`, { token: entrant.access, body: {}, expect: 200 });
  return { id: entryId, title, entrant };
}

/** An organizer, a contest and `count` entries awaiting her decision. */
export async function moderationScenario({ count = 2 } = {}) {
  const org = await organizer();
  const contest = await createContest(org);
  const entries = [];
  for (let i = 0; i < count; i += 1) entries.push(await submittedEntry(contest.id));
  return { organizer: org, contest, entries };
}

/** An entry's status and moderation reason as the API tells the organizer. */
export async function decisionOf(org, entryId) {
  const entry = await api('GET', `/api/v1/entries/${entryId}`, { token: org.access, expect: 200 });
  return { status: entry.body.status, reason: entry.body.moderation?.reason ?? null };
}

/** Tabs forward (or back, when the target comes first) until `selector` has focus, which must show. */
export async function tabTo(page, selector, { max = 120 } = {}) {
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
