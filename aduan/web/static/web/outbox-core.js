/* The device's outbox of reports (issue 13: "Kirim saat ada sinyal"), shared by the filing page
   (outbox.js, draft.js) and the service worker (/sw.js, importScripts).

   IndexedDB "aduan", two stores:
   - drafts: one draft of the filing form per account ({id: "report:<user>", fields, photos, savedAt});
   - outbox: reports waiting to be sent ({key, user, fields, photos, state, code, url, errors}).
   Sending is in outbox-send.js. */
(function (root) {
  "use strict";
  var DB_NAME = "aduan", DB_VERSION = 1, SYNC_TAG = "aduan-outbox";

  function open() {
    return new Promise(function (resolve, reject) {
      var request = indexedDB.open(DB_NAME, DB_VERSION);
      request.onupgradeneeded = function () {
        var db = request.result;
        if (!db.objectStoreNames.contains("drafts")) db.createObjectStore("drafts", {keyPath: "id"});
        if (!db.objectStoreNames.contains("outbox")) db.createObjectStore("outbox", {keyPath: "key"});
      };
      request.onsuccess = function () { resolve(request.result); };
      request.onerror = function () { reject(request.error); };
    });
  }

  function run(store, mode, work) {
    return open().then(function (db) {
      return new Promise(function (resolve, reject) {
        var tx = db.transaction(store, mode), result;
        var request = work(tx.objectStore(store));
        if (request) request.onsuccess = function () { result = request.result; };
        tx.oncomplete = function () { db.close(); resolve(result); };
        tx.onerror = tx.onabort = function () { db.close(); reject(tx.error); };
      });
    });
  }

  function newKey() {
    if (root.crypto && root.crypto.randomUUID) return root.crypto.randomUUID();
    var bytes = new Uint8Array(16);
    root.crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }

  var store = {
    get: function (name, id) { return run(name, "readonly", function (s) { return s.get(id); }); },
    put: function (name, value) { return run(name, "readwrite", function (s) { return s.put(value); }); },
    remove: function (name, id) { return run(name, "readwrite", function (s) { return s.delete(id); }); },
    all: function (name) { return run(name, "readonly", function (s) { return s.getAll(); }); }
  };

  /* The sending (outbox-send.js) is loaded only when there is something to send: the filing
     page's first load stays light. The service worker imports both files. */
  function loadSender() {
    return new Promise(function (resolve, reject) {
      var form = document.getElementById("report-form"), script = document.createElement("script");
      script.src = form.dataset.sender;
      script.onload = resolve;
      script.onerror = reject;
      document.head.appendChild(script);
    });
  }

  root.AduanOutbox = {
    SYNC_TAG: SYNC_TAG, store: store, newKey: newKey,
    flush: function () {
      return loadSender().then(function () { return root.AduanOutbox.flush(); });
    },
    enqueue: function (item) {
      item.state = "waiting"; item.createdAt = Date.now();
      return store.put("outbox", item);
    }
  };
})(self);
