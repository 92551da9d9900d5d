// runbook serve's answer to sw.js: a service worker that removes itself.
// A browser that kept a published runbook site from this same address
// (its offline copy, sw.js) asks for the worker again on its next visit;
// this one replaces it, deletes the offline copies and reloads the open
// tabs, so a writer never reads a kept page instead of the live preview.
// It has no fetch handler: nothing it controls is ever answered from a
// cache.
"use strict";
self.addEventListener("install", () => self.skipWaiting());
self.addEventListener("activate", (event) => {
  event.waitUntil((async () => {
    await self.clients.claim();
    await self.registration.unregister();
    for (const name of await caches.keys()) {
      if (name.startsWith("runbook-offline-")) await caches.delete(name);
    }
    for (const client of await self.clients.matchAll({ type: "window" })) {
      client.navigate(client.url);
    }
  })());
});
