// The organizers' events, contest settings and reports at a desktop viewport (1280×800): an
// event made through its form in Vietnam's time (UTC+7) and read back as UTC instants, a contest
// made from the event's page with a rubric grown by "add a criterion" and refused once beside
// its field; the participation report's table equal to the CSV it links to, per ward and per
// class, sorted by a header; the quiz report's bars and counted attempts; axe-core (WCAG 2.2
// A/AA) on every page, and no sideways scrolling at 360 px on the report and the contest form.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';

import { launch, phoneContext, assertNoPageErrors, axeViolations, signIn } from '../lib/browser.mjs';
import { api, createQuiz, importFixtureBank, organizer, orgTree, registerUser, startAttempt, takeQuiz, unique } from '../lib/seed.mjs';
import { numbersIn, textOf } from '../lib/text.mjs';

const DESKTOP = { width: 1280, height: 800 };

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

function desktopContext() {
  return phoneContext(browser, { viewport: DESKTOP, deviceScaleFactor: 1, isMobile: false, hasTouch: false });
}

/** The instant a `datetime-local` value names in Vietnam's time (UTC+07:00, no DST), as the API writes it. */
const utcOf = (local) => new Date(`${local}:00+07:00`).toISOString();
const sameInstant = (a, b) => Date.parse(a) === Date.parse(b);

async function assertNoMissingMessages(page, what) {
  const missing = await page.evaluate(() => document.documentElement.outerHTML.match(/⟦[^⟧]*⟧/g));
  assert.equal(missing, null, `messages missing on ${what} (${page.url()})`);
}

async function assertAxeClean(page, what) {
  await assertNoMissingMessages(page, what);
  const violations = await axeViolations(page);
  assert.deepEqual(violations, [], `axe on ${what} (${page.url()}):\n${JSON.stringify(violations, null, 2)}`);
}

/** At 360 px the page itself does not scroll sideways (a table may, inside its `.scroll` region). */
async function assertNoSidewaysScroll(page, what) {
  await page.setViewportSize({ width: 360, height: 740 });
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= 360, `no sideways scrolling at 360 px on ${what} (scrollWidth ${width})`);
  await page.setViewportSize(DESKTOP);
}

/** Clicks a submit button whose POST answers with a page (not a redirect), and waits for it. */
async function submitInPlace(page, button) {
  const [response] = await Promise.all([
    page.waitForResponse((r) => r.request().method() === 'POST' && r.request().isNavigationRequest()),
    page.locator(button).click(),
  ]);
  await page.waitForLoadState('load');
  return response;
}

/** Clicks a submit button and waits for the page the redirect leads to. */
async function submitAndFollow(page, button, url) {
  await Promise.all([page.waitForURL(url, { timeout: 30_000 }), page.locator(button).click()]);
  await page.waitForLoadState('load');
}

async function contestsTitled(org, title) {
  const listed = await api('GET', '/api/v1/contests?limit=200', { token: org.access, expect: 200 });
  return listed.body.items.filter((contest) => contest.title === title);
}

