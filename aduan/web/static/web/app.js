/* On every page (issue 13): installs the service worker (/sw.js), asks it to send the reports
   waiting on this phone when the page opens and when the signal returns, and empties the pages it
   keeps when the account logs out. Nothing here is needed for the portal to work. */
(function () {
  "use strict";
  if (!("serviceWorker" in navigator)) return;
  function flush() {
    navigator.serviceWorker.ready.then(function (registration) {
      if (registration.active) registration.active.postMessage({type: "flush"});
    });
  }
  navigator.serviceWorker.register("/sw.js", {scope: "/"}).then(flush, function () {});
  window.addEventListener("online", flush);
  document.addEventListener("submit", function (event) {
    var action = event.target.getAttribute("action") || "";
    if (/\/keluar\/$/.test(action) && navigator.serviceWorker.controller) {
      navigator.serviceWorker.controller.postMessage({type: "logout"});
    }
  });
})();
