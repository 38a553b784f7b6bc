/* Service worker of Aduan (issue 13), served at /sw.js so that its scope is the whole portal.
   - static files: from the cache first (they change name or version when they change);
   - pages: from the network; the filing page, the home page and "Laporan Saya" are kept, so that
     they open without signal; any other page without signal shows the offline page;
   - the outbox: reports written offline are sent by Background Sync (outbox-core.js);
   - Web Push: a change of one's report shows as a notification. */
"use strict";
var VERSION = "{{ version }}";
var STATIC_CACHE = "aduan-static-" + VERSION;
var PAGE_CACHE = "aduan-pages";
var OFFLINE_URL = "{{ offline_url }}";
var KEPT_PAGES = [{% for url in kept_pages %}"{{ url|escapejs }}"{% if not forloop.last %}, {% endif %}{% endfor %}];
var PRECACHE = [{% for url in precache %}"{{ url|escapejs }}"{% if not forloop.last %}, {% endif %}{% endfor %}];
importScripts("{{ outbox_core }}", "{{ outbox_send }}");

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(STATIC_CACHE).then(function (cache) {
    return cache.addAll(PRECACHE);
  }).then(function () { return self.skipWaiting(); }));
});

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (keys) {
    return Promise.all(keys.filter(function (key) {
      return key.indexOf("aduan-static-") === 0 && key !== STATIC_CACHE;
    }).map(function (key) { return caches.delete(key); }));
  }).then(function () { return self.clients.claim(); }));
});

function fromCacheFirst(request) {
  return caches.match(request).then(function (hit) {
    return hit || fetch(request).then(function (response) {
      if (response.ok) {
        var copy = response.clone();
        caches.open(STATIC_CACHE).then(function (cache) { cache.put(request, copy); });
      }
      return response;
    });
  });
}

function page(request) {
  var path = new URL(request.url).pathname;
  var kept = KEPT_PAGES.indexOf(path) >= 0;
  return fetch(request).then(function (response) {
    if (kept && response.ok && !response.redirected) {
      var copy = response.clone();
      caches.open(PAGE_CACHE).then(function (cache) { cache.put(path, copy); });
    }
    return response;
  }, function () {
    return caches.match(path, {cacheName: PAGE_CACHE}).then(function (hit) {
      return hit || caches.match(OFFLINE_URL);
    });
  });
}

self.addEventListener("fetch", function (event) {
  var request = event.request, url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) return;
  if (url.pathname.indexOf("{{ static_prefix }}") === 0) {
    event.respondWith(fromCacheFirst(request));
  } else if (request.mode === "navigate") {
    event.respondWith(page(request));
  }
});

function tellPages(items) {
  return self.clients.matchAll({type: "window"}).then(function (pages) {
    pages.forEach(function (client) { client.postMessage({type: "outbox", items: items || []}); });
  });
}

function flush() {
  return AduanOutbox.flush().then(tellPages, function () { return tellPages(null); });
}

self.addEventListener("sync", function (event) {
  if (event.tag === AduanOutbox.SYNC_TAG) event.waitUntil(AduanOutbox.flush().then(tellPages));
});

self.addEventListener("message", function (event) {
  var type = event.data && event.data.type;
  if (type === "flush") event.waitUntil(flush());
  // Logging out: the kept pages carry the account's name; they go with the session.
  if (type === "logout") event.waitUntil(caches.delete(PAGE_CACHE));
});

/* Web Push (aduan/push/sender.py): {"title", "body", "url", "tag"}; the code and the status only. */
self.addEventListener("push", function (event) {
  var data = {};
  try { data = event.data ? event.data.json() : {}; } catch (e) { data = {}; }
  event.waitUntil(self.registration.showNotification(data.title || "{{ site_name|escapejs }}", {
    body: data.body || "", tag: data.tag || "aduan", data: {url: data.url || "/"},
    icon: "{{ icon }}", badge: "{{ icon }}", lang: "id"
  }));
});

/* Opens the report's page: in a tab of the portal already open if there is one. Only a page of
   this site, whatever the message says. */
self.addEventListener("notificationclick", function (event) {
  event.notification.close();
  var url = new URL((event.notification.data && event.notification.data.url) || "/", self.location.origin);
  var target = url.origin === self.location.origin ? url.href : self.location.origin + "/";
  event.waitUntil(self.clients.matchAll({type: "window", includeUncontrolled: true}).then(function (pages) {
    for (var i = 0; i < pages.length; i++) {
      if (pages[i].url === target && "focus" in pages[i]) return pages[i].focus();
    }
    return self.clients.openWindow(target);
  }));
});