test('an organizer creates an event in Vietnam time, then a contest from its page with two criteria', { timeout: 180_000 }, async () => {
  const org = await organizer();
  const context = await desktopContext();
  const page = await context.newPage();
  await signIn(page, org);

  await page.goto('/organize/events');
  await assertNoMissingMessages(page, 'the events');
  await Promise.all([page.waitForURL(/\/organize\/events\/new$/), page.locator('#new-event').click()]);
  await assertNoMissingMessages(page, 'the new event form');
  assert.match(await textOf(page.locator('#zone-hint')), /UTC\+07:00/, 'the form says which zone its times are in');

  // 06:30 in Hanoi is 23:30 the day before in UTC: the seven hours cross midnight.
  const title = `Tuần lễ an toàn số ${unique()}`;
  const starts = '2027-03-08T06:30';
  const ends = '2027-03-14T17:30';
  await page.locator('#title').click();
  await page.keyboard.type(title);
  await page.locator('#description').fill('Một tuần thi trắc nghiệm và ghi âm về kỹ năng số cho học sinh.');
  await page.locator('#starts_at').fill(starts);
  await page.locator('#ends_at').fill(ends);
  await submitAndFollow(page, '#save-event', /\/organize\/events\/[^/?]+\?saved=1$/);
  const eventId = decodeURIComponent(new URL(page.url()).pathname.split('/').pop());
  assert.equal(await textOf(page.locator('#notice')), 'Đã lưu sự kiện.');
  assert.equal(await page.locator('#notice').getAttribute('role'), 'status');
  assert.equal(await textOf(page.locator('h1')), title);
  assert.equal(await page.locator('#starts_at').inputValue(), starts, 'the page shows back the local time typed');
  assert.equal(await page.locator('#ends_at').inputValue(), ends);
  assert.equal(await textOf(page.locator('#event-contests p.muted')), 'Sự kiện chưa có cuộc thi nào.', 'no contest yet');

  let stored = (await api('GET', `/api/v1/events/${eventId}`, { expect: 200 })).body;
  assert.equal(stored.title, title);
  assert.ok(sameInstant(stored.starts_at, '2027-03-07T23:30:00Z'), `starts_at is 06:30 in Hanoi: ${stored.starts_at}`);
  assert.ok(sameInstant(stored.ends_at, '2027-03-14T10:30:00Z'), `ends_at is 17:30 in Hanoi: ${stored.ends_at}`);
  assert.ok(sameInstant(stored.starts_at, utcOf(starts)) && sameInstant(stored.ends_at, utcOf(ends)));

  // Edit the end on the event's own page.
  const later = '2027-03-15T05:00';
  await page.locator('#ends_at').fill(later);
  await submitAndFollow(page, '#save-event', new RegExp(`/organize/events/${eventId}\\?saved=1$`));
  assert.equal(await textOf(page.locator('#notice')), 'Đã lưu sự kiện.');
  assert.equal(await page.locator('#ends_at').inputValue(), later);
  stored = (await api('GET', `/api/v1/events/${eventId}`, { expect: 200 })).body;
  assert.ok(sameInstant(stored.ends_at, '2027-03-14T22:00:00Z'), `the edited end is 05:00 in Hanoi: ${stored.ends_at}`);
  assert.ok(sameInstant(stored.starts_at, '2027-03-07T23:30:00Z'), 'the start is kept');

  // The events list shows it.
  await page.goto('/organize/events');
  assert.match(await textOf(page.locator(`#event-${eventId}`)), /08\/03\/2027 06:30 – 15\/03\/2027 05:00 \(UTC\+07:00\)/);
  await page.goto(`/organize/events/${eventId}`);

  // A contest from the event's page.
  await Promise.all([page.waitForURL(/\/organize\/contests\/new\?event=/), page.locator('#new-contest').click()]);
  await assertNoMissingMessages(page, 'the contest form');
  assert.equal(await page.locator('#event_id').inputValue(), eventId, 'the event is picked already');
  assert.equal(await page.locator('li.criterion').count(), 1, 'a new contest starts with one criterion');
  const contestTitle = `Giọng đọc an toàn số ${unique()}`;
  const opens = '2027-03-09T07:00';
  const closes = '2027-03-12T21:00';
  await page.locator('#title').fill(contestTitle);
  await page.locator('#rules').fill('Ghi âm tối đa hai phút về cách giữ mật khẩu an toàn.');
  await page.locator('#opens_at').fill(opens);
  await page.locator('#closes_at').fill('2027-03-09T06:00');
  await page.locator('#media-audio').check();
  await page.locator('#media-video').uncheck();
  await page.locator('#max_megabytes').fill('2,5');
  await page.locator('#max_duration_s').fill('120');
  await page.locator('#max_entries_per_user').fill('2');
  await page.locator('#criterion-0-title').fill('Nội dung');
  await page.locator('#criterion-0-weight').fill('3');
  await page.locator('#criterion-0-max').fill('10');

  // "Add a criterion" re-renders the form with one more row, what was typed kept, nothing saved.
  const added = await submitInPlace(page, '#add-criterion');
  assert.equal(added.status(), 200);
  assert.equal(await page.locator('li.criterion').count(), 2, 'one more rubric row');
  assert.equal(await page.locator('#criterion-0-title').inputValue(), 'Nội dung');
  assert.equal(await page.locator('#criterion-0-weight').inputValue(), '3');
  assert.equal(await page.locator('#criterion-1-title').inputValue(), '', 'the new row is empty');
  assert.equal(await page.locator('#title').inputValue(), contestTitle);
  assert.equal(await page.locator('#max_megabytes').inputValue(), '2,5');
  assert.equal(await page.locator('#media-video').isChecked(), false);
  assert.equal(await page.locator('#form-errors').count(), 0, 'adding a row is not a refusal');
  assert.deepEqual(await contestsTitled(org, contestTitle), [], 'adding a row saves nothing');

  await page.locator('#criterion-1-title').fill('Trình bày');
  await page.locator('#criterion-1-weight').fill('1,5');
  await page.locator('#criterion-1-max').fill('5');
  await page.locator('#voting-on').uncheck();

  // The close before the open: refused beside the close, the input kept, nothing created.
  const refused = await submitInPlace(page, '#save-contest');
  assert.equal(refused.status(), 422);
  const summary = page.locator('#form-errors');
  await summary.waitFor();
  assert.equal(await summary.getAttribute('role'), 'alert');
  const closeError = page.locator('#closes_at-error');
  assert.equal(await textOf(closeError), 'Hãy chọn ngày và giờ hết hạn, sau thời điểm mở.');
  assert.equal(await page.locator('#closes_at').getAttribute('aria-invalid'), 'true');
  assert.match(await page.locator('#closes_at').getAttribute('aria-describedby'), /\bcloses_at-error\b/);
  assert.equal(await page.locator('#opens_at').getAttribute('aria-invalid'), null, 'the open is not blamed');
  assert.equal(await page.locator('li.criterion').count(), 2, 'both rows kept');
  assert.equal(await page.locator('#criterion-1-weight').inputValue(), '1,5');
  assert.equal(await page.locator('#opens_at').inputValue(), opens);
  await assertNoMissingMessages(page, 'the contest form with a refusal');
  assert.deepEqual(await contestsTitled(org, contestTitle), [], 'nothing created');

  await page.locator('#closes_at').fill(closes);
  await submitAndFollow(page, '#save-contest', /\/organize\/contests\/[^/?]+\?saved=1$/);
  const contestId = decodeURIComponent(new URL(page.url()).pathname.split('/').pop());
  await page.locator('#notice').waitFor();
  await assertNoMissingMessages(page, "the contest's page");

  const contest = (await api('GET', `/api/v1/contests/${contestId}`, { expect: 200 })).body;
  assert.equal(contest.title, contestTitle);
  assert.equal(contest.event_id, eventId);
  assert.ok(sameInstant(contest.opens_at, '2027-03-09T00:00:00Z'), `opens at 07:00 in Hanoi: ${contest.opens_at}`);
  assert.ok(sameInstant(contest.closes_at, '2027-03-12T14:00:00Z'), `closes at 21:00 in Hanoi: ${contest.closes_at}`);
  assert.deepEqual(contest.media, ['audio']);
  assert.equal(contest.max_bytes, 2_500_000, '2,5 MB is 2,500,000 bytes');
  assert.equal(contest.max_duration_s, 120);
  assert.equal(contest.max_entries_per_user, 2);
  assert.deepEqual(
    contest.criteria.map(({ key, title: t, weight, max_points }) => ({ key, title: t, weight, max_points })),
    [
      { key: 'c1', title: 'Nội dung', weight: 3, max_points: 10 },
      { key: 'c2', title: 'Trình bày', weight: 1.5, max_points: 5 },
    ],
  );
  assert.equal(contest.voting.enabled, false);
  assert.equal((await contestsTitled(org, contestTitle)).length, 1, 'exactly one contest made');

  // The event's page lists it.
  await page.goto(`/organize/events/${eventId}`);
  const listed = page.locator(`#event-contests a[href="/organize/contests/${contestId}"]`);
  assert.equal(await textOf(listed), contestTitle);
  assert.match(await textOf(page.locator('#event-contests')), /09\/03\/2027 07:00 – 12\/03\/2027 21:00/);

  // Its edit form reads back what was saved.
  await page.goto(`/organize/contests/${contestId}/edit`);
  assert.equal(await page.locator('#opens_at').inputValue(), opens);
  assert.equal(await page.locator('#closes_at').inputValue(), closes);
  assert.match(await page.locator('#max_megabytes').inputValue(), /^2[.,]5$/, 'two and a half MB read back');
  assert.match(await page.locator('#criterion-1-weight').inputValue(), /^1[.,]5$/);
  assert.equal(await page.locator('li.criterion').count(), 2);
  await assertNoMissingMessages(page, 'the contest edit form');

  assertNoPageErrors(assert, context);
  await context.close();
});

