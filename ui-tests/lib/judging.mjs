// Seeding for the judges' pages over the JSON API: an organizer's contest with a weighted
// rubric, residents' entries with a recording (one-shot upload of the WAV fixture), submitted
// and approved, and a judge added to the contest so the entries are assigned to her.

import { readFile } from 'node:fs/promises';
import path from 'node:path';

import { REPO_ROOT, MINUTE, api, login, organizer, registerUser, setRole, unique } from './seed.mjs';

/** The rubric of every seeded contest: content counts three times as much as delivery. */
export const CRITERIA = [
  { key: 'content', title: 'Nội dung', weight: 3, max_points: 10 },
  { key: 'voice', title: 'Trình bày', weight: 1, max_points: 5 },
];

/** The server's percentage for `points` (`judging::check_scores`), for the tests' own checks. */
export function weightedPercent(points) {
  let weighted = 0;
  let weights = 0;
  for (const c of CRITERIA) {
    weighted += (c.weight * points[c.key]) / c.max_points;
    weights += c.weight;
  }
  return (weighted / weights) * 100;
}

const at = (ms) => new Date(ms).toISOString();

let wav;
async function recording() {
  wav ??= await readFile(path.join(REPO_ROOT, 'tests/fixtures/media/wav_pcm16.wav'));
  return wav;
}

/** An approved entry by a fresh resident, uploaded under a file name that names her. */
export async function approvedEntry(org, contestId) {
  const resident = await registerUser({ prefix: 'dt', displayName: `Người dự thi ${unique()}`, birthYear: 1990 });
  const created = await api('POST', `/api/v1/contests/${contestId}/entries`, {
    token: resident.access,
    body: { title: `Bài dự thi ${unique()}`, description: 'Một phút về mật khẩu mạnh.', consent: { entrant: true } },
    expect: 201,
  });
  const entryId = created.body.id;
  const fileName = `${resident.username}-ghi-am.wav`;
  const response = await fetch(
    `${process.env.BASE_URL ?? 'http://127.0.0.1:8080'}/api/v1/entries/${entryId}/media?filename=${encodeURIComponent(fileName)}`,
    {
      method: 'PUT',
      headers: { authorization: `Bearer ${resident.access}`, 'content-type': 'application/octet-stream' },
      body: await recording(),
    },
  );
  if (response.status !== 201) throw new Error(`upload: ${response.status} ${await response.text()}`);
  await api('POST', `/api/v1/entries/${entryId}/submit`, { token: resident.access, body: {}, expect: 200 });
  await api('POST', `/api/v1/entries/${entryId}/moderation`, {
    token: org.access,
    body: { decision: 'approve', reason: '' },
    expect: 200,
  });
  return { id: entryId, resident, fileName };
}

/**
 * A contest open for an hour with `count` approved entries and one judge who gets them all.
 * Returns `{organizer, contest, entries, judge}`; entries in the order they were approved.
 */
export async function judgingScenario({ count = 2 } = {}) {
  const org = await organizer();
  const now = Date.now();
  const contest = await api('POST', '/api/v1/contests', {
    token: org.access,
    body: {
      title: `Công dân số ${unique()}`,
      rules: 'Ghi âm 1 phút về an toàn trên mạng.',
      opens_at: at(now - MINUTE),
      closes_at: at(now + 60 * MINUTE),
      media: ['audio', 'video'],
      max_bytes: 10_000_000,
      max_duration_s: 60,
      max_entries_per_user: 1,
      criteria: CRITERIA,
      judges_per_entry: 1,
      voters: 'any_account',
      voting: { enabled: false },
    },
    expect: 201,
  });
  const contestId = contest.body.id;
  const entries = [];
  for (let i = 0; i < count; i += 1) entries.push(await approvedEntry(org, contestId));
  const registered = await registerUser({ prefix: 'gk', displayName: `Giám khảo ${unique()}` });
  await setRole(registered.id, 'judge');
  const judge = await login(registered.username, registered.password);
  await api('POST', `/api/v1/contests/${contestId}/judges`, {
    token: org.access,
    body: { user_id: judge.id },
    expect: 201,
  });
  return { organizer: org, contest: { id: contestId, title: contest.body.title }, entries, judge };
}

/** The judge's own scores of `entryId` from the API's queue (null while unscored). */
export async function scoresOf(judge, entryId) {
  const queue = await api('GET', '/api/v1/judging/queue', { token: judge.access, expect: 200 });
  const item = queue.body.items.find((i) => i.entry_id === entryId);
  if (!item) throw new Error(`${entryId} is not in the judge's queue`);
  return item.scores ?? null;
}
