// A live board: one EventSource per page, closed while the tab is hidden and opened again
// when it shows (the first event of a stream is the standings now, so nothing is missed).
const root = document.getElementById("live");
const table = document.getElementById("board");
const status = document.getElementById("board-status");
let source = null;
let events = 0;

function duration(ms) {
  const s = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), r = s % 60;
  const two = (n) => String(n).padStart(2, "0");
  return h > 0 ? `${h}:${two(m)}:${two(r)}` : `${m}:${two(r)}`;
}

function score(value) {
  return String(Math.round(value * 1000) / 1000);
}

function draw(board) {
  if (!table) return;
  const body = table.tBodies[0];
  const rows = board.items.map((entry) => {
    const row = document.createElement("tr");
    const cells = [entry.rank, entry.display_name, score(entry.score), duration(entry.duration_ms)].map((text) => {
      const cell = document.createElement("td");
      cell.textContent = String(text);
      return cell;
    });
    if (entry.org_unit) {
      const unit = document.createElement("span");
      unit.className = "unit";
      unit.textContent = entry.org_unit.name;
      cells[1].appendChild(unit);
    }
    row.replaceChildren(...cells);
    return row;
  });
  body.replaceChildren(...rows);
  document.getElementById("board-empty")?.toggleAttribute("hidden", rows.length > 0);
  // The first event is the board as loaded; say "updated" only for later ones.
  if (events++ > 0) status.textContent = root.dataset.msgLive;
}

function open() {
  if (source) return;
  source = new EventSource(root.dataset.stream);
  source.addEventListener("standings", (event) => {
    try { draw(JSON.parse(event.data)); } catch { /* a malformed event changes nothing */ }
  });
}

function close() {
  source?.close();
  source = null;
}

document.addEventListener("visibilitychange", () => (document.visibilityState === "visible" ? open() : close()));
if (document.visibilityState === "visible") open();
