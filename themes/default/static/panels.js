// runbook live panels: loads the panels' wasm module and starts the panels
// the build wrote (`section.panel[data-panel]`). Everything they show is
// drawn by the module (widgets/src/wasm/panels.rs); this file only loads
// it. Search has a module of its own (search.js), fetched on the first
// query, so a page with panels does not download the search code.
//
// Without JS, or if this fails, every panel keeps its static fallback: the
// table of what it would show and the commands that show it by hand.
import init, { start_panels } from "./runbook_panels.js";

// The words of the page's language, written by base.html from
// widgets/src/language; English when the element is missing.
function failedWords() {
  try {
    const words = JSON.parse(document.getElementById("runbook-words").textContent);
    if (words && words.panels_failed) return words.panels_failed;
  } catch (e) { /* keep English */ }
  return "Live status could not start";
}

function say(error) {
  const text = failedWords() + ": " + (error && error.message ? error.message : String(error));
  for (const live of document.querySelectorAll("section.panel[data-panel] .panel-live")) {
    if (live.childElementCount) continue;
    const p = document.createElement("p");
    p.className = "panel-meta";
    p.setAttribute("role", "status");
    p.textContent = text; // text, never HTML
    live.appendChild(p);
  }
}

try {
  await init();
  // Kept on window so tests (and curious readers) can reach the controller.
  window.runbookPanels = start_panels();
} catch (error) {
  say(error);
  console.error("runbook panels:", error);
}
