// Continuum's small behaviours; no inline script anywhere (the CSP forbids it).
document.addEventListener("submit", (event) => {
  const button = event.target.querySelector("[data-prevent-double-submit]");
  if (button) {
    // The server also refuses a second request with the same form token; this only spares the round trip.
    setTimeout(() => button.setAttribute("disabled", ""), 0);
  }
});
