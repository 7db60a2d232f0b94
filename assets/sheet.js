// The sheet of one-time passwords, shown once: a print button; a reload that asks for the
// form again (GET) instead of resending the POST that made the passwords; and a sheet the
// browser brings back from its history emptied, not shown a second time.
const print = document.getElementById("print-sheet");
if (print) {
  print.hidden = false;
  print.addEventListener("click", () => window.print());
}

const slips = document.getElementById("slips");
const reload = slips?.dataset.reload;
if (reload) {
  history.replaceState(null, "", reload);
}

addEventListener("pageshow", (event) => {
  if (event.persisted) {
    slips?.remove();
    document.querySelector(".sheet-head")?.remove();
    const gone = document.getElementById("sheet-gone");
    if (gone) gone.hidden = false;
  }
});