/**
 * An event with a published quiz and students in two wards: in the first tree's class `a`
 * (all right), `b` (twice), `c` (started, never submitted), `d` (nothing); `e` placed at the
 * school, not a class (outside every class); in the second tree's class `f` (finished), `g`
 * (nothing).
 */
async function participationScenario() {
  const org = await organizer();
  await importFixtureBank(org);
  const [one, two] = [await orgTree(), await orgTree()];
  const now = Date.now();
  const event = (
    await api('POST', '/api/v1/events', {
      token: org.access,
      body: { title: `Ngày hội kỹ năng số ${unique()}`, starts_at: new Date(now - 3_600_000).toISOString(), ends_at: new Date(now + 86_400_000).toISOString() },
      expect: 201,
    })
  ).body;
  const quiz = await createQuiz(org, { event_id: event.id, max_attempts: 2 });
  const student = (unit) => registerUser({ orgUnitId: unit.id });
  const [a, b, c, d, e] = [await student(one.class), await student(one.class), await student(one.class), await student(one.class), await student(one.school)];
  const [f, g] = [await student(two.class), await student(two.class)];
  await takeQuiz(a, quiz.id);
  await takeQuiz(b, quiz.id, ['as-001']);
  await takeQuiz(b, quiz.id, ['as-001', 'as-003']);
  await startAttempt(c, quiz.id);
  await takeQuiz(e, quiz.id, ['as-002']);
  await takeQuiz(f, quiz.id, ['as-004', 'as-005']);
  return { organizer: org, event, quiz, trees: [one, two], students: { a, b, c, d, e, f, g } };
}

