// Settings: preview the assistant's reply to a sample question with the unsaved form.
(function () {
  "use strict";
  var form = document.getElementById("settings-form");
  var btn = document.getElementById("preview-btn");
  var out = document.getElementById("preview-out");
  if (!form || !btn) return;
  btn.addEventListener("click", function () {
    btn.disabled = true;
    out.hidden = false;
    out.textContent = "Drafting…";
    fetch("/admin/settings/preview", {
      method: "POST", credentials: "same-origin",
      headers: {"Accept": "application/json", "Content-Type": "application/x-www-form-urlencoded"},
      body: new URLSearchParams(new FormData(form))
    })
      .then(function (r) { return r.json().then(function (j) { return {ok: r.ok, body: j}; }); })
      .then(function (res) {
        out.textContent = "";
        if (!res.ok) {
          out.classList.add("err");
          out.textContent = res.body.error || "The preview failed.";
          return;
        }
        out.classList.remove("err");
        var facts = document.createElement("div");
        facts.className = "facts";
        facts.textContent = "intent " + res.body.intent + " · confidence " + Math.round(res.body.confidence * 100) + "%" +
          (res.body.needs_human ? " · would go to a person" : "");
        var reply = document.createElement("div");
        reply.id = "preview-reply";
        reply.textContent = res.body.reply;
        out.appendChild(facts);
        out.appendChild(reply);
      })
      .catch(function () { out.textContent = "The preview failed; check your connection."; })
      .finally(function () { btn.disabled = false; });
  });
})();
