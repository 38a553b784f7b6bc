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

/* A copy of a kept page, stored before the worker may stop: a phone that loses its signal a moment
   after opening the page still has it. Only a kept page, answered in full and not redirected (a
   page that sent to the log-in is not the page asked for). */
var loggedOut = 0;  // counts log-outs: a copy fetched before one is not stored after it

function keep(path, response, since) {
  if (KEPT_PAGES.indexOf(path) < 0 || !response.ok || response.redirected) return Promise.resolve();
  return caches.open(PAGE_CACHE).then(function (cache) {
    if (since === loggedOut) return cache.put(path, response);
  });
}

function page(event) {
  var request = event.request, path = new URL(request.url).pathname, since = loggedOut;
  return fetch(request).then(function (response) {
    event.waitUntil(keep(path, response.clone(), since));
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
    event.respondWith(page(event));
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
  // A page opened before this worker took charge (the first visit) was never seen by it: it is
  // fetched once more, so that the filing page opens without signal from the first visit on.
  var path = type === "keep" && new URL(String(event.data.path), self.location.origin).pathname;
  if (path && KEPT_PAGES.indexOf(path) >= 0) {
    var since = loggedOut;
    event.waitUntil(fetch(path, {credentials: "same-origin"}).then(function (response) {
      return keep(path, response, since);
    }, function () {}));
  }
  // Logging out: the kept pages carry the account's name; they go with the session.
  if (type === "logout") {
    loggedOut += 1;
    event.waitUntil(caches.delete(PAGE_CACHE));
  }
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
