// Seeding over the JSON API with bearer tokens: accounts, the org tree, the fixture bank,
// quizzes, boards and attempts. Every helper makes fresh, uniquely named objects, so tests
// never depend on one another.

import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { randomBytes } from 'node:crypto';

export const BASE_URL = (process.env.BASE_URL ?? 'http://127.0.0.1:8080').replace(/\/$/, '');
export const REPO_ROOT = process.env.REPO_ROOT ?? path.resolve(import.meta.dirname, '../..');
const ADMIN_USERNAME = process.env.ADMIN_USERNAME ?? 'admin';
const ADMIN_PASSWORD = process.env.ADMIN_PASSWORD ?? 'a long admin passphrase';

/** The password every seeded account gets (10–128 characters, not a common one). */
export const PASSWORD = 'mật khẩu thử nghiệm dài';
/** The fixture bank is imported under its own slug so it never touches the shipped `an-toan-so`. */
export const BANK_SLUG = 'ui-fixture';
export const MINUTE = 60_000;

/**
 * A unique suffix for usernames, codes and titles: letters only, so numbers read off a page
 * (scores, ranks, counts) never come from a name.
 */
export function unique() {
  const letters = (n, width) => {
    let out = '';
    for (let i = 0; i < width; i += 1) {
      out = String.fromCharCode(97 + Number(n % 26n)) + out;
      n /= 26n;
    }
    return out;
  };
  return letters(BigInt(Date.now()), 9) + letters(BigInt(`0x${randomBytes(4).toString('hex')}`), 5);
}

export class ApiError extends Error {}

/**
 * One API call. Returns `{status, body, text, headers}`; with `expect`, any other status throws
 * with the response text so a failing seed says why.
 */
export async function api(method, pathname, { token, body, raw, contentType, expect } = {}) {
  const headers = {};
  if (token) headers.authorization = `Bearer ${token}`;
  let payload;
  if (raw !== undefined) {
    payload = raw;
    headers['content-type'] = contentType ?? 'text/plain';
  } else if (body !== undefined) {
    payload = JSON.stringify(body);
    headers['content-type'] = 'application/json';
  }
  const response = await fetch(`${BASE_URL}${pathname}`, { method, headers, body: payload });
  const text = await response.text();
  let json = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = null;
  }
  const result = { status: response.status, body: json, text, headers: response.headers };
  const wanted = expect === undefined ? [] : [].concat(expect);
  if (wanted.length && !wanted.includes(response.status)) {
    throw new ApiError(`${method} ${pathname}: expected ${wanted.join('|')}, got ${response.status}: ${text}`);
  }
  return result;
}

function sessionOf(response, password) {
  const { user, access_token: access, refresh_token: refresh } = response.body;
  return { id: user.id, username: user.username, displayName: user.display_name, password, access, refresh, user };
}

export async function login(username, password) {
  const response = await api('POST', '/api/v1/auth/login', {
    body: { username, password },
    expect: 200,
  });
  return sessionOf(response, password);
}

let adminPromise;
/** The admin made by run.sh, signed in once per test process. */
export function admin() {
  adminPromise ??= login(ADMIN_USERNAME, ADMIN_PASSWORD);
  return adminPromise;
}

/** A fresh participant. `prefix` starts the username; the display name has diacritics. */
export async function registerUser({ prefix = 'hs', displayName, orgUnitId, birthYear } = {}) {
  const suffix = unique();
  const username = `${prefix}.${suffix}`.slice(0, 32);
  const body = {
    username,
    password: PASSWORD,
    display_name: displayName ?? `Học sinh ${suffix}`,
  };
  if (orgUnitId) body.org_unit_id = orgUnitId;
  if (birthYear) body.birth_year = birthYear;
  const response = await api('POST', '/api/v1/auth/register', { body, expect: 201 });
  return sessionOf(response, PASSWORD);
}

export async function setRole(userId, role) {
  const boss = await admin();
  await api('PATCH', `/api/v1/admin/users/${userId}`, {
    token: boss.access,
    body: { role },
    expect: 200,
  });
}

/** A fresh organizer (registered, then promoted by the admin). */
export async function organizer() {
  const user = await registerUser({ prefix: 'btc', displayName: `Ban tổ chức ${unique()}` });
  await setRole(user.id, 'organizer');
  // Tokens carry the role; sign in again so the new one is in force.
  return login(user.username, user.password);
}

/**
 * Imports a district → ward → school → class tree with unique codes and returns
 * `{district, ward, school, class}`, each `{id, code, name}`.
 */
export async function orgTree() {
  const s = unique();
  const rows = [
    ['district', `q.${s}`, `Quận Thử Nghiệm ${s}`, ''],
    ['ward', `p.${s}`, `Phường Hoà Bình ${s}`, `q.${s}`],
    ['school', `thcs.${s}`, `Trường THCS Lê Lợi ${s}`, `p.${s}`],
    ['class', `lop.${s}`, `Lớp Tám A ${s}`, `thcs.${s}`],
  ];
  const csv = ['code,name,kind,parent_code', ...rows.map(([kind, code, name, parent]) => `${code},${name},${kind},${parent}`)].join('\n');
  const boss = await admin();
  const response = await api('POST', '/api/v1/org-units/import', {
    token: boss.access,
    raw: `${csv}\n`,
    contentType: 'text/csv',
    expect: 201,
  });
  const byCode = new Map(response.body.items.map((unit) => [unit.code, unit]));
  const tree = {};
  for (const [kind, code, name] of rows) {
    const unit = byCode.get(code);
    if (!unit) throw new ApiError(`org import did not return ${code}: ${response.text}`);
    tree[kind] = { id: unit.id, code, name };
  }
  return tree;
}