/** RFC 4180: fields split by commas, quoted fields with doubled quotes, CRLF between records. */
function parseCsv(text) {
  const records = [];
  let record = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i += 1) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i += 1;
      } else if (ch === '"') {
        quoted = false;
      } else {
        field += ch;
      }
    } else if (ch === '"' && field === '') {
      quoted = true;
    } else if (ch === ',') {
      record.push(field);
      field = '';
    } else if (ch === '\r' && text[i + 1] === '\n') {
      record.push(field);
      records.push(record);
      record = [];
      field = '';
      i += 1;
    } else {
      field += ch;
    }
  }
  if (field !== '' || record.length) {
    record.push(field);
    records.push(record);
  }
  const [header, ...rows] = records;
  return rows.map((row) => Object.fromEntries(header.map((name, at) => [name, row[at]])));
}

/** The page's columns, in `src/reports/pages/event.rs`'s order. */
const PAGE_COLUMNS = [
  ['org_unit', 'text'],
  ['registered', 'count'],
  ['participants', 'count'],
  ['participation_share', 'share'],
  ['completed', 'count'],
  ['completion_share', 'share'],
  ['attempts_finished', 'count'],
  ['mean_score', 'percent'],
  ['median_score', 'percent'],
  ['entries_submitted', 'count'],
  ['entries_approved', 'count'],
];

/** The rows of `#participation-table` as shown: `{body: [[cell…]], footer: [[cell…]]}`. */
function participationCells(page) {
  return page.evaluate(() => {
    const rows = (selector) =>
      [...document.querySelectorAll(selector)].map((tr) => [...tr.children].map((cell) => cell.textContent.replace(/\s+/g, ' ').trim()));
    return { body: rows('#participation-table tbody tr'), footer: rows('#participation-table tfoot tr') };
  });
}

