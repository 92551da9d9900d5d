// runbook serve: live reload and the build-error overlay.
// Injected into HTML responses by the dev server only; never part of a
// built site, so a user's theme does not have to carry it.
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script || window.__runbookServe) return;
  // State for the curious (and the browser tests): is the socket open?
  var state = window.__runbookServe = { connected: false };

  // Set by the server: this page's output path ("db/index.html"), the
  // build it came from, and the path the site is served under.
  var file = script.dataset.file;
  var generation = script.dataset.generation;
  var session = script.dataset.session;
  var base = script.dataset.base || "/";
  var scrollKey = "runbook-serve-scroll:" + location.pathname;

  restoreScroll();
  connect(0);

  // A live reload keeps the reader where they were: the position is saved
  // before reloading and put back once the new page has laid out.
  function restoreScroll() {
    var saved = null;
    try {
      saved = sessionStorage.getItem(scrollKey);
      sessionStorage.removeItem(scrollKey);
    } catch (e) { /* storage disabled: the browser's own restore applies */ }
    if (!saved) return;
    var at = JSON.parse(saved);
    if ("scrollRestoration" in history) history.scrollRestoration = "manual";
    var apply = function () { window.scrollTo(at[0], at[1]); };
    apply();
    document.addEventListener("DOMContentLoaded", apply);
    window.addEventListener("load", apply);
  }

  function reload() {
    try {
      sessionStorage.setItem(scrollKey, JSON.stringify([window.scrollX, window.scrollY]));
    } catch (e) { /* reload all the same */ }
    location.reload();
  }

  // Site paths this page is made of: itself, and the styles, scripts,
  // images and wasm it loaded. Only a change to one of them reloads it.
  function ownPaths() {
    var paths = {};
    paths[file] = true;
    var urls = [];
    document.querySelectorAll("link[rel~=stylesheet][href], link[rel~=icon][href], link[rel=modulepreload][href], script[src], img[src]")
      .forEach(function (el) { urls.push(el.href || el.src); });
    if (window.performance && performance.getEntriesByType) {
      performance.getEntriesByType("resource").forEach(function (entry) {
        if (/\.(css|js|mjs|wasm)(\?|$)/.test(entry.name)) urls.push(entry.name);
      });
    }
    urls.forEach(function (href) {
      try {
        var url = new URL(href, location.href);
        if (url.origin !== location.origin) return;
        var path = decodeURIComponent(url.pathname);
        if (path.indexOf(base) !== 0) return;
        path = path.slice(base.length);
        if (path === "" || path.slice(-1) === "/") path += "index.html";
        paths[path] = true;
      } catch (e) { /* not a URL we serve */ }
    });
    return paths;
  }

  function touchesThisPage(changed) {
    if (changed === null) return true;
    var mine = ownPaths();
    for (var i = 0; i < changed.length; i++) {
      if (mine[changed[i]]) return true;
    }
    return false;
  }

  function connect(attempt) {
    var url = (location.protocol === "https:" ? "wss://" : "ws://") + location.host +
      "/__runbook/live?since=" + encodeURIComponent(generation) +
      "&session=" + encodeURIComponent(session);
    var socket;
    try { socket = new WebSocket(url); } catch (e) { return retry(attempt); }
    socket.onopen = function () { attempt = 0; state.connected = true; };
    socket.onmessage = function (event) {
      var message = JSON.parse(event.data);
      if (message.kind === "built") {
        hideOverlay();
        generation = String(message.generation);
        if (touchesThisPage(message.changed)) reload();
      } else if (message.kind === "failed") {
        showOverlay(message.report);
      }
    };
    // The server restarted or stopped: try again, more slowly each time.
    socket.onclose = function () { state.connected = false; retry(attempt + 1); };
  }

  function retry(attempt) {
    setTimeout(function () { connect(attempt); }, Math.min(5000, 250 * Math.pow(2, attempt)));
  }

  // The overlay lives in a shadow root so the theme's styles cannot reach
  // it, over the last good page, which stays readable underneath.
  var OVERLAY_ID = "runbook-serve-overlay";

  function hideOverlay() {
    var host = document.getElementById(OVERLAY_ID);
    if (host) host.remove();
  }

  function showOverlay(report) {
    hideOverlay();
    var host = document.createElement("div");
    host.id = OVERLAY_ID;
    var root = host.attachShadow({ mode: "open" });
    var style = document.createElement("style");
    style.textContent =
      ":host{all:initial}" +
      ".panel{position:fixed;z-index:2147483647;left:0;right:0;top:0;max-height:70vh;overflow:auto;" +
      "background:#1e1e1e;color:#eee;border-bottom:4px solid #e5484d;box-shadow:0 4px 24px rgba(0,0,0,.4);" +
      "font:14px/1.5 system-ui,sans-serif;padding:16px 20px}" +
      "h2{margin:0 0 8px;font-size:16px;color:#ff8589}" +
      ".note{color:#aaa;margin:0 0 12px}" +
      ".error{margin:0 0 14px}" +
      ".location{font:bold 14px/1.5 ui-monospace,monospace;color:#ffd479}" +
      ".message{white-space:pre-wrap;font-family:ui-monospace,monospace;margin:2px 0}" +
      ".hint{color:#8fd694}" +
      "button{position:absolute;top:10px;right:12px;background:none;border:0;color:#ccc;font-size:20px;cursor:pointer}";
    root.appendChild(style);
    var panel = document.createElement("div");
    panel.className = "panel";
    panel.setAttribute("role", "alert");
    var close = document.createElement("button");
    close.type = "button";
    close.setAttribute("aria-label", "Hide");
    close.textContent = "×";
    close.onclick = hideOverlay;
    panel.appendChild(close);
    var title = document.createElement("h2");
    title.textContent = "Build failed";
    panel.appendChild(title);
    var note = document.createElement("p");
    note.className = "note";
    note.textContent = "The page below is the last good build. Fix the file and save: this goes away.";
    panel.appendChild(note);
    report.errors.forEach(function (error) {
      var item = document.createElement("div");
      item.className = "error";
      var location = document.createElement("div");
      location.className = "location";
      location.textContent = error.location;
      var message = document.createElement("div");
      message.className = "message";
      message.textContent = error.message;
      item.appendChild(location);
      item.appendChild(message);
      if (error.hint) {
        var hint = document.createElement("div");
        hint.className = "hint";
        hint.textContent = "fix: " + error.hint;
        item.appendChild(hint);
      }
      panel.appendChild(item);
    });
    root.appendChild(panel);
    (document.body || document.documentElement).appendChild(host);
  }
})();
