// Every answer goes through an outbox kept in localStorage: it is saved on the device the
// moment it changes and sent (an idempotent PUT) until the server has it, with backoff while
// the network is down. A reload, a crash or a closed tab loses nothing that was typed.
import { syncClock } from "./clock.js";

const MAX_BACKOFF_MS = 30_000;

export class Outbox {
  constructor({ attemptId, csrf, onChange }) {
    this.attemptId = attemptId;
    this.csrf = csrf;
    this.key = `civiquiz.outbox.${attemptId}`;
    this.onChange = onChange;
    this.pending = this.load();
    this.draining = null;
    this.backoff = 1000;
    this.timer = 0;
    this.closed = false;
    this.state = "idle";
    this.lastSaved = 0;
    window.addEventListener("online", () => this.flush());
    window.addEventListener("storage", (event) => {
      if (event.key === this.key) this.pending = this.load();
    });
  }

  load() {
    try { return JSON.parse(localStorage.getItem(this.key) || "{}"); } catch { return {}; }
  }

  store() {
    try { localStorage.setItem(this.key, JSON.stringify(this.pending)); } catch { /* full or private mode: memory still holds it */ }
  }

  get count() { return Object.keys(this.pending).length; }

  /** The answers not yet on the server, by question id. */
  entries() { return Object.entries(this.pending).map(([id, entry]) => [id, entry.response]); }

  put(questionId, response) {
    if (this.closed) return;
    const rev = (this.pending[questionId]?.rev || 0) + 1;
    this.pending[questionId] = { response, rev };
    this.store();
    this.report(navigator.onLine ? "saving" : "offline");
    this.backoff = 1000;
    this.flush();
  }

  report(state) {
    this.state = state;
    this.onChange?.(this);
  }

  schedule() {
    clearTimeout(this.timer);
    const wait = this.backoff * (0.75 + Math.random() * 0.5);
    this.backoff = Math.min(this.backoff * 2, MAX_BACKOFF_MS);
    this.timer = setTimeout(() => this.flush(), wait);
  }

  /**
   * Sends what is pending, one answer at a time. Every caller gets the same drain, which ends
   * once nothing more can be sent now (answers put meanwhile included): true when all is saved.
   */
  flush() {
    if (this.closed) return Promise.resolve(false);
    if (!this.draining) {
      clearTimeout(this.timer);
      this.draining = this.drain().finally(() => { this.draining = null; });
    }
    return this.draining;
  }

  async drain() {
    for (;;) {
      const next = Object.entries(this.pending)[0];
      if (!next) break;
      const [questionId, entry] = next;
      const outcome = await this.send(questionId, entry);
      if (outcome === "retry") { this.report(navigator.onLine ? "error" : "offline"); this.schedule(); return false; }
      if (outcome === "closed") { this.closed = true; this.report("closed"); return false; }
      // Saved (or refused for good): drop it unless it changed while in flight.
      if (this.pending[questionId]?.rev === entry.rev) delete this.pending[questionId];
      this.store();
    }
    this.backoff = 1000;
    this.report("saved");
    return true;
  }

  async send(questionId, entry) {
    const sentAt = Date.now();
    let response;
    try {
      response = await fetch(`/api/v1/attempts/${encodeURIComponent(this.attemptId)}/answers/${encodeURIComponent(questionId)}`, {
        method: "PUT",
        credentials: "same-origin",
        headers: { "content-type": "application/json", "x-csrf-token": this.csrf },
        body: JSON.stringify({ response: entry.response }),
      });
    } catch {
      return "retry";
    }
    if (response.ok) {
      const body = await response.json().catch(() => ({}));
      const savedAt = Date.parse(body.saved_at);
      syncClock(savedAt, sentAt);
      this.lastSaved = Number.isFinite(savedAt) ? savedAt : Date.now();
      return "saved";
    }
    if (response.status === 409) return "closed";
    if (response.status === 401 || response.status === 403) { this.report("signed-out"); return "retry"; }
    if (response.status === 422 || response.status === 404) return "refused";
    return "retry";
  }

  forget() {
    this.pending = {};
    try { localStorage.removeItem(this.key); } catch { /* nothing to remove */ }
  }
}
