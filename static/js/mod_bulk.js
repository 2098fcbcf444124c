// Bulk actions on the wall's held messages. Select them with their
// checkboxes (shift-click selects the range from the last one clicked), with
// s (the selected message) or Shift+S (every held message of its author),
// then approve, deny or hide them at once from the bar, or with Shift+A,
// Shift+D, Shift+H. Esc clears the selection. The checkboxes belong to the
// bar's form, which works without this script too.
(function () {
  "use strict";
  var form = document.getElementById("wall-bulk");
  if (!form || !document.getElementById("wall")) { return; }
  var picked = new Set(); // the selected ids, kept across live swaps of their rows
  var anchor = null;      // the id last clicked, where a shift-click range starts
  var person = null;      // {subject, name}: whose messages "All from" selects
  var countEl = form.querySelector("[data-bulk-count]");
  var nounEl = form.querySelector("[data-bulk-noun]");
  var personBtn = form.querySelector("[data-bulk-person]");
  var nameEl = form.querySelector("[data-bulk-name]");
  var clearBtn = form.querySelector("[data-bulk-clear]");
  var noteTimer = null;

  function boxes() { return Array.from(document.querySelectorAll(".bulk-check")); }
  function rowOf(box) { return box.closest(".wall-item"); }

  // sync puts the selection back on the rows (a live swap renders them
  // unchecked), forgets rows that left, and updates the bar.
  function sync() {
    var present = new Set();
    boxes().forEach(function (b) {
      present.add(b.value);
      b.checked = picked.has(b.value);
    });
    picked.forEach(function (id) { if (!present.has(id)) { picked.delete(id); } });
    var n = picked.size;
    countEl.textContent = String(n);
    nounEl.textContent = n === 1 ? "held message selected" : "held messages selected";
    clearBtn.hidden = n === 0;
    personBtn.hidden = !person;
    if (person) { nameEl.textContent = person.name; }
  }
  function pick(box, on) {
    box.checked = on;
    if (on) { picked.add(box.value); } else { picked.delete(box.value); }
  }
  function notePerson(box) {
    var row = rowOf(box);
    if (row && box.dataset.subject) { person = { subject: box.dataset.subject, name: row.dataset.author || "this person" }; }
  }
  function note(text, kind) {
    var box = document.getElementById("wall-toast");
    if (!box) { return; }
    box.replaceChildren(document.createTextNode(text));
    box.className = "toast show toast-" + kind;
    clearTimeout(noteTimer);
    noteTimer = setTimeout(function () { box.className = "toast"; box.replaceChildren(); }, 6000);
  }

  function clickBox(box, shift) {
    if (shift && anchor && anchor !== box.value) {
      var all = boxes(), from = all.findIndex(function (b) { return b.value === anchor; }), to = all.indexOf(box);
      if (from >= 0) {
        all.slice(Math.min(from, to), Math.max(from, to) + 1).forEach(function (b) { pick(b, box.checked); });
      }
    }
    pick(box, box.checked);
    anchor = box.value;
    notePerson(box);
    sync();
  }
  document.addEventListener("click", function (e) {
    var box = e.target.closest && e.target.closest(".bulk-check");
    if (box) { clickBox(box, e.shiftKey); }
  });

  function current() {
    var row = document.querySelector('.wall-item[aria-selected="true"]');
    return row && row.querySelector(".bulk-check");
  }
  function toggleCurrent() {
    var box = current();
    if (!box) { note("Select a held message first (j / k), then s.", "info"); return; }
    pick(box, !box.checked);
    anchor = box.value;
    notePerson(box);
    sync();
  }
  function selectPerson() {
    var box = current();
    if (box) { notePerson(box); }
    if (!person) { note("Select a held message first (j / k), then Shift+S.", "info"); return; }
    boxes().forEach(function (b) { if (b.dataset.subject === person.subject) { pick(b, true); } });
    sync();
  }
  function clear() {
    picked.clear();
    sync();
  }
  function run(action) {
    if (!picked.size) { note("Select held messages first (s, or their checkboxes).", "info"); return; }
    var b = form.querySelector('button[name="action"][value="' + action + '"]');
    if (b) { form.requestSubmit(b); }
  }
  personBtn.addEventListener("click", selectPerson);
  clearBtn.addEventListener("click", clear);

  var keys = {
    s: toggleCurrent,
    S: selectPerson,
    A: function () { run("approve"); },
    D: function () { run("deny"); },
    H: function () { run("hide"); }
  };
  document.addEventListener("keydown", function (e) {
    if (e.ctrlKey || e.metaKey || e.altKey || e.defaultPrevented) { return; }
    var t = e.target;
    if (t.closest && t.closest("textarea, select, [contenteditable], input:not(.bulk-check)")) { return; }
    var dialog = document.getElementById("shortcuts");
    if (dialog && dialog.open) { return; }
    if (e.key === "Escape" && picked.size) { e.preventDefault(); clear(); return; }
    var f = keys[e.key];
    if (!f) { return; }
    e.preventDefault();
    f();
  });

  document.body.addEventListener("mod:bulk", function (e) {
    var d = e.detail || {};
    note(d.message || "Done.", d.failed ? "error" : "info");
    setTimeout(sync, 0);
  });
  document.addEventListener("htmx:after:swap", function () { setTimeout(sync, 0); });
  sync();
})();
