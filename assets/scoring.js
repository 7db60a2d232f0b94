// The scoring page's live weighted total, computed as the server computes a judge's percentage
// (judging::check_scores): Σ weight · points / max_points ÷ Σ weight × 100, criteria in rubric
// order. Fields still empty count as 0 until they are filled; the server's total, shown after
// a save, stays the truth. Without this module the form works the same, without the live sum.
const form = document.getElementById("score-form");
const output = document.getElementById("live-total");

if (form && output) {
  const fields = [...form.querySelectorAll("input[data-weight][data-max]")];
  const msg = form.dataset;

  /** Points as the server writes them (`page::points_text`): up to three decimals, no trailing zeros. */
  const pointsText = (value) => value.toFixed(3).replace(/0+$/, "").replace(/\.$/, "");

  /** The points a field holds: null when empty, NaN when not a number or out of range. */
  function pointsOf(field) {
    if (field.validity.badInput) return Number.NaN;
    const text = field.value.trim().replace(",", ".");
    if (text === "") return null;
    const value = Number(text);
    const max = Number(field.dataset.max);
    return Number.isFinite(value) && value >= 0 && value <= max ? value : Number.NaN;
  }

  function update() {
    let weighted = 0;
    let weights = 0;
    let left = 0;
    let invalid = false;
    for (const field of fields) {
      const weight = Number(field.dataset.weight);
      const max = Number(field.dataset.max);
      weights += weight;
      const points = pointsOf(field);
      if (points === null) {
        left += 1;
      } else if (Number.isNaN(points)) {
        invalid = true;
      } else {
        weighted += (weight * points) / max;
      }
    }
    if (invalid) {
      output.textContent = `— ${msg.msgInvalid}`;
      return;
    }
    const percent = weights > 0 ? (weighted / weights) * 100 : 0;
    let text = msg.msgTotal.replace("{total}", pointsText(percent));
    if (left > 0) text += ` ${msg.msgIncomplete.replace("{left}", String(left))}`;
    output.textContent = text;
  }

  for (const field of fields) field.addEventListener("input", update);
  update();

  // Back from a refusal: to the first field the server refused, whose message it describes.
  form.querySelector("[aria-invalid=true]")?.focus();

  // A double press of a save button sends the form once.
  form.addEventListener("submit", (event) => {
    if (form.dataset.sent) { event.preventDefault(); return; }
    form.dataset.sent = "1";
  });
  // Back to this page from the history: the form may be sent again.
  window.addEventListener("pageshow", () => { delete form.dataset.sent; update(); });
}
