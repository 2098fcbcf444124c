// The triage wall's keyboard: select messages with j/k and act on them with
// one key. Every action is also a button that works without this script.
(function () {
  "use strict";
  var wall = document.getElementById("wall");
  if (!wall) { return; }
  var selectedId = null;
  var lastDone = null; // {undo, at}: the moderator's last action, for "u"
  var UNDO_MS = 10000;
  var toastTimer = null;

  function csrf() {
    var el = document.querySelector('input[name="_csrf"]');
    return el ? el.value : "";
  }
  function items() {
    return Array.from(document.querySelectorAll(".wall-item"));
  }
  function selected() {
    return selectedId ? document.getElementById(selectedId) : null;
  }

  // Selection: one item at a time has aria-selected and is the one tab stop
  // of the lists; it is scrolled into view only as far as needed.
  function select(el, focus) {
    var prev = selected();
    if (prev && prev !== el) {
      prev.setAttribute("aria-selected", "false");
      prev.tabIndex = -1;
    }
    if (!el) { selectedId = null; return; }
    selectedId = el.id;
    el.setAttribute("aria-selected", "true");
    el.tabIndex = 0;
    if (focus !== false) {
      el.focus({ preventScroll: true });
      el.scrollIntoView({ block: "nearest", inline: "nearest" });
    }
  }
  // After a swap replaced the selected item, select its new element.
  function restore() {
    var el = selected();
    if (!el) { return; }
    if (el.getAttribute("aria-selected") !== "true") {
      var refocus = document.activeElement === document.body || !document.activeElement;
      select(el, false);
      if (refocus) { el.focus({ preventScroll: true }); }
    }
  }
  function move(step) {
    var list = items();
    var cur = selected();
    var i = cur ? list.indexOf(cur) : -1;
    for (var j = i + step; j >= 0 && j < list.length; j += step) {
      if (!list[j].classList.contains("is-resolved")) { select(list[j]); return; }
    }
    if (i < 0 && list.length) { select(list[step > 0 ? 0 : list.length - 1]); }
  }

  // Toasts: what was done, with Undo for 10 seconds.
  function toast(text, undo, kind) {
    var box = document.getElementById("wall-toast");
    if (!box) { return; }
    box.replaceChildren();
    box.className = "toast show" + (kind ? " toast-" + kind : "");
    var span = document.createElement("span");
    span.textContent = text;
    box.appendChild(span);
    if (undo) {
      var b = document.createElement("button");
      b.type = "button";
      b.className = "button small-button";
      b.textContent = "Undo";
      b.setAttribute("aria-keyshortcuts", "u");
      b.addEventListener("click", doUndo);
      box.appendChild(b);
      var hint = document.createElement("kbd");
      hint.textContent = "u";
      b.appendChild(hint);
    }
    clearTimeout(toastTimer);
    toastTimer = setTimeout(function () { box.className = "toast"; box.replaceChildren(); }, undo ? UNDO_MS : 5000);
  }

  function post(url, values, target, swap) {
    values = values || {};
    values._csrf = csrf();
    return htmx.ajax("POST", url, { source: document.body, target: target || "body", swap: swap || "none", values: values });
  }
  function doUndo() {
    if (!lastDone || Date.now() - lastDone.at > UNDO_MS) {
      toast("Nothing to undo: actions can be undone for 10 seconds.", null, "info");
      return;
    }
    var url = lastDone.undo;
    lastDone = null;
    post(url);
  }

  // The selected message's button for act (first of several: a toggle).
  function act(names, label) {
    var el = selected();
    if (!el) { toast("Select a message first (j / k).", null, "info"); return; }
    for (var i = 0; i < names.length; i++) {
      var b = el.querySelector('[data-act="' + names[i] + '"]');
      if (b) { b.click(); return; }
    }
    toast(label + " does not apply to this message.", null, "info");
  }
  function personURL(el) {
    return "/mod/c/" + el.dataset.slug + "/people/" + encodeURIComponent(el.dataset.subject);
  }
  // afterCard runs once the card asked for is in the page: the request's
  // promise may settle before its swap, and acting on the card about to be
  // replaced (focusing its note field) would lose the focus, and with it
  // what the moderator types next, to the wall's shortcuts.
  var afterCard = null, cardBefore = null;
  function cardSwapped() {
    var card = document.getElementById("person-card");
    if (!afterCard || !card || card === cardBefore) { return; }
    var f = afterCard;
    afterCard = null;
    f();
  }
  function openCard(then) {
    var el = selected();
    if (!el || !el.dataset.subject) { toast("Select a message first (j / k).", null, "info"); return; }
    cardBefore = document.getElementById("person-card");
    afterCard = then || null;
    var p = htmx.ajax("GET", personURL(el), { source: document.body, target: "#person-panel", swap: "innerHTML" });
    if (p && p.then) { p.then(cardSwapped); }
  }
  document.addEventListener("htmx:after:swap", function () { setTimeout(cardSwapped, 0); });
  function sanction(values, what) {
    var el = selected();
    if (!el || !el.dataset.subject) { toast("Select a message first (j / k).", null, "info"); return; }
    if (what && !window.confirm(what.replace("{name}", el.dataset.author || "this person"))) { return; }
    post(personURL(el) + "/sanctions", values, "#person-panel", "innerHTML");
  }

  var dialog = document.getElementById("shortcuts");
  function toggleShortcuts() {
    if (!dialog) { return; }
    if (dialog.open) { dialog.close(); } else { dialog.showModal(); }
  }
  document.querySelectorAll("[data-shortcuts-open]").forEach(function (b) {
    b.hidden = false;
    b.addEventListener("click", toggleShortcuts);
  });

  var keys = {
    j: function () { move(1); },
    k: function () { move(-1); },
    a: function () { act(["approve"], "Approve"); },
    d: function () { act(["deny"], "Deny"); },
    h: function () { act(["hide", "unhide"], "Hide"); },
    p: function () { act(["pin", "unpin"], "Pin"); },
    x: function () { act(["answer", "unanswer"], "Marking answered"); },
    "1": function () { sanction({ kind: "mute", duration: "1m" }); },
    "2": function () { sanction({ kind: "mute", duration: "10m" }); },
    "3": function () { sanction({ kind: "mute", duration: "1h" }); },
    "4": function () { sanction({ kind: "mute", duration: "24h" }); },
    b: function () { sanction({ kind: "ban" }, "Ban {name} from this channel?"); },
    o: function () { openCard(); },
    n: function () {
      openCard(function () {
        var f = document.getElementById("note-body");
        if (f) { f.focus(); }
      });
    },
    u: doUndo,
    "?": toggleShortcuts
  };

  document.addEventListener("keydown", function (e) {
    if (e.ctrlKey || e.metaKey || e.altKey || e.defaultPrevented) { return; }
    var t = e.target;
    if (t.closest && t.closest("input, textarea, select, [contenteditable]")) { return; }
    if (dialog && dialog.open && e.key !== "?") { return; } // Esc closes the dialog natively
    var f = keys[e.key];
    if (!f) { return; }
    e.preventDefault();
    f();
  });

  // Clicking an item (not one of its controls) selects it.
  wall.addEventListener("click", function (e) {
    var el = e.target.closest(".wall-item");
    if (el && !e.target.closest("a, button, input, textarea, summary, label")) { select(el); }
  });
  wall.addEventListener("focusin", function (e) {
    var el = e.target.closest && e.target.closest(".wall-item");
    if (el && el.id !== selectedId) { select(el, false); }
  });

  document.body.addEventListener("mod:done", function (e) {
    var d = e.detail || {};
    lastDone = { undo: d.undo, at: Date.now() };
    wall.dataset.lastAudit = d.audit; // the action "u" takes back
    toast(d.label + ".", d.undo);
  });
  document.body.addEventListener("mod:undone", function () {
    toast("Undone.", null, "info");
    // A card on show may list what was just taken back.
    var card = document.getElementById("person-card");
    if (card) {
      htmx.ajax("GET", "/mod/c/" + card.dataset.slug + "/people/" + encodeURIComponent(card.dataset.subject),
        { source: document.body, target: "#person-panel", swap: "innerHTML" });
    }
  });
  document.body.addEventListener("mod:error", function (e) {
    toast((e.detail && e.detail.message) || "That did not work.", null, "error");
  });
  document.addEventListener("htmx:after:swap", restore);
})();
