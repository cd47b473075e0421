// The admin inbox: live updates over server-sent events, and keyboard shortcuts.
(function () {
  "use strict";
  var root = document.getElementById("live");
  if (!root) return;
  var current = Number(root.dataset.conversation || 0);

  // Times are sent in UTC and shown in the reader's own time zone.
  function localTimes(scope) {
    scope.querySelectorAll("time[datetime]").forEach(function (t) {
      t.textContent = new Date(t.getAttribute("datetime")).toLocaleString([], {month: "short", day: "numeric", hour: "2-digit", minute: "2-digit"});
    });
  }
  localTimes(document);

  // Only the newest response for an element is applied: a slow older one is dropped.
  var generation = {};
  function swap(id, url) {
    var el = document.getElementById(id);
    if (!el) return Promise.resolve();
    var mine = (generation[id] || 0) + 1;
    generation[id] = mine;
    return fetch(url, {credentials: "same-origin"})
      .then(function (r) { return r.ok ? r.text() : null; })
      .then(function (html) {
        if (html === null || generation[id] !== mine) return;
        // Keep an owner's half-written edit: do not replace a thread being edited.
        var editing = el.querySelector("textarea:focus, input:focus, select:focus");
        if (editing && id === "thread-pane") return;
        el.innerHTML = html;
        localTimes(el);
      });
  }

  // The list keeps the "assigned to me" or "unassigned" filter it was opened with.
  function assignedFilter() {
    var a = new URLSearchParams(location.search).get("assigned");
    return a ? "&assigned=" + encodeURIComponent(a) : "";
  }

  var pending = null;
  function reload() {
    if (pending) return;
    pending = setTimeout(function () {
      pending = null;
      swap("conv-list", "/admin/partials/conversations?selected=" + current + assignedFilter() + "&sort=" + (root.dataset.sort || "recent")).then(function () {
        if (!current) {
          // The inbox opened empty: show the first conversation as soon as there is one.
          var first = document.querySelector("#conv-list a[data-conversation-id]");
          if (!first) return;
          current = Number(first.dataset.conversationId);
          root.dataset.conversation = String(current);
          first.classList.add("active");
        }
        return swap("thread-pane", "/admin/partials/conversations/" + current);
      });
    }, 100);
  }

  var es = new EventSource("/admin/events");
  es.addEventListener("message", reload);
  es.addEventListener("draft", reload);
  // Catch up on what changed between rendering the page and connecting (and after a reconnect).
  es.addEventListener("open", reload);
  // A stream left open holds one of the browser's six connections to the server.
  window.addEventListener("pagehide", function () { es.close(); });

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
