// The WhatsApp pairing page: shows each new QR code as WhatsApp issues it, and the
// outcome once the phone has linked or the codes ran out.
(function () {
  "use strict";
  var box = document.getElementById("pairing");
  var img = document.getElementById("pairing-qr");
  var status = document.getElementById("pairing-status");
  var done = {paired: true, timeout: true};

  function show(st) {
    if (st.qr_png) { img.src = st.qr_png; img.hidden = false; } else { img.hidden = true; }
    var text = {connecting: "connecting to WhatsApp…", waiting_for_scan: "waiting for the phone to scan the code",
      paired: "linked: messages to this number now reach your inbox", timeout: "the codes ran out: show a new code"}[st.status] || st.status;
    status.textContent = "Status: " + text + (st.last_error ? " · " + st.last_error : "");
    return !done[st.status] && st.status.indexOf("error") !== 0;
  }

  function poll() {
    fetch(box.dataset.stateUrl, {credentials: "same-origin"})
      .then(function (r) { return r.ok ? r.json() : Promise.reject(new Error("HTTP " + r.status)); })
      .then(function (st) { if (show(st)) setTimeout(poll, 2000); })
      .catch(function () { setTimeout(poll, 5000); });
  }
  poll();
})();