/** What the page should show for a CSV value: counts as they are, shares and scores as a percent to one decimal. */
function expectedCell(kind, value) {
  switch (kind) {
    case 'text':
      return value;
    case 'count':
      return Number(value);
    case 'share':
      return value === '' ? null : Math.round(Number(value) * 100 * 10) / 10;
    case 'percent':
      return value === '' ? null : Math.round(Number(value) * 10) / 10;
    default:
      throw new Error(kind);
  }
}

function shownCell(kind, text) {
  switch (kind) {
    case 'text':
      return text;
    case 'count':
      assert.match(text, /^\d+$/, `a count reads as a whole number: ${text}`);
      return Number(text);
    default:
      if (text === '—') return null;
      assert.match(text, /^\d+(,\d)? %$/, `a percent in Vietnamese: ${text}`);
      return numbersIn(text)[0];
  }
}

const asShown = (cells) => Object.fromEntries(PAGE_COLUMNS.map(([name, kind], at) => [name, shownCell(kind, cells[at])]));
const asExpected = (row) => Object.fromEntries(PAGE_COLUMNS.map(([name, kind]) => [name, expectedCell(kind, row[name])]));

/**
 * Fetches the CSV `#participation-csv` links to with the page's cookies, checks it is a UTF-8
 * CSV with a BOM and CRLF, and asserts every row of the table equals its row of the CSV, in the
 * same order (units first, then the outside row and the total). Returns the CSV's rows.
 */
async function assertTableIsCsv(page, groupBy) {
  const href = await page.locator('#participation-csv').getAttribute('href');
  const link = new URL(href, page.url());
  assert.equal(link.searchParams.get('group_by'), groupBy, `the CSV link is for the level shown (${href})`);
  assert.equal(link.searchParams.get('format'), 'csv');
  const response = await page.request.get(link.href);
  assert.equal(response.status(), 200, `the CSV with the page's session: ${await response.text()}`);
  assert.match(response.headers()['content-type'], /^text\/csv; charset=utf-8/);
  const bytes = await response.body();
  assert.deepEqual([...bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf], 'a UTF-8 BOM, for Excel');
  const text = bytes.subarray(3).toString('utf8');
  assert.ok(text.endsWith('\r\n') && !/[^\r]\n/.test(text), 'records end with CRLF');
  const rows = parseCsv(text);

  const csvUnits = rows.filter((row) => row.row === 'unit');
  const csvSummary = rows.filter((row) => row.row !== 'unit');
  assert.equal(csvSummary.at(-1).row, 'total', 'the total is the last row');
  const { body, footer } = await participationCells(page);
  assert.equal(body.length, csvUnits.length, 'one table row per unit of the CSV');
  assert.equal(footer.length, csvSummary.length, 'the outside and total rows below the units');
  for (const cells of body) assert.equal(cells.length, PAGE_COLUMNS.length);
  body.forEach((cells, at) => assert.deepEqual(asShown(cells), asExpected(csvUnits[at]), `unit row ${at + 1} (${cells[0]})`));
  footer.forEach((cells, at) => assert.deepEqual(asShown(cells), asExpected(csvSummary[at]), `summary row ${cells[0]}`));

  // The total adds the rows up (the CSV's own consistency, so equal-but-wrong cannot pass).
  const total = csvSummary.at(-1);
  for (const name of ['registered', 'participants', 'completed', 'attempts_finished']) {
    const sum = rows.filter((row) => row.row !== 'total').reduce((n, row) => n + Number(row[name]), 0);
    assert.equal(Number(total[name]), sum, `the total's ${name} is the sum of the rows`);
  }
  return rows;
}

function figuresOf(rows, name) {
  const found = rows.filter((row) => row.org_unit === name);
  assert.equal(found.length, 1, `one row for ${name}`);
  const [row] = found;
  return { registered: Number(row.registered), participants: Number(row.participants), completed: Number(row.completed), attempts_finished: Number(row.attempts_finished) };
}

async function headerSort(page) {
  return page.$$eval('#participation-table thead th', (ths) => ths.map((th) => th.getAttribute('aria-sort')));
}

async function participantsColumn(page) {
  return (await participationCells(page)).body.map((cells) => Number(cells[2]));
}

