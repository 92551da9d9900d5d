// runbook's service worker: keeps the whole site for reading offline.
// `BUILD` (above, written by the build) names the build this worker keeps.
//
// - install: fetches every file offline.json lists into a cache named
//   after the build, checking each file's SHA-256 against the list; any
//   failure deletes that cache and fails the install (the browser tries
//   again on a later visit), so a cache is always one whole build.
// - activate: only then deletes the caches of other builds.
// - fetch: the network first, so a new build shows at once; the cache when
//   the network fails (or a page takes longer than NAVIGATION_TIMEOUT_MS).
//   A page from the cache carries <meta name="runbook-offline">, which
//   runbook.js shows as "offline copy from …".
"use strict";

const PREFIX = "runbook-offline-";
const CACHE = PREFIX + BUILD;
const SCOPE = new URL("./", self.location.href).href;
const META = new URL("offline.json", SCOPE).href;
const NAVIGATION_TIMEOUT_MS = 6000;
const PARALLEL = 6;

self.addEventListener("install", (event) => {
  event.waitUntil(install().then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil((async () => {
    for (const name of await caches.keys()) {
      if (name.startsWith(PREFIX) && name !== CACHE) await caches.delete(name);
    }
    await self.clients.claim();
  })());
});

async function install() {
  const response = await fetch(META, { cache: "no-cache" });
  if (!response.ok) throw new Error("offline.json: HTTP " + response.status);
  const manifest = await response.json();
  if (manifest.version !== 1 || manifest.build !== BUILD) {
    throw new Error("offline.json is of another build than sw.js; trying again later");
  }
  // A cache left by an install that was cut short is never trusted.
  await caches.delete(CACHE);
  const cache = await caches.open(CACHE);
  try {
    const queue = manifest.files.slice();
    const fetchNext = async () => {
      while (queue.length) {
        const [href, hash] = queue.shift();
        const url = new URL(href, SCOPE).href;
        const got = await fetch(url, { cache: "no-cache" });
        if (!got.ok) throw new Error(href + ": HTTP " + got.status);
        const body = await got.arrayBuffer();
        if ((await sha256(body)) !== hash) {
          throw new Error(href + " is of another build than offline.json");
        }
        const type = got.headers.get("content-type") || "application/octet-stream";
        await cache.put(url, new Response(body, { headers: { "content-type": type } }));
      }
    };
    await Promise.all(Array.from({ length: PARALLEL }, fetchNext));
    const saved = {
      build: BUILD,
      built_at: manifest.built_at || new Date().toISOString(),
      search: manifest.search,
    };
    await cache.put(META, new Response(JSON.stringify(saved), {
      headers: { "content-type": "application/json" },
    }));
  } catch (error) {
    await caches.delete(CACHE);
    throw error;
  }
}

async function sha256(body) {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", body));
  let hex = "";
  for (let i = 0; i < 16; i++) hex += digest[i].toString(16).padStart(2, "0");
  return hex;
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET" || !request.url.startsWith(SCOPE)) return;
  const rel = new URL(request.url).pathname.slice(new URL(SCOPE).pathname.length);
  // The live panels' API is never kept: a panel offline says so itself.
  if (rel === "api" || rel.startsWith("api/")) return;
  event.respondWith(answer(request, rel));
});

async function answer(request, rel) {
  const navigate = request.mode === "navigate";
  const controller = new AbortController();
  const timer = navigate ? setTimeout(() => controller.abort(), NAVIGATION_TIMEOUT_MS) : null;
  try {
    // A page is asked of the host every time (`no-cache`: a 304 when
    // unchanged): one the browser's HTTP cache kept would otherwise show,
    // offline, as if it came from the network, without the banner.
    return await fetch(navigate ? new Request(request, { cache: "no-cache", signal: controller.signal }) : request);
  } catch (error) {
    const kept = await fromCache(rel, navigate);
    if (kept) return kept;
    throw error;
  } finally {
    if (timer) clearTimeout(timer);
  }
}

async function fromCache(rel, navigate) {
  const cache = await caches.open(CACHE);
  const path = rel === "" || rel.endsWith("/") ? rel + "index.html" : rel;
  let response = await cache.match(new URL(path, SCOPE).href, { ignoreSearch: true });
  if (!response && navigate) response = await cache.match(new URL("404.html", SCOPE).href);
  if (!response || !navigate) return response;
  const saved = await cache.match(META);
  const meta = saved ? await saved.json() : {};
  const html = await response.text();
  const mark = '<meta name="runbook-offline" content="' + escapeAttribute(meta.built_at || "") +
    '" data-search="' + (meta.search ? "1" : "0") + '">';
  return new Response(html.replace(/<head>/i, "<head>" + mark), {
    headers: { "content-type": "text/html; charset=utf-8" },
  });
}

function escapeAttribute(text) {
  return String(text).replace(/[&"<>]/g, (c) => ({ "&": "&amp;", '"': "&quot;", "<": "&lt;", ">": "&gt;" })[c]);
}
