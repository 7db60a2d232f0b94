// The attempt page: one question at a time with a grid, flags, per-answer saves through the
// outbox, and the countdown. Without this module the page still works: every question shows
// with its own save button (plain POST).
import { syncClock, serverNow, clockText } from "./clock.js";
import { startCountdown } from "./countdown.js";
import { Outbox } from "./outbox.js";

const root = document.getElementById("attempt");
const data = root.dataset;
const msg = {
  saved: data.msgSaved, saving: data.msgSaving, offline: data.msgOffline, error: data.msgError,
  closed: data.msgClosed, timeUp: data.msgTimeUp, announce: data.msgAnnounce,
  flag: data.msgFlag, unflag: data.msgUnflag,
};
const csrf = document.querySelector('meta[name="csrf-token"]').content;
const attemptId = data.attempt;
const deadline = Number(data.deadline);
const grace = Number(data.grace);
syncClock(Number(data.serverNow));

const sections = [...root.querySelectorAll("section.question")];
const gridButtons = [...root.querySelectorAll("#question-grid [data-goto]")];
const status = document.getElementById("save-status");
const flagsKey = `civiquiz.flags.${attemptId}`;
const placeKey = `civiquiz.place.${attemptId}`;
let flags = new Set(JSON.parse(localStorage.getItem(flagsKey) || "[]"));
let current = 0;

function responseOf(section) {
  const id = section.dataset.question;
  const kind = section.dataset.kind;
  const inputs = [...section.querySelectorAll(`[name="q-${CSS.escape(id)}"]`)];
  switch (kind) {
    case "multiple": return inputs.filter((i) => i.checked).map((i) => i.value);
    case "single": return inputs.find((i) => i.checked)?.value ?? null;
    case "true_false": {
      const chosen = inputs.find((i) => i.checked);
      return chosen ? chosen.value === "true" : null;
    }
    case "ordering": return [...section.querySelectorAll("ol.ordering > li")].map((li) => li.dataset.option);
    default: {
      const text = inputs[0]?.value ?? "";
      return text.trim() === "" ? null : text;
    }
  }
}

/** Puts a response that is still in the outbox back into the form (it is newer than the page). */
function restore(section, response) {
  const id = section.dataset.question;
  const kind = section.dataset.kind;
  const inputs = [...section.querySelectorAll(`[name="q-${CSS.escape(id)}"]`)];
  if (kind === "ordering" && Array.isArray(response)) {
    const list = section.querySelector("ol.ordering");
    for (const option of response) {
      const li = list.querySelector(`li[data-option="${CSS.escape(option)}"]`);
      if (li) list.appendChild(li);
    }
  } else if (kind === "multiple") {
    for (const input of inputs) input.checked = Array.isArray(response) && response.includes(input.value);
  } else if (kind === "single" || kind === "true_false") {
    for (const input of inputs) input.checked = response !== null && String(response) === input.value;
  } else if (inputs[0]) {
    inputs[0].value = response ?? "";
  }
}

// An ordering always has an order: it counts as answered once the student has saved one.
function answered(section) {
  const response = responseOf(section);
  if (section.dataset.kind === "ordering") return true;
  return Array.isArray(response) ? response.length > 0 : response !== null;
}

function drawStatus(box) {
  const pending = box.count;
  status.dataset.pending = String(pending);
  status.dataset.state = box.state;
  if (box.state === "closed") status.textContent = msg.closed;
  else if (pending > 0 && (box.state === "offline" || box.state === "error" || !navigator.onLine)) {
    status.dataset.state = "offline";
    status.textContent = msg.offline.replace("%count%", String(pending));
  } else if (pending > 0) status.textContent = msg.saving.replace("%count%", String(pending));
  else if (box.lastSaved) status.textContent = msg.saved.replace("%time%", clockText(box.lastSaved));
}

const outbox = new Outbox({ attemptId, csrf, onChange: drawStatus });
for (const [questionId, response] of outbox.entries()) {
  const section = sections.find((s) => s.dataset.question === questionId);
  if (section) { restore(section, response); gridButtons[sections.indexOf(section)].dataset.answered = String(response !== null && !(Array.isArray(response) && response.length === 0)); }
}
window.addEventListener("offline", () => drawStatus(outbox));

