// Backchannel's own small script. Pages work without it; it only adds
// conveniences on top of htmx.
(function () {
  "use strict";
  // Move keyboard focus to the first invalid field after a form comes back
  // with errors, so screen-reader and keyboard users land on the problem.
  function focusFirstError(root) {
    var el = (root || document).querySelector('[aria-invalid="true"]');
    if (el) { el.focus(); }
  }
  // Show message times in the reader's own time zone. Each time once: a
  // page with hundreds of live rows swaps many times a second.
  function localTimes(root) {
    (root || document).querySelectorAll("time[data-local]:not([data-localized])").forEach(function (t) {
      var d = new Date(t.getAttribute("datetime"));
      t.dataset.localized = "";
      if (!isNaN(d)) {
        t.textContent = d.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
        t.title = d.toLocaleString();
      }
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    focusFirstError(document);
    localTimes(document);
  });
  document.addEventListener("htmx:after:swap", function (e) {
    focusFirstError(e.target);
    localTimes(document);
  });
  // The "upsert" swap of live updates: each element of the fragment
  // replaces the element with the same id, or is appended to the target.
  // "upsert keep" only appends what is missing; "upsert existing" only
  // replaces. What someone is typing in a replaced element is kept.
  function carryOver(from, to) {
    from.querySelectorAll("input[id], textarea[id]").forEach(function (el) {
      var twin = to.querySelector("#" + CSS.escape(el.id));
      if (twin && el.type !== "hidden" && el.value !== el.defaultValue) { twin.value = el.value; }
    });
    from.querySelectorAll("details[open]").forEach(function (d, i) {
      var twin = to.querySelectorAll("details")[i];
      if (twin) { twin.open = true; }
    });
    var focused = from.contains(document.activeElement) && document.activeElement.id;
    return focused ? function () {
      var el = document.getElementById(focused);
      if (el) { el.focus({ preventScroll: true }); }
    } : null;
  }
  function registerUpsert() {
    if (!window.htmx || !htmx.registerExtension) { return; }
    htmx.registerExtension("upsert", {
      handle_swap: function (style, target, fragment, spec) {
        if (style !== "upsert") { return false; }
        var added = [];
        Array.from(fragment.children).forEach(function (el) {
          var old = el.id && document.getElementById(el.id);
          if (old) {
            if (spec.keep) { return; }
            var refocus = carryOver(old, el);
            old.replaceWith(el);
            if (refocus) { refocus(); }
          } else if (spec.existing) {
            return;
          } else {
            target.appendChild(el);
          }
          added.push(el);
        });
        return added.length ? added : true;
      }
    });
  }
  registerUpsert();
  // The channel page's message buttons (reactions, votes, delete) belong to
  // the page's one action form (#act, views.ActionForm), each with its own
  // formaction: without JavaScript the browser posts that form, token and
  // all, and comes back to the page. Here the button goes through htmx
  // instead (the token travels in the header from <body hx-headers>), and
  // the answer, the message as this viewer now sees it, replaces it.
  document.addEventListener("submit", function (e) {
    var b = e.submitter, msg = b && b.closest("article[id]");
    if (e.target.id !== "act" || !msg || !window.htmx) { return; }
    e.preventDefault();
    if (b.dataset.confirm && !window.confirm(b.dataset.confirm)) { return; }
    htmx.ajax("POST", b.getAttribute("formaction"), { source: b, target: msg, swap: "outerHTML" });
  });
  // Ctrl/Cmd+Enter posts from any message box.
  document.addEventListener("keydown", function (e) {
    if (e.key === "Enter" && (e.ctrlKey || e.metaKey) && e.target.matches("form textarea")) {
      e.preventDefault();
      e.target.form.requestSubmit();
    }
  });
})();
