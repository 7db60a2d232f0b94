// Seeding for the residents' contest pages over the JSON API: contests open now, entrants with
// a birth year, moderation, and recordings made by ffmpeg in a temporary folder.

import { execFile } from 'node:child_process';
import { mkdtemp, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

import { MINUTE, api, registerUser, unique } from './seed.mjs';

const run = promisify(execFile);
const at = (ms) => new Date(ms).toISOString();

/** A contest open now for an hour, audio and video, voting open and counts live. */
export async function createContest(organizerSession, changes = {}) {
  const now = Date.now();
  const body = {
    title: `Giọng nói an toàn số ${unique()}`,
    rules: 'Ghi âm tối đa một phút về cách giữ mật khẩu an toàn.',
    opens_at: at(now - MINUTE),
    closes_at: at(now + 60 * MINUTE),
    media: ['audio', 'video'],
    max_bytes: 10_000_000,
    max_duration_s: 60,
    max_entries_per_user: 3,
    criteria: [{ key: 'content', title: 'Nội dung', weight: 1, max_points: 10 }],
    judges_per_entry: 1,
    voters: 'any_account',
    voting: { enabled: true, opens_at: at(now - MINUTE), closes_at: at(now + 120 * MINUTE) },
    show_authors: 'always',
    ...changes,
  };
  const created = await api('POST', '/api/v1/contests', { token: organizerSession.access, body, expect: 201 });
  await api('POST', `/api/v1/contests/${created.body.id}/results/state`, {
    token: organizerSession.access,
    body: { state: 'live' },
    expect: 200,
  });
  return created.body;
}

/** An adult resident (born 1990) unless `birthYear` says otherwise. */
export function resident({ birthYear = 1990, ...rest } = {}) {
  return registerUser({ prefix: 'dan', displayName: `Cư dân ${unique()}`, birthYear, ...rest });
}

export async function approve(organizerSession, entryId) {
  return (await api('POST', `/api/v1/entries/${entryId}/moderation`, {
    token: organizerSession.access,
    body: { decision: 'approve' },
    expect: 200,
  })).body;
}

let folder;
/** A WAV of `seconds` of a tone made by ffmpeg (mono 16 kHz unless `stereo`); its path and size. */
export async function toneWav(seconds, { stereo = false } = {}) {
  folder ??= await mkdtemp(path.join(tmpdir(), 'civiquiz-ui-media-'));
  const file = path.join(folder, `tone-${seconds}s-${stereo ? 'stereo' : 'mono'}.wav`);
  const layout = stereo ? ['-ac', '2', '-ar', '48000'] : ['-ac', '1', '-ar', '16000'];
  await run('ffmpeg', ['-y', '-loglevel', 'error', '-f', 'lavfi', '-i', `sine=frequency=440:duration=${seconds}`, ...layout, '-c:a', 'pcm_s16le', file]);
  return { path: file, bytes: (await stat(file)).size };
}
