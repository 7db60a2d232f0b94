// A tus 1.0 client for one recording: creation, then parts of about 1 MiB, each with its
// SHA-256 when the browser can make one. After a dropped connection it asks the server how
// much it kept (HEAD) and goes on from there, with backoff, at once when the browser is back
// online. The upload's URL is kept in sessionStorage, so a reload of the page resumes it.

const PART = 1024 * 1024;
const MAX_BACKOFF_MS = 20_000;
const TUS = { "tus-resumable": "1.0.0" };

/** Why an upload stopped for good: the API's error `code` and its HTTP status. */
export class UploadRefused extends Error {
  constructor(code, status, detail) {
    super(code);
    this.code = code;
    this.status = status;
    this.detail = detail;
  }
}

function base64(bytes) {
  let text = "";
  const view = new Uint8Array(bytes);
  for (let i = 0; i < view.length; i += 0x8000) text += String.fromCharCode(...view.subarray(i, i + 0x8000));
  return btoa(text);
}

function utf8Base64(text) {
  return base64(new TextEncoder().encode(text));
}

async function errorOf(response) {
  const body = await response.json().catch(() => null);
  return { code: body?.error?.code || `http_${response.status}`, details: body?.error?.details || null };
}

function sleep(ms, signal) {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() { clearTimeout(timer); window.removeEventListener("online", done); signal?.removeEventListener("abort", done); resolve(); }
    window.addEventListener("online", done, { once: true });
    signal?.addEventListener("abort", done, { once: true });
  });
}

export class ResumableUpload {
  /**
   * @param {{entryId: string, file: Blob & {name?: string}, csrf: string,
   *   onProgress?: (sent: number, total: number) => void,
   *   onState?: (state: string, detail?: any) => void, partSize?: number}} options
   */
  constructor({ entryId, file, csrf, onProgress, onState, partSize }) {
    this.entryId = entryId;
    this.file = file;
    this.csrf = csrf;
    this.onProgress = onProgress || (() => {});
    this.onState = onState || (() => {});
    this.partSize = partSize || PART;
    this.key = `civiquiz.tus.${entryId}.${file.size}.${file.name || ""}`;
    this.offset = 0;
    this.paused = false;
    this.controller = null;
    this.backoff = 1000;
    this.wake = null;
  }

  headers(extra) {
    return { ...TUS, "x-csrf-token": this.csrf, ...extra };
  }

  pause() {
    this.paused = true;
    this.controller?.abort();
    this.onState("paused");
  }

  resume() {
    if (!this.paused) return;
    this.paused = false;
    this.onState("uploading");
    this.wake?.();
  }

  forget() {
    try { sessionStorage.removeItem(this.key); } catch { /* private mode */ }
  }

  async waitWhilePaused() {
    while (this.paused) await new Promise((resolve) => { this.wake = resolve; });
    this.wake = null;
  }

  /** Waits before the next try: longer each time, cut short when the browser is back online. */
  async retryLater() {
    this.onState(navigator.onLine ? "retrying" : "offline");
    const wait = this.backoff * (0.75 + Math.random() * 0.5);
    this.backoff = Math.min(this.backoff * 2, MAX_BACKOFF_MS);
    await sleep(navigator.onLine ? wait : MAX_BACKOFF_MS);
  }

  async create() {
    const response = await fetch(`/api/v1/entries/${encodeURIComponent(this.entryId)}/uploads`, {
      method: "POST",
      credentials: "same-origin",
      headers: this.headers({
        "upload-length": String(this.file.size),
        "upload-metadata": `filename ${utf8Base64(this.file.name || "recording")}`,
      }),
    });
    if (response.status !== 201) {
      const { code, details } = await errorOf(response);
      throw new UploadRefused(code, response.status, details);
    }
    this.url = response.headers.get("location");
    try { sessionStorage.setItem(this.key, this.url); } catch { /* private mode: no resume after reload */ }
    this.offset = 0;
  }

  /** The server's offset for our upload, or null when it no longer has it. */
  async head() {
    const response = await fetch(this.url, { method: "HEAD", credentials: "same-origin", headers: this.headers({}), cache: "no-store" });
    if (response.status === 404 || response.status === 410) return null;
    if (!response.ok) throw new Error(`HEAD ${response.status}`);
    return Number(response.headers.get("upload-offset"));
  }

  async checksum(bytes) {
    if (!globalThis.crypto?.subtle) return null;
    try { return `sha256 ${base64(await crypto.subtle.digest("SHA-256", bytes))}`; } catch { return null; }
  }

  /** One PATCH from the current offset; returns the media when this was the last byte. */
  async patch() {
    const end = Math.min(this.offset + this.partSize, this.file.size);
    const bytes = await this.file.slice(this.offset, end).arrayBuffer();
    const sum = await this.checksum(bytes);
    this.controller = new AbortController();
    const response = await fetch(this.url, {
      method: "PATCH",
      credentials: "same-origin",
      signal: this.controller.signal,
      headers: this.headers({
        "content-type": "application/offset+octet-stream",
        "upload-offset": String(this.offset),
        ...(sum ? { "upload-checksum": sum } : {}),
      }),
      body: bytes,
    });
    this.controller = null;
    if (response.status === 204) {
      this.offset = Number(response.headers.get("upload-offset"));
      this.backoff = 1000;
      const media = response.headers.get("civiquiz-media");
      return media ? JSON.parse(media) : null;
    }
    const { code, details } = await errorOf(response);
    if (code === "upload_offset_mismatch" && Number.isFinite(details?.offset)) {
      this.offset = details.offset;
      return null;
    }
    if (code === "checksum_mismatch") return null;
    throw new UploadRefused(code, response.status, details);
  }

  /** Sends the whole file; resolves with the server's MediaView, rejects with UploadRefused. */
  async run() {
    this.onState("starting");
    this.url = null;
    try { this.url = sessionStorage.getItem(this.key); } catch { /* private mode */ }
    let lost = false;
    for (;;) {
      await this.waitWhilePaused();
      try {
        if (!this.url) {
          await this.create();
        } else if (lost) {
          const offset = await this.head();
          if (offset === null) { this.forget(); this.url = null; continue; }
          this.offset = offset;
          lost = false;
        } else if (this.offset === 0 && !this.created) {
          // A URL from before a reload: how much of it does the server have?
          const offset = await this.head();
          if (offset === null) { this.forget(); this.url = null; continue; }
          this.offset = offset;
        }
        this.created = true;
        this.onState("uploading");
        this.onProgress(this.offset, this.file.size);
        const media = await this.patch();
        this.onProgress(this.offset, this.file.size);
        if (media) { this.forget(); this.onState("done", media); return media; }
        if (this.offset >= this.file.size) this.onState("checking");
      } catch (error) {
        if (error instanceof UploadRefused) {
          const retry = ["upload_stalled", "overloaded", "rate_limited", "too_many_uploads", "internal", "unavailable"].includes(error.code)
            || error.status >= 500 && error.status !== 507;
          if (error.status === 404 && this.url) { this.forget(); this.url = null; this.created = false; continue; }
          if (!retry) {
            if (![500, 503, 507].includes(error.status)) this.forget();
            throw error;
          }
        }
        if (this.paused) { lost = true; continue; }
        // The network, or a refusal worth another try: find out what the server kept.
        lost = true;
        await this.retryLater();
      }
    }
  }
}
