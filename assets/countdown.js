// The countdown is recomputed from the deadline and the server clock each time it is drawn,
// never counted down: a phone that slept or a throttled tab shows the right time on waking.
import { serverNow } from "./clock.js";

const ANNOUNCE_AT_S = [600, 300, 60, 30];

function format(seconds) {
  const s = Math.max(0, Math.ceil(seconds));
  const h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), r = s % 60;
  const two = (n) => String(n).padStart(2, "0");
  return h > 0 ? `${h}:${two(m)}:${two(r)}` : `${m}:${two(r)}`;
}

/** Speaks a time left: "còn 5 phút" / "5 minutes left" from the page's message template. */
function spoken(template, seconds) {
  const s = Math.max(0, Math.ceil(seconds));
  const m = Math.floor(s / 60), r = s % 60;
  return template.replace("%minutes%", String(m)).replace("%seconds%", String(r));
}

export function startCountdown({ deadline, timer, announcer, button, messages, onExpire }) {
  let announced = new Set(ANNOUNCE_AT_S.filter((at) => (deadline - serverNow()) / 1000 <= at));
  let expired = false;
  let handle = 0;
  const draw = () => {
    const left = (deadline - serverNow()) / 1000;
    if (left <= 0) {
      timer.textContent = messages.timeUp;
      timer.classList.add("low");
      if (!expired) { expired = true; onExpire(); }
      return;
    }
    timer.textContent = format(left);
    timer.classList.toggle("low", left <= 60);
    for (const at of ANNOUNCE_AT_S) {
      if (left <= at && !announced.has(at)) {
        announced.add(at);
        announcer.textContent = spoken(messages.announce, at);
      }
    }
    clearTimeout(handle);
    // Wake just after the next whole second.
    handle = setTimeout(draw, (left * 1000) % 1000 + 20);
  };
  button?.addEventListener("click", () => {
    const left = (deadline - serverNow()) / 1000;
    announcer.textContent = "";
    requestAnimationFrame(() => { announcer.textContent = spoken(messages.announce, left); });
  });
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible") draw();
  });
  draw();
  return { redraw: draw };
}
