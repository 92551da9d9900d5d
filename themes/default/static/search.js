// runbook search: `window.runbook.search(query, {limit})` and the header
// search box that uses it.
//
// API (for themes and integrations), available once this module has run:
//
//   const results = await window.runbook.search("ロールバック", { limit: 5 });
//   // [{ url, title, heading, excerpt }, …] best first
//   //   url      relative to the site root, with the section anchor
//   //            ("ROLLBACK.html#2-ロールバックを実行する"); resolve it with
//   //            window.runbook.searchRoot
//   //   title    the page title
//   //   heading  the heading of the matching section ("" above the first)
//   //   excerpt  HTML: escaped text with the matched words in <mark>
//
// All matching, ranking and snippet work happens in the search wasm module
// (widgets/src/search, the same Rust the indexer uses); this file only
// fetches: the module, search/manifest.json, then the index chunks and the
// page records a query needs. Every fetch is relative, so the site works
// from any base path (GitHub Pages) with no server. Without JS the search
// box submits to pages.html, the list of every page.
import init, {
  SearchIndex,
  searchManifestPath,
  searchChunkPath,
  searchRecordFilePath,
} from "./runbook_search.js";

const ROOT = new URL("../", import.meta.url);
const DEFAULT_LIMIT = 10;

let ready = null; // Promise<SearchIndex>
const files = new Map(); // url → Promise<string>, so concurrent queries share fetches

function fetchText(path, stamp) {
  const url = new URL(path, ROOT);
  if (stamp) url.searchParams.set("v", stamp);
  const key = url.href;
  if (!files.has(key)) {
    const request = fetch(url, stamp ? {} : { cache: "no-cache" }).then((response) => {
      if (!response.ok) throw new Error(`search: ${path}: HTTP ${response.status}`);
      return textOf(response);
    });
    files.set(key, request);
    request.catch(() => files.delete(key));
  }
  return files.get(key);
}

// The index files are gzipped on disk (a 10,000-page index is 84 MB of
// JSON, 12 MB gzipped). A host may serve them with Content-Encoding: gzip,
// and then the browser has unpacked them already: the bytes tell which.
async function textOf(response) {
  const bytes = new Uint8Array(await response.arrayBuffer());
  if (bytes[0] !== 0x1f || bytes[1] !== 0x8b) return new TextDecoder().decode(bytes);
  const plain = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
  return new Response(plain).text();
}

// The module and the manifest, once; again after a failure or a new build.
function load() {
  if (!ready) {
    ready = (async () => {
      await init();
      const manifestPath = searchManifestPath();
      files.delete(new URL(manifestPath, ROOT).href);
      return new SearchIndex(await fetchText(manifestPath, null));
    })();
    ready.catch(() => { ready = null; });
  }
  return ready;
}

async function run(index, query, limit) {
  const stamp = index.stamp();
  // A word missing from its chunk asks for the neighbours that may hold
  // its typo corrections: a second round, at most.
  for (let round = 0; round < 3; round++) {
    const missing = Array.from(index.missingChunks(query));
    if (missing.length === 0) break;
    const texts = await Promise.all(missing.map((id) => fetchText(searchChunkPath(id), stamp)));
    missing.forEach((id, i) => index.addChunk(id, texts[i]));
  }
  // The best pages, then their records. A record that shows the page
  // lacks a typed Japanese run (only its bigrams, in other words) moves
  // the page down, and the next candidate's record is fetched.
  const candidates = index.candidates(query, limit);
  for (;;) {
    const pages = index.arrange(query, candidates, limit);
    const need = Array.from(index.missingRecordFiles(pages));
    if (need.length === 0) return JSON.parse(index.results(query, pages));
    const texts = await Promise.all(need.map((id) => fetchText(searchRecordFilePath(id), stamp)));
    need.forEach((id, i) => index.addRecordFile(id, texts[i]));
  }
}

async function search(query, options) {
  const limit = options && options.limit > 0 ? Math.floor(options.limit) : DEFAULT_LIMIT;
  if (typeof query !== "string" || query.trim() === "") return [];
  const index = await load();
  try {
    return await run(index, query, limit);
  } catch (error) {
    // A chunk from another build than the manifest (a deploy happened
    // while this page was open): start over from the new manifest once.
    if (!/another build|format/.test(String(error && error.message))) throw error;
    ready = null;
    files.clear();
    return run(await load(), query, limit);
  }
}

window.runbook = window.runbook || {};
window.runbook.search = search;
window.runbook.searchRoot = ROOT.href;

// ---- The search box ----------------------------------------------------

// The words of the page's language: assets/words-<tag>.js (from
// widgets/src/language), or a theme's own #runbook-words JSON; English
// when neither is there.
const WORDS = (() => {
  try {
    const node = document.getElementById("runbook-words");
    if (node) return JSON.parse(node.textContent) || {};
  } catch (e) {
    return {};
  }
  return window.runbookWords || {};
})();
const TEXT = {
  results: (n) => (n === 1 ? WORDS.result || "1 result" : (WORDS.results || "{n} results").replace("{n}", n)),
  none: WORDS.no_results || "No results",
  failed: WORDS.search_failed || "Search could not load. Press Enter for the list of all pages",
};
const SHOWN = 8;
const DEBOUNCE_MS = 60;

