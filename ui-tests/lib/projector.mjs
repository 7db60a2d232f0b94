// The projector's pages as a hall's computer shows them: a 1920×1080 screen, nobody signed in.

import { BASE_URL } from './seed.mjs';

export const HALL = { width: 1920, height: 1080 };

/**
 * A fresh context on the hall's screen, Vietnamese settings; uncaught page errors collected in
 * `context.pageErrors` like `phoneContext` does.
 */
export async function hallContext(browser, options = {}) {
  const context = await browser.newContext({
    baseURL: BASE_URL,
    viewport: HALL,
    locale: 'vi-VN',
    timezoneId: 'Asia/Ho_Chi_Minh',
    ...options,
  });
  context.setDefaultTimeout(15_000);
  context.setDefaultNavigationTimeout(30_000);
  context.pageErrors = [];
  context.on('page', (page) => page.on('pageerror', (error) => context.pageErrors.push(`${page.url()}: ${error.message}`)));
  return context;
}

/** The board's lines as text, top first, cells joined by ` | `. */
export function boardRows(page) {
  return page
    .locator('table#pj-table tbody tr')
    .evaluateAll((rows) => rows.map((r) => [...r.cells].map((c) => c.textContent.replace(/\s+/g, ' ').trim()).join(' | ')));
}

/** Waits until the board shows `names` (display names), in that order, as its first lines. */
export function waitForOrder(page, names, timeout = 20_000) {
  return page.waitForFunction(
    (wanted) => {
      const rows = [...document.querySelectorAll('table#pj-table tbody tr')].map((r) => r.textContent);
      return wanted.every((name, index) => rows[index]?.includes(name));
    },
    names,
    { timeout, polling: 100 },
  );
}

/** How many times the page's stream got through (set by projector.js on each `open`). */
export async function connections(page) {
  return Number(await page.locator('#projector').getAttribute('data-connections') ?? 0);
}
