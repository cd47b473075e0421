// The knowledge page: the document list follows ingestion live over server-sent events.
(function () {
  "use strict";
  // Forms that destroy something ask first (inline handlers are barred by the CSP).
  document.addEventListener("submit", function (e) {
    var msg = e.target.getAttribute && e.target.getAttribute("data-confirm");
    if (msg && !window.confirm(msg)) e.preventDefault();
  });
  var list = document.getElementById("kb-docs");
  if (!list) return;
  var pending = null;
  function reload() {
    if (pending) return;
    pending = setTimeout(function () {
      pending = null;
      fetch("/admin/partials/knowledge/documents", {credentials: "same-origin"})
        .then(function (r) { return r.ok ? r.text() : null; })
        .then(function (html) { if (html !== null) list.innerHTML = html; });
    }, 150);
  }
  var es = new EventSource("/admin/events");
  es.addEventListener("document", reload);
  es.addEventListener("open", reload);
  // A stream left open holds one of the browser's six connections to the server.
  window.addEventListener("pagehide", function () { es.close(); });
})();
