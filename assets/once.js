// A form sends once: a second tap while the first request is on its way does nothing.
for (const form of document.querySelectorAll("form[method=post]")) {
  form.addEventListener("submit", (event) => {
    if (form.dataset.sent) { event.preventDefault(); return; }
    form.dataset.sent = "1";
  });
}

// A refused form comes back with its summary at the top: focus it, so it is read first and
// the fields it names are the next thing a keyboard reaches.
document.getElementById("form-errors")?.focus();
