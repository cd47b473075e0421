// The customer's chat: sends messages, files and voice notes with fetch and shows
// replies as they arrive over server-sent events. Each post carries a client id so a
// retry is never stored twice.
(function () {
  "use strict";
  var thread = document.getElementById("thread");
  var form = document.getElementById("composer");
  var input = document.getElementById("text");
  var status = document.getElementById("status");
  var fileInput = document.getElementById("file");
  var recordBtn = document.getElementById("record");
  var sendBtn = document.getElementById("send");
  var lastId = Number(thread.dataset.lastId || 0);

  function clock(iso) {
    return new Date(iso).toLocaleTimeString([], {hour: "2-digit", minute: "2-digit"});
  }
  thread.querySelectorAll("time[datetime]").forEach(function (t) { t.textContent = clock(t.getAttribute("datetime")); });

  function attachment(a) {
    var box = document.createElement("div");
    box.className = "attachment";
    var src = "/c/files/" + a.id;
    var el;
    if (a.status !== "stored") {
      el = document.createElement("span");
      el.className = "small";
      el.textContent = "(a file is on its way)";
    } else if (a.kind === "image") {
      el = document.createElement("img");
      el.className = "thumb";
      el.src = src + "?inline=1";
      el.alt = a.file_name;
    } else if (a.kind === "audio") {
      el = document.createElement("audio");
      el.controls = true;
      el.preload = "none";
      el.src = src + "?inline=1";
    } else {
      el = document.createElement("a");
      el.href = src;
      el.textContent = a.file_name;
    }
    box.appendChild(el);
    return box;
  }

  function render(m) {
    if (document.getElementById("m" + m.id)) return;
    var empty = document.getElementById("empty");
    if (empty) empty.remove();
    var div = document.createElement("div");
    div.id = "m" + m.id;
    div.className = "msg " + m.direction;
    div.textContent = m.text;
    (m.attachments || []).forEach(function (a) { div.appendChild(attachment(a)); });
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

  function busy(on) {
    sendBtn.disabled = on;
    recordBtn.disabled = on && !recorder;
  }

  function post(url, init) {
    status.textContent = "";
    busy(true);
    return fetch(url, init)
      .then(function (r) {
        return r.json().then(function (j) {
          if (!r.ok) throw new Error(j.error || "Your message could not be sent.");
          render(j);
          input.value = "";
        });
      })
      .catch(function (err) { status.textContent = err.message; })
      .finally(function () { busy(false); input.focus(); });
  }

  function upload(blob, name) {
    var fd = new FormData();
    fd.append("file", blob, name);
    fd.append("text", input.value.trim());
    fd.append("client_id", newId());
    return post("/c/files", {method: "POST", credentials: "same-origin",
      headers: {"X-Frontdesk-Portal": "1"}, body: fd});
  }

  form.addEventListener("submit", function (e) {
    e.preventDefault();
    var text = input.value.trim();
    if (!text) return;
    post("/c/messages", {method: "POST", credentials: "same-origin",
      headers: {"Content-Type": "application/json"}, body: JSON.stringify({text: text, client_id: newId()})});
  });
  input.addEventListener("keydown", function (e) {
    if (e.key === "Enter" && !e.shiftKey) { e.preventDefault(); form.requestSubmit(); }
  });
  fileInput.addEventListener("change", function () {
    var f = fileInput.files[0];
    if (f) upload(f, f.name).then(function () { fileInput.value = ""; });
  });

  // Voice notes: record with the microphone, send when the button is pressed again.
  var recorder = null, chunks = [];
  if (!window.MediaRecorder || !navigator.mediaDevices) recordBtn.hidden = true;
  recordBtn.addEventListener("click", function () {
    if (recorder) { recorder.stop(); return; }
    navigator.mediaDevices.getUserMedia({audio: true}).then(function (stream) {
      var type = ["audio/ogg;codecs=opus", "audio/webm;codecs=opus", "audio/mp4"].filter(function (t) {
        return MediaRecorder.isTypeSupported(t);
      })[0] || "";
      recorder = new MediaRecorder(stream, type ? {mimeType: type} : undefined);
      chunks = [];
      recorder.ondataavailable = function (e) { if (e.data.size) chunks.push(e.data); };
      recorder.onstop = function () {
        stream.getTracks().forEach(function (t) { t.stop(); });
        var blob = new Blob(chunks, {type: recorder.mimeType});
        var ext = recorder.mimeType.indexOf("ogg") >= 0 ? "ogg" : recorder.mimeType.indexOf("mp4") >= 0 ? "m4a" : "webm";
        recorder = null;
        recordBtn.classList.remove("recording");
        recordBtn.setAttribute("aria-label", "Record a voice note");
        if (blob.size) upload(blob, "voice-note." + ext);
      };
      recorder.start();
      recordBtn.classList.add("recording");
      recordBtn.setAttribute("aria-label", "Stop and send the voice note");
      status.textContent = "Recording… press the microphone again to send.";
    }).catch(function () { status.textContent = "The microphone is not available."; });
  });

  var es = new EventSource("/c/events");
  es.addEventListener("message", refresh);
  es.addEventListener("open", refresh);
  // A stream left open holds one of the browser's six connections to the server.
  window.addEventListener("pagehide", function () { es.close(); });
  thread.scrollTop = thread.scrollHeight;
})();
