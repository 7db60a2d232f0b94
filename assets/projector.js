// The projector: a board on a hall's screen kept live over the board's stream (the event
// board, which has none, is polled). The stream's first event is the board now, so a
// reconnection catches up by itself; a change of the board's state (frozen, published,
// hidden) reloads the page, which then shows the banner, the podium or nothing.
const root = document.getElementById("projector");
const table = document.getElementById("pj-table");
const wards = document.getElementById("pj-wards");
const connection = document.getElementById("pj-connection");
const updated = document.getElementById("pj-updated");
const top = Number(root.dataset.top) || 10;
const STREAM_TOP = 10;
const POLL_MS = 5000;
const RETRY_MS = 3000;
const reducedMotion = window.matchMedia("(prefers-reduced-motion: reduce)");
const clock = new Intl.DateTimeFormat("en-GB", {
  timeZone: "Asia/Ho_Chi_Minh", hour: "2-digit", minute: "2-digit", second: "2-digit", hourCycle: "h23",
});
let source = null;
let retry = null;

function duration(ms) {
  const s = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), r = s % 60;
  const two = (n) => String(n).padStart(2, "0");
  return h > 0 ? `${h}:${two(m)}:${two(r)}` : `${m}:${two(r)}`;
}

function points(value) {
  return value === null || value === undefined ? "" : String(Math.round(value * 1000) / 1000);
}

// Each kind's line: its key and its cells (the last two right-aligned).
const lines = {
  quiz: (e) => [e.user_id, [e.rank, e.display_name, e.org_unit ? e.org_unit.name : "", points(e.score), duration(e.duration_ms)]],
  contest: (e) => [e.entry_id, [e.rank ?? "", e.title, e.display_name ?? "", points(e.score), e.votes]],
  event: (e) => [e.user_id, [e.rank, e.display_name, e.quizzes, points(e.score), duration(e.duration_ms)]],
};

function row(cells, numeric) {
  const tr = document.createElement("tr");
  tr.replaceChildren(...cells.map((text, index) => {
    const td = document.createElement("td");
    td.textContent = String(text);
    if (index >= cells.length - numeric) td.className = "num";
    return td;
  }));
  return tr;
}

function draw(items) {
  if (!table) return;
  const before = new Map([...table.tBodies[0].rows].map((tr, index) => [tr.dataset.key, index]));
  const line = lines[root.dataset.kind];
  const rows = items.slice(0, top).map((entry, index) => {
    const [key, cells] = line(entry);
    const tr = row(cells, root.dataset.kind === "event" ? 3 : 2);
    tr.dataset.key = key;
    // A line that arrived or moved is lit for a moment, unless motion is unwelcome.
    if (!reducedMotion.matches && before.get(key) !== index) tr.classList.add("pj-moved");
    return tr;
  });
  table.tBodies[0].replaceChildren(...rows);
  document.getElementById("pj-empty")?.toggleAttribute("hidden", rows.length > 0);
}

function drawWards(board) {
  if (!wards) return;
  wards.tBodies[0].replaceChildren(...board.items.map((w) => row([w.rank, w.name, w.participants, points(w.mean_score)], 2)));
}

function stamp() {
  connection.textContent = "";
  updated.textContent = root.dataset.msgUpdated.replace("%TIME%", clock.format(new Date()));
}

function lost() {
  connection.textContent = root.dataset.msgReconnecting;
}

async function fetchJson(url) {
  const response = await fetch(url, { headers: { accept: "application/json" }, cache: "no-store" });
  if (!response.ok) throw new Error(`HTTP ${response.status}`);
  return response.json();
}

async function standings(board) {
  if (board.state && board.state !== root.dataset.state) {
    window.location.reload();
    return;
  }
  // The stream carries the top ten; a longer board is read from the page it came from.
  const items = top > STREAM_TOP ? (await fetchJson(root.dataset.page)).items : board.items;
  draw(items);
  stamp();
  await refreshWards();
}

// The ward standings are not on the stream: read again after each change and every few
// seconds (the server keeps them for a moment, so the read after a change may be the last one).
async function refreshWards() {
  if (root.dataset.wards) drawWards(await fetchJson(root.dataset.wards));
}

function open() {
  clearTimeout(retry);
  retry = null;
  source?.close();
  source = new EventSource(root.dataset.stream);
  // Counted for whoever watches the wall (and the browser tests): each time it got through.
  source.addEventListener("open", () => {
    root.dataset.connections = String(Number(root.dataset.connections ?? 0) + 1);
    connection.textContent = "";
  });
  source.addEventListener("standings", (event) => {
    let board;
    try { board = JSON.parse(event.data); } catch { return; /* a malformed event changes nothing */ }
    standings(board).catch(lost);
  });
  source.addEventListener("error", () => {
    lost();
    // The browser retries a dropped stream itself, but gives up on a refused one.
    if (source.readyState === EventSource.CLOSED && retry === null) retry = setTimeout(open, RETRY_MS);
  });
}

async function poll() {
  try {
    draw((await fetchJson(root.dataset.page)).items);
    stamp();
  } catch {
    lost();
  }
}

if (root.dataset.stream) {
  open();
  if (root.dataset.wards) setInterval(() => refreshWards().catch(lost), POLL_MS);
  // Offline, a stream may hang on without a byte for minutes: drop it and say so; back
  // online, a fresh one at once (its first event is the board now) rather than at the
  // browser's next retry.
  window.addEventListener("offline", () => {
    source?.close();
    source = null;
    lost();
  });
  window.addEventListener("online", open);
} else {
  stamp();
  setInterval(poll, POLL_MS);
  window.addEventListener("online", poll);
}
