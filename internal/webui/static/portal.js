// The customer's chat: sends messages with fetch and shows replies as they arrive over
// server-sent events. Each message carries a client id so a retry is never stored twice.
(function () {
  "use strict";
  var thread = document.getElementById("thread");
  var form = document.getElementById("composer");
  var input = document.getElementById("text");
  var status = document.getElementById("status");
  var lastId = Number(thread.dataset.lastId || 0);

  function clock(iso) {
    return new Date(iso).toLocaleTimeString([], {hour: "2-digit", minute: "2-digit"});
  }
  thread.querySelectorAll("time[datetime]").forEach(function (t) { t.textContent = clock(t.getAttribute("datetime")); });

  function render(m) {
    if (document.getElementById("m" + m.id)) return;
    var empty = document.getElementById("empty");
    if (empty) empty.remove();
    var div = document.createElement("div");
    div.id = "m" + m.id;
    div.className = "msg " + m.direction;
    div.textContent = m.text;
    var meta = document.createElement("span");
    meta.className = "meta";
    meta.textContent = clock(m.created_at);
    div.appendChild(meta);
    thread.appendChild(div);
    if (m.id > lastId) lastId = m.id;
    thread.scrollTop = thread.scrollHeight;
  }

  function refresh() {
    return fetch("/c/messages?after=" + lastId, {credentials: "same-origin"})
      .then(function (r) { return r.ok ? r.json() : {messages: []}; })
      .then(function (body) { (body.messages || []).forEach(render); });
  }

  function newId() {
    var a = new Uint8Array(12);
    crypto.getRandomValues(a);
    return Array.prototype.map.call(a, function (b) { return b.toString(16).padStart(2, "0"); }).join("");
  }

  form.addEventListener("submit", function (e) {
    e.preventDefault();
    var text = input.value.trim();
    if (!text) return;
    var body = JSON.stringify({text: text, client_id: newId()});
    status.textContent = "";
    form.querySelector("button").disabled = true;
    fetch("/c/messages", {method: "POST", credentials: "same-origin",
      headers: {"Content-Type": "application/json"}, body: body})
      .then(function (r) {
        return r.json().then(function (j) {
          if (!r.ok) throw new Error(j.error || "Your message could not be sent.");
          render(j);
          input.value = "";
        });
      })
      .catch(function (err) { status.textContent = err.message; })
      .finally(function () { form.querySelector("button").disabled = false; input.focus(); });
  });
  input.addEventListener("keydown", function (e) {
    if (e.key === "Enter" && !e.shiftKey) { e.preventDefault(); form.requestSubmit(); }
  });

  var es = new EventSource("/c/events");
  es.addEventListener("message", refresh);
  es.addEventListener("open", refresh);
  thread.scrollTop = thread.scrollHeight;
})();
