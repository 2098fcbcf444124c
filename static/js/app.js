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
  // Show message times in the reader's own time zone.
  function localTimes(root) {
    (root || document).querySelectorAll("time[data-local]").forEach(function (t) {
      var d = new Date(t.getAttribute("datetime"));
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
  // Ctrl/Cmd+Enter posts from any message box.
  document.addEventListener("keydown", function (e) {
    if (e.key === "Enter" && (e.ctrlKey || e.metaKey) && e.target.matches("form textarea")) {
      e.preventDefault();
      e.target.form.requestSubmit();
    }
  });
})();