test('the participation report page matches its CSV, per ward and per class, and sorts by a header', { timeout: 240_000 }, async () => {
  const { organizer: org, event, trees } = await participationScenario();
  const [one, two] = trees;
  const context = await desktopContext();
  const page = await context.newPage();
  await signIn(page, org);

  await page.goto('/organize/reports');
  await assertNoMissingMessages(page, 'the reports');
  await Promise.all([page.waitForURL(new RegExp(`/organize/reports/events/${event.id}$`)), page.locator(`#report-events a[href="/organize/reports/events/${event.id}"]`).click()]);
  await assertNoMissingMessages(page, 'the event report');
  assert.equal(await page.locator('#group_by').inputValue(), 'ward', 'wards by default');

  const byWard = await assertTableIsCsv(page, 'ward');
  assert.deepEqual(figuresOf(byWard, one.ward.name), { registered: 5, participants: 4, completed: 3, attempts_finished: 4 }, 'the first ward: a b c d e; c never finished; b twice');
  assert.deepEqual(figuresOf(byWard, two.ward.name), { registered: 2, participants: 1, completed: 1, attempts_finished: 1 }, 'the second ward: f g');

  // The level by the select and its button; the CSV link follows.
  await page.locator('#group_by').selectOption('class');
  await Promise.all([page.waitForURL(/group_by=class/), page.locator('#level-form button[type=submit]').click()]);
  await page.waitForLoadState('load');
  assert.equal(await page.locator('#group_by').inputValue(), 'class');
  await assertNoMissingMessages(page, 'the event report by class');
  const byClass = await assertTableIsCsv(page, 'class');
  assert.deepEqual(figuresOf(byClass, one.class.name), { registered: 4, participants: 3, completed: 2, attempts_finished: 3 }, 'e is at the school, not in the class');
  assert.deepEqual(figuresOf(byClass, two.class.name), { registered: 2, participants: 1, completed: 1, attempts_finished: 1 });
  const outside = byClass.find((row) => row.row === 'outside');
  assert.ok(outside && Number(outside.participants) >= 1, 'e counts outside every class');
  assert.equal(byClass.some((row) => row.org_unit === one.ward.name), false, 'no ward rows by class');

  // Back to wards, then sort by the participants column: its header's link, twice.
  await page.goto(`/organize/reports/events/${event.id}?group_by=ward`);
  assert.deepEqual(await headerSort(page), PAGE_COLUMNS.map(() => 'none'), 'no column sorted at first');
  const unsorted = await participantsColumn(page);
  assert.ok(new Set(unsorted).size >= 2, `different participation to sort (${unsorted})`);
  const header = page.locator('#participation-table thead th').nth(2);
  await Promise.all([page.waitForURL(/sort=participants&dir=asc/), header.locator('a').click()]);
  await page.waitForLoadState('load');
  assert.equal(await header.getAttribute('aria-sort'), 'ascending');
  assert.deepEqual((await headerSort(page)).filter((s) => s !== 'none'), ['ascending'], 'only that column is sorted');
  const ascending = await participantsColumn(page);
  assert.deepEqual(ascending, [...unsorted].sort((x, y) => x - y), 'smallest first');
  assert.equal(new URL(await page.locator('#participation-csv').getAttribute('href'), page.url()).searchParams.get('group_by'), 'ward');
  let { footer } = await participationCells(page);
  assert.equal(footer.at(-1)[0], 'Tổng cộng / Total', 'the total stays last');

  await Promise.all([page.waitForURL(/sort=participants&dir=desc/), header.locator('a').click()]);
  await page.waitForLoadState('load');
  assert.equal(await header.getAttribute('aria-sort'), 'descending');
  const descending = await participantsColumn(page);
  assert.deepEqual(descending, [...unsorted].sort((x, y) => y - x), 'largest first');
  ({ footer } = await participationCells(page));
  assert.equal(footer.at(-1)[0], 'Tổng cộng / Total', 'the total stays last');
  // Sorted, the rows are still the CSV's rows (compared by unit, the order being the page's).
  const shown = (await participationCells(page)).body.map(asShown);
  const csvUnits = byWard.filter((row) => row.row === 'unit').map(asExpected);
  const key = (row) => JSON.stringify(row);
  assert.deepEqual(shown.map(key).sort(), csvUnits.map(key).sort(), 'sorting moves rows, it changes none');

  assertNoPageErrors(assert, context);
  await context.close();
});

