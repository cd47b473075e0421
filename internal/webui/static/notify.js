// The bell in the admin top bar: the unread count, kept current over server-sent events.
(function () {
  "use strict";
  var badge = document.getElementById("bell-count");
  if (!badge) return;
  function refresh() {
    fetch("/admin/partials/notifications/count", {credentials: "same-origin", headers: {"Accept": "application/json"}})
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (j) {
        if (!j) return;
        badge.textContent = String(j.unread);
        badge.hidden = j.unread === 0;
      });
  }
  var es = new EventSource("/admin/events");
  es.addEventListener("notification", refresh);
  es.addEventListener("open", refresh);
  // Leaving the page closes the stream at once: a browser allows six connections to a
  // server, and streams of pages left behind (kept for the back button) would hold them.
  window.addEventListener("pagehide", function () { es.close(); });
})();