let bankText;
/** Imports tests/fixtures/banks/valid.toml (five questions, one per kind, 8 points) as `ui-fixture`. */
export async function importFixtureBank(organizerSession) {
  bankText ??= (await readFile(path.join(REPO_ROOT, 'tests/fixtures/banks/valid.toml'), 'utf8')).replace(
    /^slug = "an-toan-so"$/m,
    `slug = "${BANK_SLUG}"`,
  );
  const response = await api('POST', '/api/v1/banks/import', {
    token: organizerSession.access,
    raw: bankText,
    contentType: 'application/toml',
    expect: 200,
  });
  if (response.body?.errors?.length) {
    throw new ApiError(`bank import errors: ${response.text}`);
  }
  return response.body;
}

/** The fixture bank's key for a question id (`ui-fixture:as-001` or just `as-001`). */
export function rightAnswer(questionId) {
  const local = questionId.split(':').pop();
  switch (local) {
    case 'as-001':
      return 'b';
    case 'as-002':
      return ['a', 'b', 'd'];
    case 'as-003':
      return false;
    case 'as-004':
      return ['b', 'c', 'a', 'd'];
    case 'as-005':
      return 'VNeID';
    default:
      throw new Error(`unexpected question ${questionId}`);
  }
}

/** Points of each fixture question. */
export const POINTS = { 'as-001': 1, 'as-002': 2, 'as-003': 1, 'as-004': 3, 'as-005': 1 };
export const MAX_SCORE = 8;
/** The kind of each fixture question. */
export const KINDS = {
  'as-001': 'single',
  'as-002': 'multiple',
  'as-003': 'true_false',
  'as-004': 'ordering',
  'as-005': 'short_text',
};
export const localId = (questionId) => questionId.split(':').pop();

const at = (ms) => new Date(ms).toISOString();

/** Creates and publishes a quiz over the whole fixture bank; `changes` override the body. */
export async function createQuiz(organizerSession, changes = {}) {
  const now = Date.now();
  const body = {
    title: `Kỹ năng số cơ bản ${unique()}`,
    description: 'Bài thi thử của bộ kiểm thử giao diện.',
    opens_at: at(now - MINUTE),
    closes_at: at(now + 60 * MINUTE),
    time_limit_s: 600,
    max_attempts: 2,
    rules: [{ bank: BANK_SLUG, count: 5 }],
    shuffle_questions: true,
    shuffle_options: true,
    review: 'after_submit',
    ranking: 'best',
    ...changes,
  };
  const created = await api('POST', '/api/v1/quizzes', {
    token: organizerSession.access,
    body,
    expect: 201,
  });
  const id = created.body.id;
  await api('POST', `/api/v1/quizzes/${id}/publish`, {
    token: organizerSession.access,
    body: {},
    expect: 200,
  });
  return { id, title: body.title, body };
}

export async function setBoardState(organizerSession, quizId, state) {
  return api('POST', `/api/v1/quizzes/${quizId}/leaderboard/state`, {
    token: organizerSession.access,
    body: { state },
    expect: 200,
  });
}

/**
 * What most tests need: an organizer, the fixture bank, an org tree and one published quiz
 * (board live unless `board` says otherwise).
 */
export async function scenario({ quiz = {}, board = 'live', tree = true } = {}) {
  const org = await organizer();
  await importFixtureBank(org);
  const units = tree ? await orgTree() : null;
  const created = await createQuiz(org, quiz);
  if (board && board !== 'hidden') await setBoardState(org, created.id, board);
  return { organizer: org, quiz: created, units };
}

export async function startAttempt(student, quizId) {
  const response = await api('POST', `/api/v1/quizzes/${quizId}/attempts`, {
    token: student.access,
    body: {},
    expect: [200, 201],
  });
  return response.body;
}

export async function getAttempt(student, attemptId) {
  return (await api('GET', `/api/v1/attempts/${attemptId}`, { token: student.access, expect: 200 })).body;
}

export async function saveAnswer(student, attemptId, questionId, response) {
  return api('PUT', `/api/v1/attempts/${attemptId}/answers/${encodeURIComponent(questionId)}`, {
    token: student.access,
    body: { response },
    expect: 200,
  });
}

export async function submitAttempt(student, attemptId) {
  return (await api('POST', `/api/v1/attempts/${attemptId}/submit`, {
    token: student.access,
    body: {},
    expect: 200,
  })).body;
}

/** A whole attempt over the API answering the questions in `right` (local ids) correctly. */
export async function takeQuiz(student, quizId, right = Object.keys(KINDS)) {
  const view = await startAttempt(student, quizId);
  for (const question of view.questions) {
    if (right.includes(localId(question.id))) {
      await saveAnswer(student, view.id, question.id, rightAnswer(question.id));
    }
  }
  return { attempt: view, result: await submitAttempt(student, view.id) };
}

/** Polls `check` until it returns a truthy value or `timeout` ms pass; returns that value. */
export async function eventually(check, { timeout = 15_000, interval = 200, message = 'condition' } = {}) {
  const end = Date.now() + timeout;
  let last;
  for (;;) {
    try {
      last = await check();
      if (last) return last;
    } catch (error) {
      last = error;
    }
    if (Date.now() > end) {
      throw new Error(`timed out after ${timeout} ms waiting for ${message}; last: ${last instanceof Error ? last.message : JSON.stringify(last)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, interval));
  }
}

/** Normalises a response the way tests compare them (multiple-choice order is irrelevant). */
export function sameResponse(kind, a, b) {
  if (a === undefined || a === null || b === undefined || b === null) return false;
  if (kind === 'multiple') return JSON.stringify([...a].sort()) === JSON.stringify([...b].sort());
  if (kind === 'short_text') return String(a).trim() === String(b).trim();
  return JSON.stringify(a) === JSON.stringify(b);
}
