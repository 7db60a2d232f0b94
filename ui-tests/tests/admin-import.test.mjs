// An admin at a desktop (1280×800) imports a class of 30 students from a CSV file and gets
// the printable sheet: 30 slips, the site's header and navigation hidden in print, the sheet
// gone after a reload; one slip's password signs in on one-time status. She then finds a
// student by her name typed without accents and makes her an organizer, and reads the org
// tree. axe-core (WCAG 2.2 A/AA) on every page, in Vietnamese and English.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';

import { launch, phoneContext, assertNoPageErrors, axeViolations, htmlLang, signIn } from '../lib/browser.mjs';
import { admin, api, orgTree, unique } from '../lib/seed.mjs';

const DESKTOP = { width: 1280, height: 800 };

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

async function assertAxeClean(page, what) {
  const missing = await page.evaluate(() => document.documentElement.outerHTML.match(/⟦[^⟧]*⟧/g));
  assert.equal(missing, null, `messages missing on ${what}`);
  const violations = await axeViolations(page);
  assert.deepEqual(violations, [], `axe on ${what} (${page.url()}):\n${JSON.stringify(violations, null, 2)}`);
}

/** Whether the element matched by `selector` takes up any room on the page as rendered now. */
function shown(page, selector) {
  return page.locator(selector).first().evaluate((el) => el.getClientRects().length > 0 && getComputedStyle(el).display !== 'none');
}

test('an admin imports a class of 30, prints the sheet, finds a student and changes her role', { timeout: 240_000 }, async () => {
  const boss = await admin();
  const tree = await orgTree();
  const suffix = unique();
  const rows = ['username,display_name,org_unit_code,role,birth_year'];
  for (let i = 1; i <= 30; i += 1) {
    const n = String(i).padStart(2, '0');
    const name = i === 7 ? `Nguyễn Thị Ánh ${suffix}` : `Học Sinh ${n} ${suffix}`;
    rows.push(`hs${n}.${suffix},${name},${tree.class.code},,2012`);
  }
  const csv = `${rows.join('\n')}\n`;

  const context = await phoneContext(browser, { viewport: DESKTOP, isMobile: false, hasTouch: false, deviceScaleFactor: 1 });
  const page = await context.newPage();
  await signIn(page, { username: boss.username, password: boss.password });

  await page.goto('/admin/users/import');
  assert.equal(await htmlLang(page), 'vi');
  await assertAxeClean(page, 'the import form');
  await page.locator('#csv_file').setInputFiles({ name: 'lop-8a.csv', mimeType: 'text/csv', buffer: Buffer.from(csv, 'utf8') });
  await Promise.all([page.waitForURL(/\/admin\/users\/import$/), page.locator('#import-submit').click()]);
  await page.locator('#slips').waitFor();

  const slips = page.locator('li.slip');
  assert.equal(await slips.count(), 30, 'one slip per student');
  assert.match(await page.locator('#sheet-intro').textContent(), /30/);
  const first = slips.first();
  const username = (await first.locator('.slip-username').textContent()).trim();
  const password = (await first.locator('.slip-password').textContent()).trim();
  assert.equal(username, `hs01.${suffix}`);
  assert.equal(password.length, 12);
  assert.match(await first.locator('.slip-unit').textContent(), new RegExp(tree.class.name));
  assert.match(await first.locator('.slip-address').textContent(), /\/login$/);
  assert.match(await first.locator('.slip-instruction[lang=vi]').textContent(), /đặt mật khẩu mới/);
  assert.ok(await page.locator('#print-sheet').isVisible(), 'the print button shows with scripts');
  await assertAxeClean(page, 'the sheet');

  // On paper: no site header, navigation or footer; every slip kept, none split.
  await page.emulateMedia({ media: 'print' });
  assert.equal(await shown(page, 'header.site'), false, 'the header is hidden in print');
  assert.equal(await shown(page, 'nav.subnav'), false, 'the sub-navigation is hidden in print');
  assert.equal(await shown(page, 'footer.site'), false, 'the footer is hidden in print');
  assert.equal(await shown(page, '#print-sheet'), false, 'the buttons are not printed');
  assert.equal(await shown(page, 'li.slip'), true);
  assert.equal(await first.evaluate((el) => getComputedStyle(el).breakInside), 'avoid');
  await page.emulateMedia({ media: 'screen' });
  assert.equal(await shown(page, 'header.site'), true);

  // The password signs in, on one-time status.
  const signed = await api('POST', '/api/v1/auth/login', { body: { username, password }, expect: 200 });
  assert.equal(signed.body.user.must_change_password, true);

  // A reload shows the import form, never the passwords again.
  await page.reload();
  await page.locator('#import-form').waitFor();
  assert.equal(await page.locator('li.slip').count(), 0);
  assert.equal((await page.content()).includes(password), false);

  // Find Nguyễn Thị Ánh by her name without accents, and make her an organizer.
  await page.goto('/admin/users');
  await assertAxeClean(page, 'the accounts');
  await page.locator('#q').fill(`nguyen thi anh ${suffix}`);
  await Promise.all([page.waitForURL(/\/admin\/users\?q=/), page.locator('#search-submit').click()]);
  const rowsFound = page.locator('table.accounts tbody tr');
  assert.equal(await rowsFound.count(), 1);
  assert.match(await rowsFound.first().textContent(), new RegExp(`hs07\\.${suffix}`));
  assert.match(await page.locator('#result-count').textContent(), /1/);
  await assertAxeClean(page, 'a search');
  await Promise.all([page.waitForURL(/\/admin\/users\/[^/?]+$/), rowsFound.first().locator('a').click()]);
  assert.equal((await page.locator('h1').textContent()).trim(), `Nguyễn Thị Ánh ${suffix}`);
  await assertAxeClean(page, 'an account');
  await page.locator('#role').selectOption('organizer');
  await Promise.all([page.waitForURL(/saved=1/), page.locator('#save-account').click()]);
  await page.locator('#notice').waitFor();
  const found = await api('GET', `/api/v1/admin/users?q=hs07.${suffix}`, { token: boss.access, expect: 200 });
  assert.equal(found.body.total, 1);
  assert.equal(found.body.items[0].role, 'organizer');
  assert.equal(found.body.items[0].status, 'one_time_password');

  // The org tree: the class inside the school, inside the ward, inside the district.
  for (const lang of ['vi', 'en']) {
    await page.goto(`/admin/org-units?lang=${lang}`);
    assert.equal(await htmlLang(page), lang);
    const nested = page.locator(
      `li[data-code="${tree.district.code}"] li[data-code="${tree.ward.code}"] li[data-code="${tree.school.code}"] li[data-code="${tree.class.code}"]`,
    );
    assert.equal(await nested.count(), 1);
    assert.match(await nested.locator('.badge').first().textContent(), lang === 'vi' ? /lớp/ : /class/);
    await assertAxeClean(page, `the org tree (${lang})`);
    await page.goto('/admin/users');
    await assertAxeClean(page, `the accounts (${lang})`);
    await page.goto('/admin/users/import');
    await assertAxeClean(page, `the import form (${lang})`);
  }
  assertNoPageErrors(assert, context);
  await context.close();

  // The student herself is sent to choose her own password first.
  const theirs = await phoneContext(browser);
  const studentPage = await theirs.newPage();
  await studentPage.goto('/login');
  await studentPage.locator('#username').fill(username);
  await studentPage.locator('#password').fill(password);
  await Promise.all([studentPage.waitForURL(/\/account\/password/), studentPage.locator('#password').press('Enter')]);
  await theirs.close();
});

