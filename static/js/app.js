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
  document.addEventListener("DOMContentLoaded", function () { focusFirstError(document); });
  document.addEventListener("htmx:after:swap", function (e) { focusFirstError(e.target); });
})();
