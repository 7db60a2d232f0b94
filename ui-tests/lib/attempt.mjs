// The attempt page as a user sees it: questions, answering each kind with the mouse (or touch
// target), reading the answers back from the DOM, the save status and the navigation grid.

import { until } from './browser.mjs';

export const section = (page, questionId) => page.locator(`section.question[data-question="${questionId}"]`);

/** The questions in page order: `[{id, kind}]`. */
export function listQuestions(page) {
  return page.$$eval('section.question', (sections) =>
    sections.map((s) => ({ id: s.dataset.question, kind: s.dataset.kind })),
  );
}

/** The id of the one question shown (the page shows one at a time once its module has run: `#attempt.ready`). */
export function shownQuestion(page) {
  return page.evaluate(() => {
    const shown = [...document.querySelectorAll('section.question')].filter((s) => s.checkVisibility());
    return shown.length === 1 ? shown[0].dataset.question : `${shown.length} questions visible`;
  });
}

/** The grid button of question `index` (0-based, in page order). */
export const gridButton = (page, index) => page.locator('nav#question-grid [data-goto]').nth(index);

/** Shows question `index` (0-based) through the grid and waits until it is the one visible. */
export async function showQuestion(page, index) {
  await gridButton(page, index).click();
  await until(
    page,
    (i) => {
      const sections = [...document.querySelectorAll('section.question')];
      return sections[i]?.checkVisibility() && sections.filter((s) => s.checkVisibility()).length === 1;
    },
    index,
  );
}

/** The order of the options of an ordering question, as shown. */
export function orderingOrder(page, questionId) {
  return section(page, questionId).locator('ol.ordering > li[data-option]').evaluateAll((items) => items.map((li) => li.dataset.option));
}

/** Answers a question with pointer actions, the way a student on a phone does. */
export async function answer(page, questionId, kind, response) {
  const s = section(page, questionId);
  const input = (value) => s.locator(`input[name="q-${questionId}"][value="${value}"]`);
  switch (kind) {
    case 'single':
      await input(response).check();
      return;
    case 'true_false':
      await input(String(response)).check();
      return;
    case 'multiple': {
      const values = await s.locator(`input[type=checkbox][name="q-${questionId}"]`).evaluateAll((boxes) => boxes.map((b) => b.value));
      for (const value of values) {
        await input(value).setChecked(response.includes(value));
      }
      return;
    }
    case 'short_text':
      await s.locator(`input[type=text][name="q-${questionId}"]`).fill(response);
      return;
    case 'ordering':
      if (JSON.stringify(await orderingOrder(page, questionId)) === JSON.stringify(response)) {
        // Already in order (shuffling can do that): the student still confirms it by moving
        // the first item down and back up, which is what saves an ordering.
        const first = response[0];
        await s.locator(`li[data-option="${first}"] button.move-down`).click();
        await until(page, ([id, opt]) => document.querySelector(`section.question[data-question="${id}"] ol.ordering > li[data-option]`)?.dataset.option !== opt, [questionId, first]);
      }
      for (let place = 0; place < response.length; place += 1) {
        const option = response[place];
        for (;;) {
          const order = await orderingOrder(page, questionId);
          const at = order.indexOf(option);
          if (at < 0) throw new Error(`option ${option} not in ${order}`);
          if (at <= place) break;
          await s.locator(`li[data-option="${option}"] button.move-up`).click();
          await until(
            page,
            ([id, opt, before]) =>
              [...document.querySelectorAll(`section.question[data-question="${id}"] ol.ordering > li[data-option]`)]
                .map((li) => li.dataset.option)
                .indexOf(opt) === before - 1,
            [questionId, option, at],
          );
        }
      }
      return;
    default:
      throw new Error(`unknown kind ${kind}`);
  }
}

/** The answer the page shows for a question, in the API's response shape (null when none). */
export function readAnswer(page, questionId, kind) {
  return page.evaluate(
    ([id, k]) => {
      const s = document.querySelector(`section.question[data-question="${id}"]`);
      const named = [...s.querySelectorAll('input')].filter((i) => i.name === `q-${id}`);
      switch (k) {
        case 'single':
          return named.find((i) => i.checked)?.value ?? null;
        case 'true_false': {
          const v = named.find((i) => i.checked)?.value;
          return v === undefined ? null : v === 'true';
        }
        case 'multiple':
          return named.filter((i) => i.checked).map((i) => i.value).sort();
        case 'short_text':
          return named[0]?.value ?? null;
        case 'ordering':
          return [...s.querySelectorAll('ol.ordering > li[data-option]')].map((li) => li.dataset.option);
        default:
          return `unknown kind ${k}`;
      }
    },
    [questionId, kind],
  );
}

export function saveStatus(page) {
  return page.locator('#save-status').evaluate((el) => ({ pending: el.dataset.pending, text: el.textContent.trim() }));
}

/** Adds the save status to a timeout, so a failure says what the page showed. */
async function withStatus(page, what, waiting) {
  try {
    return await waiting;
  } catch (error) {
    const now = await saveStatus(page).catch(() => 'no #save-status');
    throw new Error(`${what}: ${error.message.split('\n')[0]}; #save-status is ${JSON.stringify(now)}`);
  }
}

/** Waits until nothing is waiting to be sent and the status says the answers are saved. */
export function waitSaved(page, timeout = 20_000) {
  const saved = until(
    page,
    () => {
      const el = document.querySelector('#save-status');
      return el && el.dataset.pending === '0' && /đã lưu|saved/i.test(el.textContent);
    },
    undefined,
    timeout,
  );
  return withStatus(page, 'waiting for every answer to be saved', saved);
}

/** Waits until exactly `n` answers are waiting to be sent. */
export function waitPending(page, n, timeout = 15_000) {
  const pending = until(page, (count) => document.querySelector('#save-status')?.dataset.pending === String(count), n, timeout);
  return withStatus(page, `waiting for ${n} answers to wait`, pending);
}

/** The grid button state of question `index`. */
export function gridState(page, index) {
  return gridButton(page, index).evaluate((b) => ({ answered: b.dataset.answered, flagged: b.dataset.flagged }));
}
