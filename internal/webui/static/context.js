// The schema builder: show each field's options for its type, and move fields up and down.
(function () {
  "use strict";
  function showFor(row) {
    var sel = row.querySelector("[data-type-select]");
    if (!sel) return;
    row.querySelectorAll("[data-shows]").forEach(function (el) {
      el.hidden = el.dataset.shows.split(" ").indexOf(sel.value) < 0;
    });
  }
  document.querySelectorAll(".field-row").forEach(function (row) {
    showFor(row);
    var sel = row.querySelector("[data-type-select]");
    if (sel) sel.addEventListener("change", function () { showFor(row); });
  });
  // Moving swaps positions with the neighbour, and the rows on screen.
  document.addEventListener("click", function (e) {
    var b = e.target.closest("[data-move]");
    if (!b) return;
    var row = b.closest(".field-row");
    var other = Number(b.dataset.move) < 0 ? row.previousElementSibling : row.nextElementSibling;
    if (!other || !other.classList.contains("field-row")) return;
    var a = row.querySelector("[name$=_position]"), o = other.querySelector("[name$=_position]");
    var t = a.value; a.value = o.value; o.value = t;
    if (Number(b.dataset.move) < 0) row.parentNode.insertBefore(row, other);
    else row.parentNode.insertBefore(other, row);
  });
})();