function show(index, focus = true) {
  current = Math.max(0, Math.min(sections.length - 1, index));
  sections.forEach((section, i) => section.classList.toggle("current", i === current));
  root.classList.add("ready");
  gridButtons.forEach((button, i) => {
    if (i === current) button.setAttribute("aria-current", "true");
    else button.removeAttribute("aria-current");
  });
  document.getElementById("prev").disabled = current === 0;
  document.getElementById("next").disabled = current === sections.length - 1;
  try { localStorage.setItem(placeKey, String(current)); } catch { /* place is a convenience */ }
  // Focus the heading without letting it hide under the sticky bar (WCAG 2.4.11): focus()
  // does not scroll a heading that is on screen, so scroll it out from under the bar here.
  if (focus) {
    const heading = sections[current].querySelector("h2");
    heading.focus({ preventScroll: true });
    const barBottom = document.getElementById("attempt-bar").getBoundingClientRect().bottom;
    const top = heading.getBoundingClientRect().top;
    if (top < barBottom + 8 || top > window.innerHeight - 48) window.scrollBy(0, top - barBottom - 8);
  }
}

function drawFlag(index) {
  const on = flags.has(sections[index].dataset.question);
  const button = sections[index].querySelector("button.flag");
  button.setAttribute("aria-pressed", String(on));
  button.textContent = on ? msg.unflag : msg.flag;
  gridButtons[index].dataset.flagged = String(on);
}

sections.forEach((section, index) => {
  drawFlag(index);
  const save = () => {
    outbox.put(section.dataset.question, responseOf(section));
    gridButtons[index].dataset.answered = String(answered(section));
  };
  section.querySelector("form").addEventListener("submit", (event) => event.preventDefault());
  section.addEventListener("change", (event) => { if (event.target.matches("input")) save(); });
  let typing = 0;
  section.addEventListener("input", (event) => {
    if (!event.target.matches("input[type=text]")) return;
    clearTimeout(typing);
    typing = setTimeout(save, 600);
  });
  section.addEventListener("click", (event) => {
    const move = event.target.closest("button.move-up, button.move-down");
    if (move) {
      event.preventDefault();
      const li = move.closest("li");
      const up = move.classList.contains("move-up");
      const sibling = up ? li.previousElementSibling : li.nextElementSibling;
      if (sibling) {
        li.parentElement.insertBefore(li, up ? sibling : sibling.nextElementSibling);
        move.focus();
      }
      save();
    }
    if (event.target.closest("button.flag")) {
      const id = section.dataset.question;
      if (flags.has(id)) flags.delete(id); else flags.add(id);
      try { localStorage.setItem(flagsKey, JSON.stringify([...flags])); } catch { /* flags are a convenience */ }
      drawFlag(index);
    }
  });
});

gridButtons.forEach((button, index) => button.addEventListener("click", () => show(index)));
document.getElementById("prev").addEventListener("click", () => show(current - 1));
document.getElementById("next").addEventListener("click", () => show(current + 1));

const fromHash = /^#q-(\d+)$/.exec(location.hash);
const stored = Number(localStorage.getItem(placeKey));
show(fromHash ? Number(fromHash[1]) - 1 : Number.isInteger(stored) ? stored : 0, Boolean(fromHash));
if (outbox.count) outbox.flush();

document.getElementById("to-summary").addEventListener("click", async (event) => {
  if (outbox.count === 0) return;
  event.preventDefault();
  await outbox.flush();
  location.href = event.currentTarget.href;
});

function timeUp() {
  for (const input of root.querySelectorAll("input, button.move-up, button.move-down")) input.disabled = true;
  const alert = document.getElementById("attempt-alert");
  alert.hidden = false;
  alert.textContent = msg.timeUp;
  // The server takes answers until the deadline plus its grace, then closes the attempt on
  // the next read: show its result then.
  outbox.flush();
  const wait = Math.max(0, deadline + grace + 750 - serverNow());
  setTimeout(() => { outbox.forget(); location.replace(data.result); }, wait);
}

startCountdown({
  deadline,
  timer: document.getElementById("countdown"),
  announcer: document.getElementById("time-announcer"),
  button: document.getElementById("announce-time"),
  messages: msg,
  onExpire: timeUp,
});
