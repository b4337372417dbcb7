// identity-graph web UI: small progressive enhancements; every page works without them.
"use strict";

// "Why linked?" loads its evidence from the server the first time it is opened.
function setUpWhy() {
  document.querySelectorAll("details[data-why-url]").forEach((box) => {
    box.addEventListener("toggle", async () => {
      if (!box.open || box.dataset.loaded) return;
      box.dataset.loaded = "1";
      const body = box.querySelector(".why-body");
      const reply = await fetch(box.dataset.whyUrl, { credentials: "same-origin" });
      body.innerHTML = reply.ok ? await reply.text() : "<p>Could not load the evidence.</p>";
    });
  });
}

// One-key decisions on a review pair (s / d / u) and undo (z), unless typing in a field.
function setUpKeys() {
  document.addEventListener("keydown", (event) => {
    const target = event.target;
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    if (target instanceof HTMLInputElement || target instanceof HTMLTextAreaElement) return;
    const key = event.key.toLowerCase();
    const button = key === "z" ? document.getElementById("undo-button")
      : document.querySelector(`#decide-form button[data-key="${key}"]`);
    if (button) {
      event.preventDefault();
      button.click();
    }
  });
}

// Selecting a record in the graph ticks its box in the split form (click, Enter or Space).
function setUpGraph() {
  document.querySelectorAll(".graph .record[data-record]").forEach((node) => {
    const box = document.getElementById(`pick-${node.dataset.record}`);
    if (!box) return;
    const sync = () => node.setAttribute("aria-checked", box.checked ? "true" : "false");
    const toggle = () => { box.checked = !box.checked; sync(); };
    node.addEventListener("click", toggle);
    node.addEventListener("keydown", (event) => {
      if (event.key === "Enter" || event.key === " ") { event.preventDefault(); toggle(); }
    });
    box.addEventListener("change", sync);
  });
}

document.addEventListener("DOMContentLoaded", () => {
  setUpWhy();
  setUpKeys();
  setUpGraph();
});
