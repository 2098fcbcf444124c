// The channel page's compose box: where the poster stands before they type
// (a mute that ends, slow mode's countdown, the length limit), and their
// draft, which survives a refused post, a reload and signing in again.
(function () {
  "use strict";
  var timers = new WeakMap();

  // A mute's end (<time data-mute-end>): when it passes, the notice goes
  // and the box opens again (the server takes posts from then on).
  function armMute(form) {
    var t = form.querySelector("time[data-mute-end]");
    if (!t || timers.has(t)) { return; }
    var end = new Date(t.getAttribute("datetime")).getTime();
    timers.set(t, setTimeout(function () {
      var notice = t.closest("[data-testid=compose-muted]");
      if (notice) { notice.remove(); }
      form.querySelectorAll("textarea[disabled], button[disabled]").forEach(function (el) { el.disabled = false; });
      status(form, "Your mute has ended: you can post again.");
    }, Math.max(0, end - Date.now()) + 250));
  }

  // The line above the box: said once to screen readers (said), while the
  // countdown (shown) changes only on screen.
  function status(form, said, shown) {
    var p = form.querySelector("[data-testid=slow-wait]");
    if (!p) { return; }
    p.hidden = said === "" && !shown;
    if (!shown) { p.textContent = said; return; }
    var sr = p.querySelector(".sr-only"), vis = p.querySelector("[aria-hidden]");
    if (!sr || !vis) {
      p.textContent = "";
      sr = p.appendChild(document.createElement("span"));
      sr.className = "sr-only";
      vis = p.appendChild(document.createElement("span"));
      vis.setAttribute("aria-hidden", "true");
    }
    if (said) { sr.textContent = said; }
    vis.textContent = shown;
  }

  // Slow mode (<form data-wait="seconds">): the Post button waits, and says
  // for how long.
  function armWait(form) {
    var left = parseInt(form.dataset.wait || "0", 10);
    if (!(left > 0) || timers.has(form)) { return; }
    var button = form.querySelector("button[type=submit]");
    var first = true;
    function tick() {
      if (left <= 0) {
        clearInterval(timers.get(form));
        delete form.dataset.wait;
        if (button) { button.disabled = false; }
        status(form, "");
        return;
      }
      if (button) { button.disabled = true; }
      status(form, first ? "Slow mode: you can post again in " + left + " seconds." : "",
        "Slow mode: you can post again in " + left + " s.");
      first = false;
      left--;
    }
    tick();
    timers.set(form, setInterval(tick, 1000));
  }

  // The counter near the limit: the box never cuts what is typed or pasted;
  // it says how much is left, or how much too long the message is.
  function count(area) {
    var max = parseInt(area.dataset.max || "0", 10);
    var out = area.id && document.getElementById(area.id + "-count");
    if (!max || !out) { return; }
    var n = Array.from(area.value).length, left = max - n;
    out.hidden = n < max * 0.8;
    out.classList.toggle("over", left < 0);
    out.textContent = left < 0 ? (-left) + " characters over the limit of " + max
      : left + (left === 1 ? " character" : " characters") + " left";
    if (left < 0) { area.setAttribute("aria-invalid", "true"); } else if (!area.closest("form").querySelector(".field-error:not(:empty)")) { area.removeAttribute("aria-invalid"); }
  }

  // The draft of the channel's compose box, kept in this tab.
  function draftKey() { return "backchannel:draft:" + location.pathname; }
  function saveDraft(area) {
    try {
      if (area.value.trim() === "") { sessionStorage.removeItem(draftKey()); } else { sessionStorage.setItem(draftKey(), area.value); }
    } catch (e) { /* storage refused: the page still holds the text */ }
  }
  function restoreDraft(area) {
    try {
      var d = sessionStorage.getItem(draftKey());
      if (d && area.value === "" && !area.disabled) { area.value = d; }
    } catch (e) { /* nothing kept */ }
  }

  function setUp(root) {
    (root || document).querySelectorAll("form.compose").forEach(function (form) {
      armMute(form);
      armWait(form);
      var area = form.querySelector("textarea[data-max]");
      if (area) { count(area); }
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var main = document.getElementById("compose-body");
    if (main) { restoreDraft(main); }
    setUp(document);
  });
  document.addEventListener("htmx:after:swap", function () {
    var main = document.getElementById("compose-body");
    if (main) { saveDraft(main); }
    setUp(document);
  });
  document.addEventListener("input", function (e) {
    if (!e.target.matches("form.compose textarea[data-max]")) { return; }
    count(e.target);
    if (e.target.id === "compose-body") { saveDraft(e.target); }
  });
  // The guidelines changed while the page was open and a post was refused
  // for it: once the new version is accepted, the post goes out (files go
  // without words, as the server takes them).
  document.addEventListener("guidelinesaccepted", function () {
    var form = document.querySelector("form.compose[data-await-guidelines]");
    var area = form && form.querySelector("textarea");
    var files = form && form.querySelector("input[name=attachments]");
    if (area && (area.value.trim() !== "" || files)) { form.requestSubmit(); }
  });
})();