test("the quiz report draws a bar per question and lists the counted attempts", { timeout: 240_000 }, async () => {
  const { organizer: org, event, quiz, students } = await participationScenario();
  const context = await desktopContext();
  const page = await context.newPage();
  await signIn(page, org);

  await page.goto(`/organize/reports/events/${event.id}`);
  await Promise.all([page.waitForURL(new RegExp(`/organize/reports/quizzes/${quiz.id}$`)), page.locator(`a[href="/organize/reports/quizzes/${quiz.id}"]`).click()]);
  await assertNoMissingMessages(page, 'the quiz report');

  // a, b (best of two), e and f finished; c's attempt is still open.
  const counted = numbersIn(await textOf(page.locator('#counted')))[0];
  assert.equal(counted, 4, 'one counted attempt per student who finished');
  const resultRows = page.locator('#results-table tbody tr');
  assert.equal(await resultRows.count(), counted, 'the results table lists every counted attempt');
  const names = await page.locator('#results-table tbody tr').evaluateAll((rows) => rows.map((tr) => tr.children[1].textContent.trim()));
  assert.deepEqual(
    [...names].sort(),
    [students.a, students.b, students.e, students.f].map((s) => s.displayName).sort(),
    'the counted students by name',
  );

  const chart = page.locator('svg#question-chart');
  await chart.waitFor();
  assert.equal(await chart.getAttribute('role'), 'img');
  assert.ok((await textOf(chart.locator('title'))).length > 0, 'the chart has a title');
  const questionRows = await page.locator('#questions-table tbody tr').count();
  assert.equal(questionRows, quiz.body.rules.reduce((n, rule) => n + rule.count, 0), 'a row per question of the quiz');
  assert.equal(await page.locator('#question-chart rect').count(), questionRows, 'one bar per question');
  const competenceChart = page.locator('svg#competence-chart');
  await competenceChart.waitFor();
  assert.equal(await page.locator('#competence-chart rect').count(), await page.locator('#competences-table tbody tr').count(), 'one bar per competence');

  assertNoPageErrors(assert, context);
  await context.close();
});

test('axe finds nothing on the events, contest settings and report pages, and they fit 360 px', { timeout: 240_000 }, async () => {
  const { organizer: org, event, quiz } = await participationScenario();
  const context = await desktopContext();
  const page = await context.newPage();
  await signIn(page, org);

  await page.goto('/organize/events');
  await assertAxeClean(page, 'the events');
  await page.goto('/organize/events/new');
  await assertAxeClean(page, 'the new event form');
  await page.goto(`/organize/events/${event.id}`);
  await assertAxeClean(page, 'an event page');

  await page.goto(`/organize/contests/new?event=${event.id}`);
  await assertAxeClean(page, 'the contest settings form');
  await assertNoSidewaysScroll(page, 'the contest settings form');
  await page.locator('#opens_at').fill('2027-05-02T08:00');
  await page.locator('#closes_at').fill('2027-05-01T08:00');
  const refused = await submitInPlace(page, '#save-contest');
  assert.equal(refused.status(), 422);
  await page.locator('#form-errors').waitFor();
  assert.ok(await page.locator('.field-error').count() >= 1, 'a refusal beside a field');
  await assertAxeClean(page, 'the contest settings form with a refusal');
  await assertNoSidewaysScroll(page, 'the contest settings form with a refusal');

  await page.goto('/organize/reports');
  await assertAxeClean(page, 'the reports');
  await page.goto(`/organize/reports/events/${event.id}`);
  await assertAxeClean(page, 'the event report');
  await assertNoSidewaysScroll(page, 'the event report');
  await page.goto(`/organize/reports/events/${event.id}?group_by=class&sort=participants&dir=desc`);
  await assertAxeClean(page, 'the event report by class, sorted');
  await page.goto(`/organize/reports/quizzes/${quiz.id}`);
  await assertAxeClean(page, 'the quiz report');

  assertNoPageErrors(assert, context);
  await context.close();
});
