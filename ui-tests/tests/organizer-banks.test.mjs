// An organizer imports a Moodle GIFT file with two mistakes through the plain file form: the
// page lists each with its line and imports nothing; she fixes the file, imports it, finds the
// bank among the others and browses its questions with their keys. axe-core (WCAG 2.2 A/AA)
// finds nothing on the three pages at a desktop viewport (1280×800), in Vietnamese and
// English, and the list still works at 360 px (no sideways scrolling of the page; its tables
// scroll in their own regions).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';

import { launch, phoneContext, assertNoPageErrors, axeViolations, htmlLang, signIn } from '../lib/browser.mjs';
import { api, organizer, unique } from '../lib/seed.mjs';

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

async function assertNoSidewaysScroll(page, what) {
  const { scroll, viewport } = await page.evaluate(() => ({
    scroll: document.documentElement.scrollWidth,
    viewport: window.innerWidth,
  }));
  assert.ok(scroll <= viewport, `no sideways scrolling on ${what} (${scroll} > ${viewport})`);
}

// Line 11's answer block is never closed; line 15's question marks no answer correct.
const BROKEN = `// Câu hỏi xuất từ Moodle cho buổi tập huấn
$CATEGORY: $course$/top/4.2 Bảo vệ dữ liệu/Mật khẩu

::OTP::Ai được phép biết mã OTP của bạn?{
  ~Nhân viên ngân hàng
  =Chỉ mình bạn#Không ai được hỏi mã OTP của bạn.
}

::Wi-Fi::Wi-Fi công cộng luôn an toàn để giao dịch ngân hàng.{F}

::Khoá màn hình::Nên đặt khoá màn hình cho điện thoại.{TRUE

$CATEGORY: $course$/top/2.6 Danh tính số

::Mạng xã hội::Nên đăng công khai thông tin nào lên mạng xã hội?{
  ~Số căn cước
  ~Mã OTP
}
`;
const FIXED = BROKEN.replace('{TRUE\n', '{TRUE}\n').replace('  ~Mã OTP\n', '  ~Mã OTP\n  =Ảnh phong cảnh\n');

function gift(text) {
  return { name: 'cau-hoi-moodle.gift', mimeType: 'text/plain', buffer: Buffer.from(text, 'utf8') };
}

/** Submits the import form and waits for the page the POST answers with (or redirects to). */
async function submitImport(page) {
  await Promise.all([
    page.waitForResponse((response) => response.request().method() === 'POST' && response.request().isNavigationRequest()),
    page.locator('#import-submit').click(),
  ]);
  await page.waitForLoadState('load');
}

async function bankCount(org) {
  const banks = await api('GET', '/api/v1/banks', { token: org.access, expect: 200 });
  return banks.body.items;
}