test('an import with a bad row shows it and creates nothing', { timeout: 120_000 }, async () => {
  const boss = await admin();
  const suffix = unique();
  const context = await phoneContext(browser, { viewport: DESKTOP, isMobile: false, hasTouch: false, deviceScaleFactor: 1 });
  const page = await context.newPage();
  await signIn(page, { username: boss.username, password: boss.password }, { lang: 'en' });
  await page.goto('/admin/users/import');
  await page.locator('#csv_text').fill(`username,display_name,org_unit_code,role,birth_year\nhs1.${suffix},Bạn Một,,,\nhs2.${suffix},Bạn Hai,NO-SUCH-${suffix},,\n`);
  await Promise.all([page.waitForURL(/\/admin\/users\/import$/), page.locator('#import-submit').click()]);
  const row = page.locator('#row-errors tbody tr[data-line="3"]');
  await row.waitFor().catch(async (error) => {
    throw new Error(`${error.message}\n${await page.locator('main').innerHTML()}`);
  });
  assert.match(await row.textContent(), /org_unit_code/);
  assert.match(await row.textContent(), /No unit has the code/);
  assert.equal(await page.locator('#csv_text').getAttribute('aria-invalid'), 'true');
  await assertAxeClean(page, 'an import refused');
  const found = await api('GET', `/api/v1/admin/users?q=${suffix}`, { token: boss.access, expect: 200 });
  assert.equal(found.body.total, 0, 'nothing was created');
  assertNoPageErrors(assert, context);
  await context.close();
});

test('the admin pages do not scroll sideways on a 360 px phone', { timeout: 120_000 }, async () => {
  const boss = await admin();
  await orgTree();
  const context = await phoneContext(browser);
  const page = await context.newPage();
  await signIn(page, { username: boss.username, password: boss.password });
  const paths = ['/admin/users', '/admin/users/import', '/admin/org-units', `/admin/users/${boss.id}`];
  for (const path of paths) {
    await page.goto(path);
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(width <= 360, `${path} is ${width} px wide at 360 px`);
  }
  assertNoPageErrors(assert, context);
  await context.close();
});
