// Votes without a page load: the same forms, sent with fetch to the API (the session and its
// CSRF token), the count and the button updated in place; without JavaScript the forms post.
const list = document.querySelector(".gallery");
const status = document.getElementById("vote-status");
const t = {};
for (const item of document.querySelectorAll("#messages li")) t[item.dataset.key] = item.textContent;
const csrf = document.querySelector("meta[name=csrf-token]")?.content || list?.dataset.csrf;

for (const form of document.querySelectorAll("form.vote-form")) {
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const button = form.querySelector("button");
    if (button.disabled) return;
    const voted = form.dataset.voted === "true";
    button.disabled = true;
    try {
      const response = await fetch(`/api/v1/entries/${encodeURIComponent(form.dataset.entry)}/vote`, {
        method: voted ? "DELETE" : "POST",
        credentials: "same-origin",
        headers: { "x-csrf-token": csrf },
      });
      const body = await response.json().catch(() => ({}));
      if (!response.ok) {
        status.textContent = t[`error-${body?.error?.code}`] || t["error-internal"];
        return;
      }
      form.dataset.voted = String(body.voted);
      form.action = `/entries/${form.dataset.entry}/${body.voted ? "unvote" : "vote"}`;
      button.setAttribute("aria-pressed", String(body.voted));
      button.textContent = body.voted ? button.dataset.unvoteLabel : button.dataset.voteLabel;
      const count = form.closest("li")?.querySelector("[data-count]");
      if (count && Number.isFinite(body.votes)) count.textContent = String(body.votes);
      status.textContent = body.voted ? t.voted : t.unvoted;
    } catch {
      // Offline: the plain form still works once the network is back.
      status.textContent = t["error-internal"];
    } finally {
      button.disabled = false;
    }
  });
}

// Live counts: while the results are live, the contest's stream sends the standings (the top
// entries) whenever a vote or a score changes them.
if (list?.dataset.live === "true" && window.EventSource) {
  const source = new EventSource(`/api/v1/contests/${encodeURIComponent(list.dataset.contest)}/leaderboard/stream`);
  source.addEventListener("standings", (event) => {
    let board;
    try { board = JSON.parse(event.data); } catch { return; }
    for (const item of board.items || []) {
      const count = document.querySelector(`#entry-${CSS.escape(item.entry_id)} [data-count]`);
      if (count && Number.isFinite(item.votes)) count.textContent = String(item.votes);
    }
  });
  window.addEventListener("pagehide", () => source.close());
}
