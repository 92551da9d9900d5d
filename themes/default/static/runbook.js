// runbook page script: sidebar, copy buttons, placeholders, colour scheme,
// menu.
// Everything here is an enhancement: without it every command still reads
// as written.
(function () {
  "use strict";
  var doc = document.documentElement;
  var STORE_VALUES = "runbook-placeholders";
  var STORE_THEME = "runbook-theme";

  function storageGet(key) {
    try { return localStorage.getItem(key); } catch (e) { return null; }
  }
  // The words the page's language says: assets/words-<tag>.js (from
  // widgets/src/language), or a theme's own #runbook-words JSON; English
  // if neither is there.
  function words() {
    var found = window.runbookWords || {};
    try {
      var node = document.getElementById("runbook-words");
      if (node) found = JSON.parse(node.textContent) || {};
    } catch (e) { /* keep English */ }
    return {
      copy: found.copy || "Copy",
      copied: found.copied || "Copied",
      offline: found.offline_copy || "Offline copy from {time}",
      offlineSaved: found.offline_copy_undated || "Offline copy",
      searchOnline: found.search_online_only || "search works online only"
    };
  }
  function storageSet(key, value) {
    try {
      if (value === null) localStorage.removeItem(key); else localStorage.setItem(key, value);
    } catch (e) { /* private mode: values last for this page only */ }
  }

  // ---- Sidebar: the whole tree, from the shared navigation script ----
  // A page carries only the way to itself (home, and a few entries around
  // each step of its path); the tree is one script for the whole site
  // (window.runbookNav, see generator/src/nav_script.rs), cached by the
  // browser. Closed sections are drawn when opened, so a reader's phone
  // builds only what is on screen.
  function drawNav() {
    var nav = window.runbookNav;
    var sidebar = document.getElementById("sidebar");
    if (!sidebar || !nav || nav.v !== 1 || !sidebar.dataset.page) return;
    var fallback = sidebar.querySelector("ul.nav-fallback");
    if (!fallback) return;
    var root = sidebar.dataset.root || "";
    var here = sidebar.dataset.page;
    var onPath = [];
    (function find(items) {
      for (var i = 0; i < items.length; i++) {
        var item = items[i];
        if (item[1] === here) return true;
        if (item[3]) {
          onPath.push(item);
          if (find(item[3])) return true;
          onPath.pop();
        }
      }
      return false;
    })(nav.items);
    var lists = 0;

    function list(items) {
      var ul = document.createElement("ul");
      ul.id = "nav-list-" + (lists++);
      for (var i = 0; i < items.length; i++) ul.appendChild(line(items[i]));
      return ul;
    }

    function line(item) {
      var title = item[0], href = item[1], severity = item[2], children = item[3];
      var li = document.createElement("li");
      li.className = "nav-item" + (children ? " section" : "");
      if (href !== null) {
        var a = document.createElement("a");
        a.href = root + href;
        if (href === here) a.setAttribute("aria-current", "page");
        if (severity) {
          var dot = document.createElement("span");
          dot.className = "sev-dot sev-" + severity[0];
          dot.title = severity[1];
          a.appendChild(dot);
        }
        a.appendChild(document.createTextNode(title));
        li.appendChild(a);
      }
      if (!children) return li;
      var button = document.createElement("button");
      button.type = "button";
      if (href === null) {
        // A folder without a page: its name opens it.
        button.className = "nav-toggle nav-label";
        button.textContent = title;
      } else {
        button.className = "nav-toggle";
        button.setAttribute("aria-label", title);
      }
      li.appendChild(button);
      var sub = null;
      function show(open) {
        if (open && !sub) {
          sub = list(children);
          li.appendChild(sub);
          button.setAttribute("aria-controls", sub.id);
        }
        if (sub) sub.hidden = !open;
        li.classList.toggle("open", open);
        button.setAttribute("aria-expanded", open ? "true" : "false");
      }
      show(onPath.indexOf(item) >= 0);
      button.addEventListener("click", function () {
        show(button.getAttribute("aria-expanded") !== "true");
      });
      return li;
    }

    var tree = list(nav.items);
    tree.className = "nav-tree";
    fallback.parentNode.replaceChild(tree, fallback);
    revealCurrent();
  }

  // Brings the current page into the sidebar's view, not the window's; on
  // a phone the sidebar is hidden until the menu opens, so again then.
  function revealCurrent() {
    var sidebar = document.getElementById("sidebar");
    var current = sidebar && sidebar.querySelector(".nav-tree a[aria-current]");
    if (!current || sidebar.scrollHeight <= sidebar.clientHeight) return;
    var offset = current.getBoundingClientRect().top - sidebar.getBoundingClientRect().top;
    sidebar.scrollTop += offset - sidebar.clientHeight / 3;
  }
  drawNav();

  // ---- Placeholders: fill once, every command on every page follows ----
  function loadValues() {
    try { return JSON.parse(storageGet(STORE_VALUES) || "{}") || {}; } catch (e) { return {}; }
  }
  var values = loadValues();

  // Labels fill the placeholders runbook.yaml maps to them (`label:`),
  // and the values are kept like typed ones. Returns whether any did.
  function fillFromLabels(params) {
    var inputs = document.querySelectorAll("input[data-placeholder][data-label]");
    var changed = false;
    for (var i = 0; i < inputs.length; i++) {
      var value = (params.get(inputs[i].dataset.label) || "").trim();
      if (value) {
        values[inputs[i].dataset.placeholder] = value;
        changed = true;
      }
    }
    if (changed) storageSet(STORE_VALUES, JSON.stringify(values));
    return changed;
  }

  // A link from an alert carries its labels (`alerts/Name.html?pod=…`,
  // kept through the redirect).
  (function valuesFromLink() {
    var params;
    try { params = new URLSearchParams(location.search); } catch (e) { return; }
    fillFromLabels(params);
  })();

  function applyValues() {
    var spans = document.querySelectorAll(".ph[data-ph]");
    for (var i = 0; i < spans.length; i++) {
      var span = spans[i];
      if (span.dataset.original === undefined) span.dataset.original = span.textContent;
      var value = values[span.dataset.ph];
      if (value) {
        span.textContent = value;
        span.classList.add("filled");
      } else {
        span.textContent = span.dataset.original;
        span.classList.remove("filled");
      }
    }
    var inputs = document.querySelectorAll("input[data-placeholder]");
    for (var j = 0; j < inputs.length; j++) {
      var input = inputs[j];
      var v = values[input.dataset.placeholder] || "";
      if (input.value !== v && document.activeElement !== input) input.value = v;
    }
  }

  function saveValues() {
    var clean = {};
    Object.keys(values).forEach(function (k) { if (values[k]) clean[k] = values[k]; });
    values = clean;
    storageSet(STORE_VALUES, Object.keys(clean).length ? JSON.stringify(clean) : null);
  }

  document.addEventListener("input", function (event) {
    var input = event.target;
    if (!input.dataset || !input.dataset.placeholder) return;
    values[input.dataset.placeholder] = input.value.trim();
    saveValues();
    applyValues();
  });
  // The banner of a firing alert: its button carries the alert's labels
  // (drawn by the panels' module) and fills the page's commands from them.
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("button[data-fill-labels]");
    if (!button) return;
    var params;
    try { params = new URLSearchParams(button.getAttribute("data-fill-labels")); } catch (e) { return; }
    if (fillFromLabels(params)) {
      applyValues();
      foldForm();
    }
  });
  document.addEventListener("click", function (event) {
    if (!event.target.closest("[data-placeholder-clear]")) return;
    values = {};
    saveValues();
    var inputs = document.querySelectorAll("input[data-placeholder]");
    for (var i = 0; i < inputs.length; i++) inputs[i].value = "";
    applyValues();
  });
  // The form starts folded to its one-line summary when none of this
  // page's placeholders has a value, so a phone's first screen shows the
  // page, not the form; it opens on click, or when a value is set.
  function foldForm() {
    var form = document.querySelector("details.placeholders");
    if (!form) return;
    var inputs = form.querySelectorAll("input[data-placeholder]");
    var any = false;
    for (var i = 0; i < inputs.length; i++) {
      if (values[inputs[i].dataset.placeholder]) any = true;
    }
    form.open = any;
  }
  foldForm();

  // Another tab filled a value: follow it.
  window.addEventListener("storage", function (event) {
    if (event.key === STORE_VALUES) { values = loadValues(); applyValues(); }
  });

  // ---- Copy: exactly the commands, without prompts or output ----
  function commandText(block) {
    var code = block.querySelector("pre code") || block.querySelector("pre");
    var clone = code.cloneNode(true);
    var skip = clone.querySelectorAll(".prompt, .output");
    for (var i = 0; i < skip.length; i++) skip[i].remove();
    var text = clone.textContent;
    if (block.dataset.lang === "console" || skip.length) {
      text = text.split("\n").filter(function (line) { return line.trim() !== ""; }).join("\n");
    }
    return text.replace(/\n+$/, "");
  }

  function copyText(text) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text);
    }
    // http:// on a LAN address: the async clipboard is not available.
    return new Promise(function (resolve, reject) {
      var area = document.createElement("textarea");
      area.value = text;
      area.setAttribute("readonly", "");
      area.style.position = "fixed";
      area.style.opacity = "0";
      document.body.appendChild(area);
      area.select();
      var ok = false;
      try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
      area.remove();
      if (ok) resolve(); else reject(new Error("copy failed"));
    });
  }

  var labels = words();

  // Each code block's copy button is made here, not written into the
  // page: without this script it could copy nothing. It sits in the bar
  // the stylesheet draws over the block (.code::before); a print document
  // has no bar, and no button.
  var blocks = document.querySelectorAll(".code");
  for (var b = 0; b < blocks.length; b++) {
    if (blocks[b].closest(".print-doc") || blocks[b].querySelector(":scope > .copy")) continue;
    var button = document.createElement("button");
    button.className = "copy";
    button.type = "button";
    button.textContent = labels.copy;
    button.setAttribute("aria-live", "polite");
    blocks[b].insertBefore(button, blocks[b].firstChild);
  }
  document.addEventListener("click", function (event) {
    var button = event.target.closest(".code .copy");
    if (!button) return;
    var block = button.closest(".code");
    copyText(commandText(block)).then(function () {
      button.textContent = labels.copied;
      button.classList.add("copied");
      setTimeout(function () { button.textContent = labels.copy; button.classList.remove("copied"); }, 1500);
    }, function () {
      // Clipboard refused: select the text so Ctrl-C works.
      var range = document.createRange();
      range.selectNodeContents(block.querySelector("pre"));
      var selection = window.getSelection();
      selection.removeAllRanges();
      selection.addRange(range);
    });
  });

  // ---- Colour scheme toggle; the choice was applied before paint ----
  var themeButton = document.querySelector(".theme-toggle");
  if (themeButton) {
    themeButton.addEventListener("click", function () {
      var dark = doc.dataset.theme ? doc.dataset.theme === "dark"
        : window.matchMedia("(prefers-color-scheme: dark)").matches;
      doc.dataset.theme = dark ? "light" : "dark";
      storageSet(STORE_THEME, doc.dataset.theme);
    });
  }

  // Paper is white: print in the light scheme, highlighting included, and
  // put the reader's choice back after.
  var printedFrom = null;
  window.addEventListener("beforeprint", function () {
    printedFrom = doc.dataset.theme || "";
    doc.dataset.theme = "light";
  });
  window.addEventListener("afterprint", function () {
    if (printedFrom === null) return;
    if (printedFrom) doc.dataset.theme = printedFrom; else delete doc.dataset.theme;
    printedFrom = null;
  });

  // ---- Menu on small screens ----
  var menu = document.querySelector(".menu-toggle");
  var sidebar = document.getElementById("sidebar");
  if (menu && sidebar) {
    menu.addEventListener("click", function () {
      var open = sidebar.classList.toggle("open");
      menu.setAttribute("aria-expanded", open ? "true" : "false");
      if (open) revealCurrent();
    });
  }

  // ---- "/" focuses search, as on GitHub ----
  document.addEventListener("keydown", function (event) {
    if (event.key !== "/" || event.ctrlKey || event.metaKey || event.altKey) return;
    var tag = (event.target.tagName || "").toLowerCase();
    if (tag === "input" || tag === "textarea" || event.target.isContentEditable) return;
    var search = document.querySelector(".search-input");
    if (search) { event.preventDefault(); search.focus(); }
  });

  // ---- Offline copy: kept by the site's service worker (sw.js) ----
  // The published site registers it; the dev server's pages do not carry
  // the meta, so a writer always sees the live preview.
  var worker = document.querySelector('meta[name="runbook-worker"]');
  if (worker && "serviceWorker" in navigator) {
    window.addEventListener("load", function () {
      navigator.serviceWorker.register(worker.content).catch(function (error) {
        console.warn("runbook: no offline copy:", error);
      });
    });
  }
  // The worker marks a page it served from its cache.
  var offline = document.querySelector('meta[name="runbook-offline"]');
  var main = document.getElementById("main");
  if (offline && main) {
    doc.classList.add("offline-copy");
    var when = new Date(offline.content);
    var text = isNaN(when.getTime()) ? labels.offlineSaved
      : labels.offline.replace("{time}", when.toLocaleString(doc.lang || undefined, {
        year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit"
      }));
    if (offline.dataset.search === "0" && document.querySelector(".search-input")) {
      text += " · " + labels.searchOnline;
    }
    var banner = document.createElement("p");
    banner.className = "offline-banner";
    banner.setAttribute("role", "status");
    banner.textContent = text;
    main.insertBefore(banner, main.firstChild);
  }

  applyValues();
})();
