// The quiz builder in the page: rule rows are added and removed without a round trip, and
// while the organizer types, each rule says how many questions it can draw. The server
// counts them (POST /api/v1/quizzes/rule-availability, the count publishing checks); the
// sentences come from the page, in its language. Without this module the form's own
// buttons do the same through the server.

const list = document.getElementById('rules');
if (list) init(list);

function init(list) {
  const csrf = document.querySelector('meta[name="csrf-token"]')?.content ?? '';
  const status = document.getElementById('rules-status');
  const addButton = document.getElementById('add-rule');
  const texts = list.dataset;
  const rows = () => [...list.querySelectorAll(':scope > li.rule')];
  // A blank row to add from, even once every row has been removed.
  const blank = rows()[0]?.cloneNode(true);
  if (blank) clear(blank);
  let timer;
  let controller;

  function clear(row) {
    for (const select of row.querySelectorAll('select')) select.selectedIndex = 0;
    for (const input of row.querySelectorAll('input')) input.value = '';
    for (const error of row.querySelectorAll('.field-error')) error.remove();
    for (const field of row.querySelectorAll('[aria-invalid]')) field.removeAttribute('aria-invalid');
    for (const field of row.querySelectorAll('[autofocus]')) field.removeAttribute('autofocus');
    for (const field of row.querySelectorAll('[aria-describedby]')) {
      const kept = field.getAttribute('aria-describedby').split(/\s+/).filter((id) => id && !id.endsWith('-error'));
      if (kept.length) field.setAttribute('aria-describedby', kept.join(' '));
      else field.removeAttribute('aria-describedby');
    }
    row.querySelector('.rule-available').textContent = '';
  }

  function renumber() {
    rows().forEach((row, index) => {
      row.id = `rule-${index}`;
      for (const element of row.querySelectorAll('[id], [for], [aria-describedby]')) {
        for (const name of ['id', 'for', 'aria-describedby']) {
          const value = element.getAttribute(name);
          if (value) element.setAttribute(name, value.replace(/rule-\d+-/g, `rule-${index}-`));
        }
      }
      row.querySelector('legend').textContent = texts.legend.replace('{n}', String(index + 1));
      const remove = row.querySelector('button.remove-rule');
      remove.value = `remove-rule-${index}`;
      remove.textContent = texts.removeLabel.replace('{n}', String(index + 1));
    });
  }

  function announce(text) {
    // Emptied first, so the same sentence twice is announced twice.
    status.textContent = '';
    setTimeout(() => {
      status.textContent = text;
    }, 50);
  }

  list.addEventListener('click', (event) => {
    const button = event.target.closest('button.remove-rule');
    if (!button) return;
    event.preventDefault();
    button.closest('li.rule').remove();
    renumber();
    addButton.focus();
    announce(texts.removed);
    schedule();
  });

  addButton.addEventListener('click', (event) => {
    if (!blank) return;
    event.preventDefault();
    const row = blank.cloneNode(true);
    list.append(row);
    renumber();
    row.querySelector('select').focus();
    announce(texts.added);
    schedule();
  });

  list.addEventListener('input', schedule);
  list.addEventListener('change', schedule);

  function schedule() {
    clearTimeout(timer);
    timer = setTimeout(count, 400);
  }

  /** A row's rule as the API reads it, or null when its count is not a whole number. */
  function ruleOf(row) {
    const value = (name) => row.querySelector(`[name="${name}"]`).value.trim();
    const typed = value('rule-count');
    const count = typed === '' ? 0 : Number(typed);
    if (!Number.isInteger(count) || count < 0 || count > 4294967295) return null;
    const difficulty = value('rule-difficulty');
    return {
      bank: value('rule-bank'),
      competence: value('rule-competence') || null,
      difficulty: difficulty ? Number(difficulty) : null,
      count,
    };
  }

  async function count() {
    const shown = rows();
    if (shown.length === 0 || shown.length > 50) return;
    const read = shown.map(ruleOf);
    const rules = read.map((rule) => rule ?? { bank: '', competence: null, difficulty: null, count: 0 });
    controller?.abort();
    controller = new AbortController();
    let items;
    try {
      const response = await fetch(texts.api, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-csrf-token': csrf },
        body: JSON.stringify({ rules }),
        credentials: 'same-origin',
        signal: controller.signal,
      });
      if (!response.ok) return;
      ({ items } = await response.json());
    } catch {
      // Offline or superseded: the counts shown stay until the next change.
      return;
    }
    shown.forEach((row, index) => {
      const output = row.querySelector('.rule-available');
      const rule = read[index];
      const item = items[index];
      if (!rule || !rule.bank || !item) {
        if (output.textContent) output.textContent = '';
        return;
      }
      const sentence = item.available === 1 ? texts.availableOne : texts.availableOther.replace('{n}', String(item.available));
      const short = rule.count > item.available ? texts.short.replace('{count}', String(rule.count)) : '';
      if (output.textContent === (short ? `${sentence} ${short}` : sentence)) return;
      const said = document.createElement('span');
      said.className = 'count-text';
      said.textContent = sentence;
      const parts = [said];
      if (short) {
        const warning = document.createElement('strong');
        warning.className = 'short';
        warning.textContent = short;
        parts.push(' ', warning);
      }
      output.replaceChildren(...parts);
    });
  }
}
