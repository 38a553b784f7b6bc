/* The filing page's outbox (issue 13): a report sent without signal, or whose sending failed,
   waits on the phone and is sent by itself when the signal returns (Background Sync where the
   browser has it, else when a page opens and on `online`); the list says what waits and what was
   sent. The sending itself is in outbox-core.js, shared with the service worker. */
(function () {
  "use strict";
  var form = document.getElementById("report-form"), box = document.getElementById("outbox");
  if (!form || !box || !window.indexedDB || !window.AduanOutbox) return;
  var user = form.dataset.user, text = box.dataset;

  function line(item) {
    var li = document.createElement("li"), title = "";
    item.fields.forEach(function (pair) { if (pair[0] === "title") title = pair[1]; });
    li.className = "outbox-" + item.state;
    var strong = document.createElement("strong");
    strong.textContent = title || text.untitled;
    li.appendChild(strong);
    li.appendChild(document.createTextNode(" · "));
    if (item.state === "sent") {
      var link = document.createElement("a");
      link.href = item.url; link.textContent = text.sent + " " + item.code;
      li.appendChild(link);
    } else if (item.state === "needs_fix") {
      li.appendChild(document.createTextNode(text.needsFix + " " +
        (item.errors || []).map(function (e) { return (e.label ? e.label + ": " : "") + e.message; }).join("; ")));
    } else {
      li.appendChild(document.createTextNode(item.needsLogin ? text.needsLogin : text.waiting));
    }
    return li;
  }

  function show(items) {
    var mine = (items || []).filter(function (i) { return String(i.user) === user; });
    var week = Date.now() - 7 * 24 * 3600 * 1000;
    mine = mine.filter(function (i) { return i.state !== "sent" || i.sentAt > week; });
    var list = box.querySelector("ul");
    list.textContent = "";
    mine.sort(function (a, b) { return b.createdAt - a.createdAt; }).forEach(function (item) {
      list.appendChild(line(item));
    });
    box.hidden = !mine.length;
    return items;
  }

  function refresh() { return AduanOutbox.store.all("outbox").then(show); }

  function flush() {
    return AduanOutbox.flush().then(show, function () { return refresh(); });
  }

  function askForSync() {
    if (!("serviceWorker" in navigator)) return Promise.resolve(false);
    return navigator.serviceWorker.ready.then(function (registration) {
      return registration.sync ? registration.sync.register(AduanOutbox.SYNC_TAG).then(function () { return true; }) : false;
    }).catch(function () { return false; });
  }

  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.addEventListener("message", function (event) {
      if (event.data && event.data.type === "outbox") refresh();
    });
  }
  window.addEventListener("online", flush);
  refresh().then(function (items) {
    var waiting = (items || []).some(function (i) { return i.state === "waiting"; });
    if (waiting && navigator.onLine) flush();
  });

  /* Called by draft.js on submit: the report joins the outbox and is sent at once if it can be.
     Resolves with the item as it is after the first try. */
  window.AduanQueue = {
    send: function (item) {
      item.user = user;
      return AduanOutbox.enqueue(item).then(function () {
        askForSync();
        if (!navigator.onLine) return item;
        return AduanOutbox.flush().then(function (items) {
          show(items);
          return AduanOutbox.store.get("outbox", item.key);
        }, function () { return refresh().then(function () { return item; }); });
      }).then(function (current) { refresh(); return current || item; });
    },
    remove: function (key) { return AduanOutbox.store.remove("outbox", key).then(refresh); }
  };
})();
