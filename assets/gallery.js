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
