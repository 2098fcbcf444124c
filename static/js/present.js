// The presenter view's own script (views/present.templ): the connection
// state, the Full screen button, and the host's keys. ↑/↓ (or K/J) choose a
// question; A marks it answered, P pins or unpins it, H highlights it; F
// toggles full screen. The chosen question is kept by id across live
// updates of the board; when it leaves the list (answered), the one that
// takes its place is chosen.
(function () {
  "use strict";
  var selectedId = null, selectedIndex = 0;

  function items() { return Array.from(document.querySelectorAll("#present-board .present-q")); }

  function select(el, focus) {
    items().forEach(function (q) { q.removeAttribute("aria-current"); });
    if (!el) { selectedId = null; return; }
    el.setAttribute("aria-current", "true");
    selectedId = el.dataset.id;
    selectedIndex = items().indexOf(el);
    if (focus) { el.focus({ preventScroll: true }); }
  }

  // After the board is replaced: choose the same question, or the one now
  // where it was; keep the keyboard focus on the board.
  function reselect() {
    var list = items();
    if (!list.length) { selectedId = null; return; }
    var hadFocus = document.activeElement === document.body || !document.activeElement;
    var el = list.find(function (q) { return q.dataset.id === selectedId; }) ||
      list[Math.min(selectedIndex, list.length - 1)];
    select(el, hadFocus);
  }

  function move(step) {
    var list = items();
    if (!list.length) { return; }
    var i = list.findIndex(function (q) { return q.dataset.id === selectedId; });
    i = i < 0 ? 0 : Math.max(0, Math.min(list.length - 1, i + step));
    select(list[i], true);
  }

  function press(key) {
    var el = items().find(function (q) { return q.dataset.id === selectedId; });
    var b = el && el.querySelector('button[data-key="' + key + '"]');
    if (b) { b.click(); }
  }

  function setConn(state, text) {
    var c = document.getElementById("present-conn");
    if (!c || c.dataset.state === state) { return; }
    c.dataset.state = state;
    c.querySelector(".present-conn-text").textContent = text;
  }

  function say(text, kind) {
    var s = document.getElementById("present-status");
    if (!s) { return; }
    s.innerHTML = "";
    var d = document.createElement("div");
    d.className = "alert alert-" + kind;
    d.textContent = text;
    s.appendChild(d);
    clearTimeout(say.timer);
    say.timer = setTimeout(function () { s.innerHTML = ""; }, 4000);
  }

  function fullscreenLabel() {
    var b = document.getElementById("present-fullscreen");
    if (b) { b.textContent = document.fullscreenElement ? "Exit full screen" : "Full screen"; }
  }

  function toggleFullscreen() {
    if (document.fullscreenElement) {
      document.exitFullscreen();
    } else if (document.documentElement.requestFullscreen) {
      document.documentElement.requestFullscreen().catch(function () {});
    }
  }

  document.addEventListener("DOMContentLoaded", function () {
    var fs = document.getElementById("present-fullscreen");
    if (fs && document.fullscreenEnabled) {
      fs.hidden = false;
      fs.addEventListener("click", toggleFullscreen);
    }
    document.addEventListener("fullscreenchange", fullscreenLabel);
    var list = items();
    if (list.length) { select(list[0], false); }
    var live = document.getElementById("live");
    if (!live) { return; }
    live.addEventListener("htmx:sse:after:connection", function () { setConn("live", "Live"); });
    live.addEventListener("htmx:sse:error", function () { setConn("reconnecting", "Reconnecting…"); });
    live.addEventListener("htmx:sse:close", function () { setConn("offline", "Offline — reload to reconnect"); });
    live.addEventListener("htmx:sse:after:message", reselect);
  });

  document.addEventListener("focusin", function (e) {
    var q = e.target.closest && e.target.closest(".present-q");
    if (q && q.dataset.id !== selectedId) { select(q, false); }
  });

  document.addEventListener("mod:error", function (e) { say(e.detail.message, "error"); });
  document.addEventListener("present:done", function (e) { say(e.detail.label + ".", "success"); });

  document.addEventListener("keydown", function (e) {
    if (e.ctrlKey || e.metaKey || e.altKey || e.target.matches("input, textarea, select")) { return; }
    switch (e.key) {
      case "ArrowDown": case "j": move(1); break;
      case "ArrowUp": case "k": move(-1); break;
      case "a": case "A": press("a"); break;
      case "p": case "P": press("p"); break;
      case "h": case "H": press("h"); break;
      case "f": case "F": toggleFullscreen(); break;
      default: return;
    }
    e.preventDefault();
  });
})();
