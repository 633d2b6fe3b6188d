// Continuum's small behaviours; no inline script anywhere (the CSP forbids it).
document.addEventListener("submit", (event) => {
  const button = event.target.querySelector("[data-prevent-double-submit]");
  if (button) {
    // The server also refuses a second request with the same form token; this only spares the round trip.
    setTimeout(() => button.setAttribute("disabled", ""), 0);
  }
});

// After a refused submission, take the reader to the list of what to correct (screen readers announce it too).
document.addEventListener("DOMContentLoaded", () => {
  const summary = document.getElementById("form-errors");
  if (summary) {
    summary.focus();
    summary.scrollIntoView({ block: "start" });
  }
});

// The request form's topic picker: typing narrows the topics to those whose name holds the words, opens the
// areas that have one, and says how many were found (for screen readers too). Without script, every area is
// there to open.
document.addEventListener("input", (event) => {
  const filter = event.target.closest("[data-topic-filter]");
  if (!filter) return;
  const picker = filter.closest("[data-topic-picker]");
  const words = filter.value.trim().toLowerCase().split(/\s+/).filter(Boolean);
  let found = 0;
  picker.querySelectorAll(".continuum-topic-area").forEach((area) => {
    let shown = 0;
    area.querySelectorAll("[data-topic]").forEach((topic) => {
      const match = words.every((word) => topic.dataset.topic.includes(word));
      topic.hidden = !match;
      shown += match ? 1 : 0;
    });
    area.hidden = shown === 0;
    area.open = words.length > 0 && shown > 0 ? true : area.open;
    found += shown;
  });
  picker.querySelector("[data-topic-filter-status]").textContent =
    words.length ? `${found} topic${found === 1 ? "" : "s"} found` : "";
});

document.addEventListener("click", (event) => {
  if (event.target.closest("[data-print]")) window.print();
});
