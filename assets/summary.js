// The summary before submitting: marks flagged questions, and sends what the outbox still
// holds before the submission (a submission never leaves an answer behind on the device).
import { Outbox } from "./outbox.js";

const root = document.getElementById("summary");
const attemptId = root.dataset.attempt;
const csrf = document.querySelector('meta[name="csrf-token"]').content;
const flags = new Set(JSON.parse(localStorage.getItem(`civiquiz.flags.${attemptId}`) || "[]"));
for (const row of root.querySelectorAll("tr[data-question]")) {
  if (flags.has(row.dataset.question)) row.querySelector(".flag-mark").textContent = `⚑ ${root.dataset.msgFlagged}`;
}
const counter = document.getElementById("flagged-count");
counter.textContent = counter.dataset.template.replace("%count%", String(flags.size));

const outbox = new Outbox({ attemptId, csrf });
const form = document.getElementById("submit-form");
let sending = false;
form.addEventListener("submit", async (event) => {
  if (outbox.closed || sending) { if (sending) event.preventDefault(); return; }
  if (outbox.count === 0) { sending = true; return; }
  event.preventDefault();
  const done = await outbox.flush();
  if (done || outbox.closed) { sending = true; form.submit(); return; }
  const alert = document.getElementById("summary-alert");
  alert.hidden = false;
  alert.textContent = root.dataset.msgOffline.replace("%count%", String(outbox.count));
});