test('an organizer imports a GIFT file, fixes its errors and browses the bank', { timeout: 180_000 }, async () => {
  const org = await organizer();
  const slug = `moodle-${unique()}`;
  const title = `Tập huấn Moodle ${unique()}`;
  const context = await phoneContext(browser, { viewport: DESKTOP, isMobile: false, hasTouch: false, deviceScaleFactor: 1 });
  const page = await context.newPage();
  await signIn(page, org);

  await page.goto('/organize/banks');
  await page.locator('#import-link').click();
  await page.waitForURL(/\/organize\/banks\/import$/);
  assert.equal(await htmlLang(page), 'vi');
  await assertAxeClean(page, 'the import form');

  // The file with its two mistakes.
  const banksBefore = await bankCount(org);
  await page.getByRole('radio', { name: 'GIFT của Moodle' }).check();
  await page.locator('#bank-file').setInputFiles(gift(BROKEN));
  await page.getByLabel('Mã ngân hàng (bắt buộc với GIFT)').fill(slug);
  await page.getByLabel('Tên ngân hàng').fill(title);
  await page.getByLabel('Mức độ của các câu được nhập').selectOption('1');
  await submitImport(page);
  assert.match(new URL(page.url()).pathname, /\/organize\/banks\/import$/);
  await page.locator('#form-errors').waitFor();
  assert.equal(await page.locator('#form-errors-summary').textContent(), 'Tệp có 2 lỗi nên chưa có câu hỏi nào được nhập.');
  const problems = page.locator('#problems > li');
  assert.equal(await problems.count(), 2);
  assert.match(await problems.nth(0).textContent(), /Dòng 11:[\s\S]*\{TRUE/);
  assert.match(await problems.nth(1).textContent(), /Dòng 15 · câu mang-xa-hoi:/);
  assert.equal(await page.locator('#bank-file').getAttribute('aria-invalid'), 'true');
  // What she chose stays; only the file must be picked again.
  assert.equal(await page.locator('#gift-slug').inputValue(), slug);
  assert.equal(await page.locator('#gift-title').inputValue(), title);
  assert.equal(await page.locator('#format-gift').isChecked(), true);
  assert.equal(await page.locator('#gift-difficulty').inputValue(), '1');
  await assertAxeClean(page, 'the import form with the file\'s problems');
  assert.deepEqual(await bankCount(org), banksBefore, 'nothing was imported');

  // The fixed file.
  await page.locator('#bank-file').setInputFiles(gift(FIXED));
  await submitImport(page);
  assert.equal(new URL(page.url()).pathname, `/organize/banks/${slug}`);
  assert.equal(
    await page.locator('#notice').textContent(),
    'Đã nhập ngân hàng câu hỏi: 4 câu mới, 0 câu được cập nhật, 0 câu giữ nguyên, 0 câu ngừng dùng.',
  );
  assert.equal(await page.locator('h1').textContent(), title);
  assert.equal(await page.locator('#question-count').textContent(), '4');
  await assertAxeClean(page, 'the new bank');
  const imported = (await bankCount(org)).find((bank) => bank.slug === slug);
  assert.equal(imported?.question_count, 4);

  // The bank among the others, in the three tables.
  await page.locator('.crumbs a').click();
  await page.waitForURL(/\/organize\/banks$/);
  const row = page.locator(`#bank-${slug}`);
  await row.waitFor();
  assert.equal(await row.locator('.total').textContent(), '4');
  assert.deepEqual(await row.locator('td').allTextContents(), ['0', '1', '0', '3', '0', '4']);
  assert.deepEqual(await page.locator(`#by-difficulty tr[data-bank="${slug}"] td`).allTextContents(), ['4', '0', '0']);
  assert.deepEqual(await page.locator(`#by-kind tr[data-bank="${slug}"] td`).allTextContents(), ['2', '0', '2', '0', '0']);
  await assertAxeClean(page, 'the banks');

  // Browsing its questions: the keys in words.
  await row.getByRole('link', { name: title }).click();
  await page.waitForURL(new RegExp(`/organize/banks/${slug}$`));
  const otp = page.locator('#q-otp');
  assert.match(await otp.locator('li.correct').textContent(), /Chỉ mình bạn\s+✓ Đáp án đúng/);
  assert.match(await otp.locator('.explanation').textContent(), /Không ai được hỏi mã OTP của bạn\./);
  assert.match(await page.locator('#q-wi-fi .key-line').textContent(), /✓ Đáp án:\s+Sai/);
  assert.match(await page.locator('#q-mang-xa-hoi li.correct').textContent(), /Ảnh phong cảnh/);

  for (const lang of ['en', 'vi']) {
    await page.goto(`/organize/banks?lang=${lang}`);
    assert.equal(await htmlLang(page), lang);
    await assertAxeClean(page, `the banks (${lang})`);
    await page.goto(`/organize/banks/${slug}`);
    await assertAxeClean(page, `the bank (${lang})`);
    await page.goto('/organize/banks/import');
    await assertAxeClean(page, `the import form (${lang})`);
  }
  assertNoPageErrors(assert, context);
  await context.close();

  // At 360 px the list still works: the page does not scroll sideways, the wide tables scroll
  // in their own focusable regions, and the bank's link is there to follow.
  const phone = await phoneContext(browser);
  const small = await phone.newPage();
  await signIn(small, org);
  await small.goto('/organize/banks');
  await assertNoSidewaysScroll(small, 'the banks at 360 px');
  const region = small.locator('div.scroll:has(#by-area)');
  const { clientWidth, scrollWidth } = await region.evaluate((el) => ({ clientWidth: el.clientWidth, scrollWidth: el.scrollWidth }));
  assert.ok(clientWidth <= 360 && scrollWidth >= clientWidth, `the table scrolls in its region (${clientWidth}/${scrollWidth})`);
  assert.equal(await region.getAttribute('tabindex'), '0');
  const link = small.locator(`#bank-${slug} a`);
  await link.scrollIntoViewIfNeeded();
  const box = await link.boundingBox();
  assert.ok(box && box.height >= 24, 'the link is a 24 px target');
  await link.click();
  await small.waitForURL(new RegExp(`/organize/banks/${slug}$`));
  await assertNoSidewaysScroll(small, 'the bank at 360 px');
  await small.goto('/organize/banks/import');
  await assertNoSidewaysScroll(small, 'the import form at 360 px');
  assertNoPageErrors(assert, phone);
  await phone.close();
});
