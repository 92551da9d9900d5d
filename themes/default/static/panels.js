// runbook live panels: loads the panels' wasm module and starts the panels
// the build wrote (`section.panel[data-panel]`). Everything they show is
// drawn by the module (widgets/src/wasm/panels.rs); this file only loads
// it. Search has a module of its own (search.js), fetched on the first
// query, so a page with panels does not download the search code.
//
// Without JS, or if this fails, every panel keeps its static fallback: the
// table of what it would show and the commands that show it by hand.
import init, { start_panels } from "./runbook_panels.js";

// The words of the page's language: assets/words-<tag>.js (from
// widgets/src/language), or a theme's own #runbook-words JSON; English
// when neither is there.
function failedWords() {
  let words = window.runbookWords;
  try {
    const node = document.getElementById("runbook-words");
    if (node) words = JSON.parse(node.textContent);
  } catch (e) { /* keep English */ }
  if (words && words.panels_failed) return words.panels_failed;
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
