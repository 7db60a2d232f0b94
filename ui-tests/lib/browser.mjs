// Debian's Chromium through playwright-core (no browser download), a phone-sized context per
// test, sign-in through the real form, page-error tracking and the axe-core check.

import { chromium } from 'playwright-core';
import { AxeBuilder } from '@axe-core/playwright';
import { BASE_URL } from './seed.mjs';

export const PHONE = { width: 360, height: 740 };
export const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21aa', 'wcag22aa'];

const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/**
 * Chromium. With `fakeAudio` (a WAV file), the page gets a fake microphone playing that file
 * and the permission prompt is answered yes, so MediaRecorder can be tested.
 */
export async function launch({ fakeAudio } = {}) {
  const media = fakeAudio
    ? [
        '--use-fake-ui-for-media-stream',
        '--use-fake-device-for-media-stream',
        `--use-file-for-fake-audio-capture=${fakeAudio}`,
        '--autoplay-policy=no-user-gesture-required',
      ]
    : [];
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [...ARGS, ...media],
    timeout: 60_000,
  });
}

/**
 * A fresh context (no cookies) on the phone viewport, Vietnamese browser settings. Uncaught
 * page errors are collected in `context.pageErrors` so tests can assert there were none.
 */
export async function phoneContext(browser, options = {}) {
  const context = await browser.newContext({
    baseURL: BASE_URL,
    viewport: PHONE,
    deviceScaleFactor: 2,
    isMobile: true,
    hasTouch: true,
    locale: 'vi-VN',
    timezoneId: 'Asia/Ho_Chi_Minh',
    ...options,
  });
  context.setDefaultTimeout(15_000);
  context.setDefaultNavigationTimeout(30_000);
  context.pageErrors = [];
  context.on('page', (page) => watch(context, page));
  return context;
}

function watch(context, page) {
  page.on('pageerror', (error) => context.pageErrors.push(`${page.url()}: ${error.message}`));
  // A confirm() before submitting must not block a test; it is accepted like a user would.
  page.on('dialog', (dialog) => dialog.accept().catch(() => {}));
}

export function assertNoPageErrors(assert, context) {
  assert.deepEqual(context.pageErrors, [], 'uncaught errors in the page');
}

/** Signs in through /login (the real form) and waits to leave the page. */
export async function signIn(page, user, { lang } = {}) {
  await page.goto(lang ? `/login?lang=${lang}` : '/login');
  await page.locator('#username').fill(user.username);
  await page.locator('#password').fill(user.password);
  await Promise.all([
    page.waitForURL((url) => !url.pathname.startsWith('/login'), { timeout: 30_000 }),
    submitButton(page.locator('#password')).click(),
  ]);
}

/** The submit button of the form that holds `field`. */
export function submitButton(field) {
  return field.locator('xpath=ancestor::form[1]').locator('button[type=submit], button:not([type]), input[type=submit]').first();
}

export async function htmlLang(page) {
  return page.evaluate(() => document.documentElement.lang);
}

/** The attempt id from an `/attempts/{id}…` URL. */
export function attemptIdOf(page) {
  const match = new URL(page.url()).pathname.match(/^\/attempts\/([^/]+)/);
  if (!match) throw new Error(`not on an attempt page: ${page.url()}`);
  return decodeURIComponent(match[1]);
}

/** Runs axe with the WCAG 2.0/2.1/2.2 A and AA rules; returns a readable list of violations. */
export async function axeViolations(page) {
  const results = await new AxeBuilder({ page }).withTags(WCAG_TAGS).analyze();
  return results.violations.map((violation) => ({
    rule: violation.id,
    impact: violation.impact,
    help: violation.help,
    nodes: violation.nodes.slice(0, 5).map((node) => `${node.target.join(' ')} — ${node.failureSummary?.split('\n').slice(1).join(' ').trim()}`),
  }));
}

/** Waits until `fn` (run in the page with `arg`) is truthy. */
export function until(page, fn, arg, timeout = 15_000) {
  return page.waitForFunction(fn, arg, { timeout, polling: 100 });
}
