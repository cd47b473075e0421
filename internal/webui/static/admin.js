// The admin inbox: live updates over server-sent events, and keyboard shortcuts.
(function () {
  "use strict";
  var root = document.getElementById("live");
  if (!root) return;
  var current = Number(root.dataset.conversation || 0);

  function swap(id, url) {
    var el = document.getElementById(id);
    if (!el) return Promise.resolve();
    return fetch(url, {credentials: "same-origin"})
      .then(function (r) { return r.ok ? r.text() : null; })
      .then(function (html) {
        if (html === null) return;
        // Keep an owner's half-written edit: do not replace a thread being edited.
        var editing = el.querySelector("textarea:focus");
        if (editing && id === "thread-pane") return;
        el.innerHTML = html;
      });
  }

  var pending = null;
  function reload() {
    if (pending) return;
    pending = setTimeout(function () {
      pending = null;
      swap("conv-list", "/admin/partials/conversations?selected=" + current);
      if (current) swap("thread-pane", "/admin/partials/conversations/" + current);
    }, 100);
  }

  var es = new EventSource("/admin/events");
  es.addEventListener("message", reload);
  es.addEventListener("draft", reload);

  document.addEventListener("keydown", function (e) {
    if (e.target.tagName === "TEXTAREA" || e.target.tagName === "INPUT") return;
    var links = Array.prototype.slice.call(document.querySelectorAll("#conv-list a"));
    var idx = links.findIndex(function (a) { return a.classList.contains("active"); });
    if (e.key === "j" && links.length) { location.href = links[Math.min(idx + 1, links.length - 1)].href; }
    if (e.key === "k" && links.length) { location.href = links[Math.max(idx - 1, 0)].href; }
    if (e.key === "a") { var b = document.querySelector("[data-approve]"); if (b) b.click(); }
    if (e.key === "r") { var r = document.querySelector("[data-reject]"); if (r) r.click(); }
    if (e.key === "e") { var t = document.querySelector(".draft textarea"); if (t) { e.preventDefault(); t.focus(); } }
  });
})();
