/* "Aktifkan notifikasi di ponsel ini" on /akun/notifikasi/ (aduan/push): asks the browser's
   permission, subscribes through the service worker's pushManager with the server's VAPID public
   key, and gives the subscription to the server; "Matikan" unsubscribes and tells the server.
   Without Push support the buttons stay hidden and the page says why (the texts are the page's,
   translated on the server). */
(function () {
  "use strict";
  var box = document.getElementById("push-device");
  if (!box) return;
  var status = document.getElementById("push-status");
  var enable = document.getElementById("push-enable");
  var disable = document.getElementById("push-disable");
  var noJs = document.getElementById("push-nojs");

  function say(text) { status.textContent = text; }

  /* Our own messages are shown as they are; the browser's (in English) as the page's "failed". */
  function ours(text) { var error = new Error(text); error.ours = true; return error; }
  function failed(error) { say(error && error.ours ? error.message : box.dataset.msgFailed); }

  function keyBytes(base64url) {
    var padded = (base64url + "===".slice((base64url.length + 3) % 4)).replace(/-/g, "+").replace(/_/g, "/");
    var raw = window.atob(padded), bytes = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i);
    return bytes;
  }

  function csrf() {
    var field = document.querySelector("input[name=csrfmiddlewaretoken]");
    return field ? field.value : "";
  }

  function tell(url, subscription) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: {"Content-Type": "application/json", "Accept": "application/json", "X-CSRFToken": csrf()},
      body: JSON.stringify(subscription.toJSON())
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (reply) {
        if (!response.ok) throw ours(reply.error || box.dataset.msgFailed);
        return reply;
      });
    });
  }

  function show(subscribed) {
    enable.hidden = subscribed;
    disable.hidden = !subscribed;
    say(subscribed ? box.dataset.msgOn : box.dataset.msgOff);
  }

  var supported = "serviceWorker" in navigator && "PushManager" in window && "Notification" in window;
  if (!supported) {
    noJs.textContent = box.dataset.msgUnsupported;
    return;
  }
  noJs.hidden = true;
  if (Notification.permission === "denied") {
    say(box.dataset.msgDenied);
    return;
  }
  navigator.serviceWorker.register("/sw.js", {scope: "/"}).catch(function () {});
  var ready = navigator.serviceWorker.ready;

  ready.then(function (registration) {
    return registration.pushManager.getSubscription();
  }).then(function (subscription) { show(Boolean(subscription)); });

  enable.addEventListener("click", function () {
    enable.disabled = true;
    Notification.requestPermission().then(function (permission) {
      if (permission !== "granted") throw ours(box.dataset.msgDenied);
      return ready;
    }).then(function (registration) {
      return registration.pushManager.subscribe({
        userVisibleOnly: true, applicationServerKey: keyBytes(box.dataset.key)
      });
    }).then(function (subscription) {
      return tell(box.dataset.subscribeUrl, subscription);
    }).then(function () { show(true); }, failed).then(function () { enable.disabled = false; });
  });

  disable.addEventListener("click", function () {
    disable.disabled = true;
    ready.then(function (registration) {
      return registration.pushManager.getSubscription();
    }).then(function (subscription) {
      if (!subscription) return null;
      return tell(box.dataset.unsubscribeUrl, subscription).then(function () {
        return subscription.unsubscribe();
      });
    }).then(function () { show(false); }, failed).then(function () { disable.disabled = false; });
  });
}());
