/* On every page (issue 13): installs the service worker (/sw.js), asks it to send the reports
   waiting on this phone when the page opens and when the signal returns, to keep a copy of a page
   it did not answer itself, and to empty the pages it keeps when the account logs out. Nothing
   here is needed for the portal to work. */
(function () {
  "use strict";
  if (!("serviceWorker" in navigator)) return;
  // Whether the worker answered this page's navigation: not on the first visit, nor on a page
  // opened while the worker was still installing.
  function servedByWorker() {
    var entries = performance.getEntriesByType ? performance.getEntriesByType("navigation") : [];
    return entries.length > 0 && entries[0].workerStart > 0;
  }
  function tell(message) {
    navigator.serviceWorker.ready.then(function (registration) {
      if (registration.active) registration.active.postMessage(message);
    });
  }
  function flush() {
    tell({type: "flush"});
  }
  navigator.serviceWorker.register("/sw.js", {scope: "/"}).then(function () {
    flush();
    if (!servedByWorker()) tell({type: "keep", path: location.pathname});
  }, function () {});
  window.addEventListener("online", flush);
  document.addEventListener("submit", function (event) {
    var action = event.target.getAttribute("action") || "";
    if (/\/keluar\/$/.test(action) && navigator.serviceWorker.controller) {
      navigator.serviceWorker.controller.postMessage({type: "logout"});
    }
  });
})();
