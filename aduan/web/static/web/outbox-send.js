/* Sending the device's outbox (issue 13), loaded by outbox-core.js when something waits, and
   imported by the service worker for Background Sync. Each report and each photo carries its own
   Idempotency-Key: a photo is uploaded on its own (POST /lapor/unggah/), then the report names the
   photos it keeps; a retry after a lost answer is answered with what the first request did. */
(function (root) {
  "use strict";
  var FILING_URL = "/lapor/", UPLOAD_URL = "/lapor/unggah/";
  var store = root.AduanOutbox.store;

  /* What the filing page says about the account and its CSRF token: read from the page itself,
     fetched afresh (the service worker cannot read cookies; a cached page may be old). */
  function session() {
    return fetch(FILING_URL, {credentials: "same-origin", cache: "no-store"}).then(function (response) {
      if (response.redirected || !response.ok) return null;  // logged out: to the log-in first
      return response.text().then(function (html) {
        var token = /name="csrfmiddlewaretoken" value="([^"]+)"/.exec(html);
        var user = /data-user="(\d+)"/.exec(html);
        return token && user ? {csrf: token[1], user: user[1]} : null;
      });
    });
  }

  function post(url, body, key, csrf) {
    return fetch(url, {
      method: "POST", body: body, credentials: "same-origin",
      headers: {"Idempotency-Key": key, "X-CSRFToken": csrf, "Accept": "application/json"}
    }).then(function (response) {
      if (response.redirected) return {status: 401, body: {}};
      return response.json().catch(function () { return {}; }).then(function (json) {
        return {status: response.status, body: json};
      });
    });
  }

  /* One report: its photos first, each on its own (a photo already uploaded is not sent again),
     then the report with the keys of its photos. Returns the item as it is now. A network
     failure leaves it waiting; a refusal of the report (422) asks the citizen to correct it. */
  function sendOne(item, who) {
    var photos = item.photos || [];
    var chain = Promise.resolve();
    photos.forEach(function (photo) {
      chain = chain.then(function () {
        if (photo.uploaded || photo.refused) return;
        var body = new FormData();
        body.append("file", photo.blob, photo.name);
        return post(UPLOAD_URL, body, photo.key, who.csrf).then(function (reply) {
          if (reply.status === 201 || reply.status === 200) photo.uploaded = true;
          else if (reply.status === 422) photo.refused = reply.body.error || "";
          else throw new Error("upload " + reply.status);
          return store.put("outbox", item);
        });
      });
    });
    return chain.then(function () {
      var body = new FormData();
      item.fields.forEach(function (pair) { body.append(pair[0], pair[1]); });
      body.set("form_token", item.key);
      photos.forEach(function (photo) { if (photo.uploaded) body.append("pending_uploads", photo.key); });
      return post(FILING_URL, body, item.key, who.csrf);
    }).then(function (reply) {
      if (reply.status === 200 || reply.status === 201) {
        item.state = "sent"; item.code = reply.body.code; item.url = reply.body.url;
        item.sentAt = Date.now();
        photos.forEach(function (photo) { delete photo.blob; });  // the server has them now
      } else if (reply.status === 422) {
        item.state = "needs_fix"; item.errors = reply.body.errors || [];
      } else if (reply.status === 401) {
        item.state = "waiting"; item.needsLogin = true;
      } else {
        throw new Error("report " + reply.status);
      }
      return store.put("outbox", item).then(function () { return item; });
    });
  }

  var flushing = null;
  /* Send every waiting report of the account that is logged in. Called on the page's load and on
     `online`, and by the service worker's Background Sync. Two flushes at once (page and worker)
     are harmless: the server answers a repeated key with the first result. */
  function flush() {
    if (flushing) return flushing;
    flushing = store.all("outbox").then(function (items) {
      var waiting = items.filter(function (i) { return i.state === "waiting"; });
      if (!waiting.length) return items;
      return session().then(function (who) {
        if (!who) {
          waiting.forEach(function (i) { i.needsLogin = true; });
          return items;
        }
        var chain = Promise.resolve();
        waiting.filter(function (i) { return String(i.user) === who.user; }).forEach(function (item) {
          item.needsLogin = false;
          chain = chain.then(function () { return sendOne(item, who); });
        });
        return chain.then(function () { return store.all("outbox"); });
      });
    }).then(function (items) {
      flushing = null; return items;
    }, function (error) {
      flushing = null; throw error;
    });
    return flushing;
  }

  root.AduanOutbox.flush = flush;
})(self);
