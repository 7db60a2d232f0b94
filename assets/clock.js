// The server's clock is the only clock: every time on the page is the device's clock plus
// an offset taken from the server's own timestamps (the page's, then each save's answer).
let offsetMs = 0;

/** Takes the server's time `serverMs`, read between `sentAt` and now on the device. */
export function syncClock(serverMs, sentAt = Date.now()) {
  if (!Number.isFinite(serverMs)) return;
  const now = Date.now();
  offsetMs = serverMs - (sentAt + now) / 2;
}

export function serverNow() {
  return Date.now() + offsetMs;
}

/** `10:42:07` in Vietnam's time (UTC+7), whatever the device's zone. */
export function clockText(ms) {
  const t = new Date(ms + 7 * 3600 * 1000);
  const two = (n) => String(n).padStart(2, "0");
  return `${two(t.getUTCHours())}:${two(t.getUTCMinutes())}:${two(t.getUTCSeconds())}`;
}