function setUp(form) {
  const input = form.querySelector(".search-input");
  if (!input) return;
  const list = document.createElement("ul");
  list.id = "search-results";
  list.className = "search-results";
  list.setAttribute("role", "listbox");
  list.setAttribute("aria-label", input.getAttribute("aria-label") || "search");
  list.hidden = true;
  const status = document.createElement("p");
  status.className = "search-status";
  status.setAttribute("role", "status");
  status.setAttribute("aria-live", "polite");
  form.append(list, status);
  input.setAttribute("role", "combobox");
  input.setAttribute("aria-autocomplete", "list");
  input.setAttribute("aria-controls", list.id);
  input.setAttribute("aria-expanded", "false");

  let active = -1;
  let shown = [];
  let sequence = 0;
  let timer = 0;

  function options() { return list.querySelectorAll("[role=option]"); }

  function open(isOpen) {
    list.hidden = !isOpen;
    input.setAttribute("aria-expanded", isOpen ? "true" : "false");
    if (!isOpen) setActive(-1);
  }

  function setActive(n) {
    const all = options();
    active = all.length ? Math.max(-1, Math.min(n, all.length - 1)) : -1;
    all.forEach((option, i) => option.setAttribute("aria-selected", i === active ? "true" : "false"));
    if (active >= 0) {
      input.setAttribute("aria-activedescendant", all[active].id);
      all[active].scrollIntoView({ block: "nearest" });
    } else {
      input.removeAttribute("aria-activedescendant");
    }
  }

  function render(results) {
    shown = results;
    list.textContent = "";
    results.forEach((result, i) => {
      const option = document.createElement("li");
      option.id = `search-result-${i}`;
      option.setAttribute("role", "option");
      option.setAttribute("aria-selected", "false");
      const link = document.createElement("a");
      link.href = new URL(result.url, ROOT).href;
      link.tabIndex = -1;
      const title = document.createElement("span");
      title.className = "search-result-title";
      title.textContent = result.title;
      link.append(title);
      if (result.heading && result.heading !== result.title) {
        const heading = document.createElement("span");
        heading.className = "search-result-heading";
        heading.textContent = result.heading;
        link.append(heading);
      }
      const excerpt = document.createElement("span");
      excerpt.className = "search-result-excerpt";
      // Escaped by the engine; the only markup is <mark>.
      excerpt.innerHTML = result.excerpt;
      link.append(excerpt);
      option.append(link);
      list.append(option);
    });
    status.textContent = results.length ? TEXT.results(results.length) : TEXT.none;
    open(results.length > 0);
  }

  async function update() {
    const query = input.value;
    const mine = ++sequence;
    if (query.trim() === "") {
      render([]);
      status.textContent = "";
      return;
    }
    try {
      const results = await search(query, { limit: SHOWN });
      if (mine === sequence) render(results);
    } catch (error) {
      if (mine !== sequence) return;
      console.error(error);
      render([]);
      status.textContent = TEXT.failed;
    }
  }

  input.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(update, DEBOUNCE_MS);
  });
  // Load the module and manifest while the reader starts typing.
  input.addEventListener("focus", () => {
    load().catch(() => {});
    if (shown.length && input.value.trim()) open(true);
  });
  input.addEventListener("keydown", (event) => {
    if (event.isComposing) return; // the IME is choosing characters
    const all = options();
    if (event.key === "ArrowDown") {
      event.preventDefault();
      if (list.hidden && shown.length) open(true);
      setActive(active + 1 < all.length ? active + 1 : 0);
    } else if (event.key === "ArrowUp") {
      event.preventDefault();
      setActive(active > 0 ? active - 1 : all.length - 1);
    } else if (event.key === "Enter") {
      const choice = all[active >= 0 ? active : 0];
      if (!list.hidden && choice) {
        event.preventDefault();
        window.location.href = choice.querySelector("a").href;
      }
      // Otherwise the form submits: the list of all pages.
    } else if (event.key === "Escape") {
      if (!list.hidden) {
        event.preventDefault();
        open(false);
      } else if (input.value) {
        event.preventDefault();
        input.value = "";
        render([]);
        status.textContent = "";
      } else {
        input.blur();
      }
    }
  });
  form.addEventListener("focusout", (event) => {
    if (!form.contains(event.relatedTarget)) open(false);
  });
  // Keep focus in the box while a result is clicked.
  list.addEventListener("mousedown", (event) => event.preventDefault());

  // pages.html?q=…: the no-JS fallback's address, searched once JS is here.
  const q = new URLSearchParams(window.location.search).get("q");
  if (q && !input.value) {
    input.value = q;
    update();
  }
}

document.querySelectorAll("form.search").forEach(setUp);

// Ctrl-K / Cmd-K focus the box, from anywhere ("/" is in runbook.js).
document.addEventListener("keydown", (event) => {
  if (event.key.toLowerCase() !== "k" || !(event.ctrlKey || event.metaKey) || event.altKey) return;
  const input = document.querySelector(".search-input");
  if (!input) return;
  event.preventDefault();
  input.focus();
  input.select();
});
