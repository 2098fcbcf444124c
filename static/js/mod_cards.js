// The triage wall's person card on small screens, and the key that
// dismisses a report. Kept apart from mod.js, which owns selection and the
// other shortcuts; both work from the same markup.
(function () {
  "use strict";
  var wall = document.getElementById("wall");
  var panel = document.getElementById("person-panel");
  if (!wall || !panel) { return; }

  function typing(t) {
    return t && t.closest && t.closest("input, textarea, select, [contenteditable]");
  }
  function selectedItem() {
    return wall.querySelector('.wall-item[aria-selected="true"]');
  }
  function tell(message) {
    document.body.dispatchEvent(new CustomEvent("mod:error", { detail: { message: message } }));
  }

  // "r" on a reported message: the reason field of its Dismiss form, filled
  // with the usual reason and selected, so Enter dismisses and typing
  // replaces it.
  function dismissKey() {
    var el = selectedItem();
    var input = el && el.querySelector('.wall-dismiss input[name="reason"]');
    if (!input) {
      tell("Only a reported message can be dismissed: select one in Reports (j / k).");
      return;
    }
    if (!input.value) { input.value = input.placeholder; }
    input.focus();
    input.select();
  }

  // The person card as a sheet over the wall on small screens: it opens
  // where the moderator is looking, takes the focus, and Escape, Close or a
  // tap outside closes it and gives the focus back.
  var small = window.matchMedia("(max-width: 1100px)");
  var opener = null, openerItem = "", quietRefresh = false, shown = null, inerted = [];

  function isOpen() { return panel.classList.contains("is-sheet"); }

  // Everything but the sheet (and the toast, whose Undo stays usable) is
  // inert while it is open.
  function setInert(on) {
    inerted.forEach(function (el) { el.inert = false; });
    inerted = [];
    if (!on) { return; }
    for (var n = panel; n && n.parentElement && n !== document.body; n = n.parentElement) {
      Array.from(n.parentElement.children).forEach(function (sib) {
        if (sib === n || sib.inert || sib.tagName === "SCRIPT" || sib.classList.contains("toast")) { return; }
        sib.inert = true;
        inerted.push(sib);
      });
    }
  }

  function openSheet() {
    var card = document.getElementById("person-card");
    if (!card) { return; }
    if (!isOpen()) {
      var a = document.activeElement;
      opener = a && a !== document.body && !panel.contains(a) ? a : selectedItem();
      var item = opener && opener.closest && opener.closest(".wall-item");
      openerItem = item ? item.id : "";
      panel.classList.add("is-sheet");
      panel.setAttribute("role", "dialog");
      panel.setAttribute("aria-modal", "true");
      panel.setAttribute("aria-labelledby", "person-name");
      document.documentElement.classList.add("sheet-open");
      setInert(true);
      panel.scrollTop = 0;
    }
    var close = card.querySelector("[data-person-close]");
    if (close) { close.hidden = false; }
    if (!panel.contains(document.activeElement)) {
      var h = document.getElementById("person-name");
      if (h) { h.focus({ preventScroll: true }); }
    }
  }

  function closeSheet() {
    if (!isOpen()) { return; }
    panel.classList.remove("is-sheet");
    panel.removeAttribute("role");
    panel.removeAttribute("aria-modal");
    panel.removeAttribute("aria-labelledby");
    document.documentElement.classList.remove("sheet-open");
    setInert(false);
    var close = panel.querySelector("[data-person-close]");
    if (close) { close.hidden = true; }
    var back = opener && opener.isConnected ? opener : null;
    if (!back && openerItem) {
      // The row was re-rendered meanwhile: its author link, or the row.
      var item = document.getElementById(openerItem);
      back = item && (item.querySelector("a.author") || item);
    }
    opener = null;
    if (back) { back.focus(); }
  }

  // A new card in the panel: on a small screen, show it as the sheet
  // (unless it is the refresh that follows an undo elsewhere).
  document.addEventListener("htmx:after:swap", function () {
    var card = document.getElementById("person-card");
    if (!card || card === shown) { return; }
    shown = card;
    if (quietRefresh && !isOpen()) { quietRefresh = false; return; }
    quietRefresh = false;
    if (small.matches) { openSheet(); }
  });
  document.body.addEventListener("mod:undone", function () { quietRefresh = !isOpen(); });
  small.addEventListener("change", function () { if (!small.matches) { closeSheet(); } });

  panel.addEventListener("click", function (e) {
    if (e.target.closest("[data-person-close]")) { closeSheet(); }
  });
  document.addEventListener("click", function (e) {
    if (isOpen() && !panel.contains(e.target) && !e.target.closest(".toast")) { closeSheet(); }
  }, true);

  document.addEventListener("keydown", function (e) {
    if (e.key === "Escape" && isOpen()) {
      e.preventDefault();
      e.stopPropagation();
      closeSheet();
      return;
    }
    if (e.key !== "r" || e.ctrlKey || e.metaKey || e.altKey || e.defaultPrevented || typing(e.target)) { return; }
    var dialog = document.getElementById("shortcuts");
    if ((dialog && dialog.open) || isOpen()) { return; }
    e.preventDefault();
    rDown = true;
  }, true);
  // The field is focused once the key is up, so that the key's own
  // character never lands in it.
  var rDown = false;
  document.addEventListener("keyup", function (e) {
    if (e.key !== "r" || !rDown) { return; }
    rDown = false;
    dismissKey();
  }, true);
})();
