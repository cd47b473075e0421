// Rules: a visual builder for a rule's trigger, nested AND/OR condition groups and
// actions. It reads and writes the same JSON as the advanced editor (#definition),
// which the form posts; without JavaScript the JSON editor alone is shown.
(function () {
  "use strict";
  var root = document.getElementById("rule-builder");
  var form = document.getElementById("add-rule");
  var json = document.getElementById("definition");
  if (!root || !form || !json) return;
  var vocab = {
    triggers: root.dataset.triggers.split(","),
    fields: root.dataset.fields.split(","),
    ops: root.dataset.ops.split(","),
    actions: root.dataset.actions.split(",")
  };
  // The inputs each action type takes.
  var actionKeys = {
    notify: ["message"], set_status: ["status"], add_tag: ["tag"], remove_tag: ["tag"],
    set_field: ["field", "value"], assign: ["user_id"], webhook: ["url", "secret"], send_reply: ["template"]
  };
  var noValue = {is_empty: true, not_empty: true};

  function el(tag, attrs, kids) {
    var e = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      if (k === "text") e.textContent = attrs[k]; else e.setAttribute(k, attrs[k]);
    });
    (kids || []).forEach(function (c) { e.appendChild(c); });
    return e;
  }
  function select(cls, options, value, label) {
    var s = el("select", {"class": cls, "aria-label": label});
    options.forEach(function (o) { s.appendChild(el("option", {value: o, text: o.replace(/_/g, " ")})); });
    if (value !== undefined && options.indexOf(value) >= 0) s.value = value;
    return s;
  }
  function button(cls, text) { return el("button", {type: "button", "class": "btn small " + cls, text: text}); }

  // A condition row: field (or context.<name>), operator, value.
  function condRow(c) {
    c = c || {field: "message.text", op: "contains", value: ""};
    var isCtx = (c.field || "").indexOf("context.") === 0;
    var field = select("rb-field", vocab.fields.concat(["context…"]), isCtx ? "context…" : c.field, "field");
    var ctx = el("input", {"class": "rb-ctx", placeholder: "field name", "aria-label": "context field", size: "10"});
    ctx.value = isCtx ? c.field.slice(8) : "";
    var op = select("rb-op", vocab.ops, c.op, "operator");
    var value = el("input", {"class": "rb-value", "aria-label": "value", size: "12"});
    value.value = Array.isArray(c.value) ? c.value.join(", ") : (c.value === undefined || c.value === null ? "" : String(c.value));
    var remove = button("rb-remove danger", "Remove");
    var row = el("div", {"class": "rb-cond"}, [field, ctx, op, value, remove]);
    function sync() {
      ctx.hidden = field.value !== "context…";
      value.hidden = !!noValue[op.value];
      value.type = field.value === "time_of_day" && (op.value === "greater" || op.value === "less" || op.value === "equals") ? "time" : "text";
      value.placeholder = op.value === "in" ? "a, b, c" : field.value === "channel" ? "sms, portal, whatsapp, telegram" : "value";
    }
    field.addEventListener("change", sync);
    op.addEventListener("change", sync);
    remove.addEventListener("click", function () { row.remove(); });
    sync();
    return row;
  }

  // A group: all or any of its conditions and groups.
  function group(g, isRoot) {
    var mode = g && g.any ? "any" : "all";
    var kids = (g && (g.any || g.all)) || [];
    var sel = el("select", {"class": "rb-mode", "aria-label": "match"});
    sel.appendChild(el("option", {value: "all", text: "All of (AND)"}));
    sel.appendChild(el("option", {value: "any", text: "Any of (OR)"}));
    sel.value = mode;
    var list = el("div", {"class": "rb-children"});
    var addCond = button("rb-add-cond", "+ Condition");
    var addGroup = button("rb-add-group", "+ Group");
    var bar = el("div", {"class": "rb-bar"}, [addCond, addGroup]);
    var box = el("div", {"class": "rb-group" + (isRoot ? " rb-root" : "")}, [sel, list, bar]);
    if (!isRoot) {
      var remove = button("rb-remove-group danger", "Remove group");
      remove.addEventListener("click", function () { box.remove(); });
      bar.appendChild(remove);
    }
    addCond.addEventListener("click", function () { list.appendChild(condRow()); });
    addGroup.addEventListener("click", function () { list.appendChild(group({all: []}, false)); });
    kids.forEach(function (k) { list.appendChild(k.all || k.any ? group(k, false) : condRow(k)); });
    return box;
  }

  function actionRow(a) {
    a = a || {type: "add_tag"};
    var type = select("rb-type", vocab.actions, a.type, "action");
    var row = el("div", {"class": "rb-action"}, [type]);
    var inputs = {};
    ["tag", "status", "field", "value", "user_id", "message", "url", "secret", "template"].forEach(function (k) {
      var input = k === "template" || k === "message" ? el("textarea", {rows: "2"}) : el("input", {size: "14"});
      input.className = "rb-" + k;
      input.setAttribute("placeholder", k === "template" ? "Hi {{contact.name}}, …" : k.replace("_", " "));
      input.setAttribute("aria-label", k.replace("_", " "));
      var v = a[k];
      input.value = v === undefined || v === null ? "" : typeof v === "object" ? JSON.stringify(v) : String(v);
      inputs[k] = input;
      row.appendChild(input);
    });
    var remove = button("rb-remove danger", "Remove");
    remove.addEventListener("click", function () { row.remove(); });
    row.appendChild(remove);
    function sync() {
      var keys = actionKeys[type.value] || [];
      Object.keys(inputs).forEach(function (k) { inputs[k].hidden = keys.indexOf(k) < 0; });
    }
    type.addEventListener("change", sync);
    sync();
    return row;
  }

  var name = document.getElementById("rb-name");
  var trigger = document.getElementById("rb-trigger");
  var after = document.getElementById("rb-after");
  var priority = document.getElementById("rb-priority");
  var conds = document.getElementById("rb-conditions");
  var actions = document.getElementById("rb-actions");
  vocab.triggers.forEach(function (t) { trigger.appendChild(el("option", {value: t, text: t.replace(/_/g, " ")})); });
  function syncTrigger() { after.parentNode.hidden = trigger.value !== "time_elapsed"; }
  trigger.addEventListener("change", syncTrigger);
  document.getElementById("rb-add-action").addEventListener("click", function () { actions.appendChild(actionRow()); });

  function load(r) {
    name.value = r.name || "";
    trigger.value = vocab.triggers.indexOf(r.trigger) >= 0 ? r.trigger : vocab.triggers[0];
    after.value = r.after || "";
    priority.value = r.priority || 0;
    conds.textContent = "";
    var c = r.conditions;
    conds.appendChild(group(c && !c.all && !c.any ? {all: [c]} : c || {all: []}, true));
    actions.textContent = "";
    (r.actions || []).forEach(function (a) { actions.appendChild(actionRow(a)); });
    syncTrigger();
  }

  function typed(v, op) {
    if (op === "in") return v.split(",").map(function (s) { return s.trim(); }).filter(Boolean);
    if ((op === "greater" || op === "less") && v.trim() !== "" && !isNaN(Number(v))) return Number(v);
    return v;
  }
  function readGroup(box) {
    var out = [];
    Array.prototype.forEach.call(box.querySelector(".rb-children").children, function (k) {
      if (k.classList.contains("rb-group")) {
        var g = readGroup(k);
        if (g) out.push(g);
        return;
      }
      var f = k.querySelector(".rb-field").value;
      var c = {field: f === "context…" ? "context." + k.querySelector(".rb-ctx").value.trim() : f, op: k.querySelector(".rb-op").value};
      if (!noValue[c.op]) c.value = typed(k.querySelector(".rb-value").value, c.op);
      out.push(c);
    });
    if (out.length === 0) return null;
    var g = {};
    g[box.querySelector(".rb-mode").value] = out;
    return g;
  }
  function read() {
    var r = {name: name.value, trigger: trigger.value};
    if (trigger.value === "time_elapsed") r.after = after.value.trim();
    if (Number(priority.value)) r.priority = Number(priority.value);
    var c = readGroup(conds.firstChild);
    if (c) r.conditions = c;
    r.actions = Array.prototype.map.call(actions.children, function (row) {
      var a = {type: row.querySelector(".rb-type").value};
      (actionKeys[a.type] || []).forEach(function (k) {
        var v = row.querySelector(".rb-" + k).value;
        if (k === "user_id") v = Number(v) || 0;
        if (k === "value") { try { v = JSON.parse(v); } catch (e) { /* plain text */ } }
        a[k] = v;
      });
      return a;
    });
    return r;
  }

  var tabBuilder = document.getElementById("tab-builder");
  var tabJSON = document.getElementById("tab-json");
  var jsonPane = document.getElementById("json-pane");
  var problem = document.getElementById("rb-problem");
  function show(builder) {
    root.hidden = !builder;
    jsonPane.hidden = builder;
    tabBuilder.setAttribute("aria-selected", builder);
    tabJSON.setAttribute("aria-selected", !builder);
  }
  function toBuilder() {
    try {
      load(JSON.parse(json.value));
      problem.hidden = true;
      show(true);
    } catch (e) {
      problem.textContent = "The JSON could not be read, so it stays in the JSON editor: " + e.message;
      problem.hidden = false;
      show(false);
    }
  }
  tabBuilder.addEventListener("click", toBuilder);
  tabJSON.addEventListener("click", function () {
    json.value = JSON.stringify(read(), null, 2);
    show(false);
  });
  form.addEventListener("submit", function () {
    if (!root.hidden) json.value = JSON.stringify(read(), null, 2);
  });
  document.getElementById("rule-tabs").hidden = false;
  toBuilder();
})();
