// People pages: the sign-up form proposes a handle made from the name as it
// is typed, until the person edits the handle themselves. The server makes
// the same kind of handle when none is given (accounts.HandleFromName).
(function () {
  "use strict";
  function fromName(name) {
    var h = name.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase()
      .replace(/[^a-z0-9]+/g, "_").replace(/^_+|_+$/g, "");
    return h.slice(0, 26).replace(/_+$/, "");
  }
  document.addEventListener("DOMContentLoaded", function () {
    var handle = document.querySelector("form[action='/signup'] [data-handle-input]");
    var name = document.querySelector("form[action='/signup'] input[name='display_name']");
    if (!handle || !name) { return; }
    var edited = handle.value !== "" && handle.value !== fromName(name.value);
    handle.addEventListener("input", function () { edited = handle.value !== ""; });
    name.addEventListener("input", function () {
      if (!edited) { handle.value = fromName(name.value); }
    });
  });
})();
