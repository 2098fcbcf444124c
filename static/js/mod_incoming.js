// The wall's Incoming lists follow the stream: a new message goes on top
// (the server sends it with the "incoming" swap) and a list keeps its cap
// (data-cap), the oldest going. While the moderator is in a list (the
// pointer or the focus inside it, or scrolled away from the top), arrivals
// and changes wait, counted on the list's "N new" button, so that nothing
// moves under them; leaving the list or pressing the button shows them.
(function () {
  "use strict";
  if (!window.htmx || !htmx.registerExtension || !document.getElementById("wall")) { return; }
  var states = new WeakMap();

  function state(list) {
    var s = states.get(list);
    if (!s) {
      // waiting: id -> element, in arrival order; updates: id -> element
      // for rows on show; count: arrivals since the list paused.
      s = { waiting: new Map(), updates: new Map(), count: 0, pointer: false, focus: false, scrolled: false };
      states.set(list, s);
    }
    return s;
  }
  function cap(list) { return parseInt(list.dataset.cap, 10) || 300; }
  function newButton(list) {
    var section = list.closest(".wall-section");
    return section && section.querySelector("[data-incoming-new]");
  }
  function paused(list) {
    var s = state(list);
    return s.pointer || s.focus || s.scrolled;
  }
  function showCount(list) {
    var b = newButton(list), s = state(list);
    if (!b) { return; }
    b.querySelector("[data-count]").textContent = String(s.count);
    b.hidden = s.count === 0;
  }
  function keepCap(list) {
    var max = cap(list);
    while (list.children.length > max) {
      list.lastElementChild.remove();
    }
  }
  // show puts what waited in place: changes where they are, arrivals on
  // top, newest first.
  function show(list) {
    var s = state(list);
    var shown = [];
    s.updates.forEach(function (el, id) {
      var old = document.getElementById(id);
      if (old && list.contains(old)) { old.replaceWith(el); shown.push(el); }
    });
    s.updates.clear();
    var fresh = Array.from(s.waiting.values()).reverse();
    s.waiting.clear();
    s.count = 0;
    if (fresh.length) {
      list.prepend.apply(list, fresh);
      shown = shown.concat(fresh);
      keepCap(list);
    }
    shown.forEach(function (el) {
      if (el.isConnected) { htmx.process(el); }
    });
    localTimes(shown);
    showCount(list);
    if (shown.length) {
      document.dispatchEvent(new CustomEvent("wall:incoming-shown", { detail: { list: list.id } }));
    }
  }
  // Rows that waited missed the page's pass over new times (app.js): show
  // them in the reader's time zone too.
  function localTimes(els) {
    els.forEach(function (el) {
      el.querySelectorAll("time[data-local]").forEach(function (t) {
        var d = new Date(t.getAttribute("datetime"));
        t.dataset.localized = "";
        if (!isNaN(d)) { t.textContent = d.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" }); }
      });
    });
  }
  function resume(list) {
    if (!paused(list)) { show(list); }
  }

  htmx.registerExtension("incoming", {
    handle_swap: function (style, target, fragment, spec) {
      if (style !== "incoming") { return false; }
      var s = state(target), added = [], hold = paused(target);
      Array.from(fragment.children).forEach(function (el) {
        var old = el.id && document.getElementById(el.id);
        if (el.id && s.waiting.has(el.id)) { s.waiting.set(el.id, el); return; }
        if (old) {
          if (hold) { s.updates.set(el.id, el); return; }
          old.replaceWith(el);
          added.push(el);
          return;
        }
        if (spec.existing) { return; }
        if (hold) {
          s.waiting.set(el.id, el);
          s.count++;
          if (s.waiting.size > cap(target)) { s.waiting.delete(s.waiting.keys().next().value); }
          return;
        }
        target.prepend(el);
        added.push(el);
      });
      if (added.length) { keepCap(target); }
      showCount(target);
      return added.length ? added : true;
    }
  });

  document.querySelectorAll(".incoming-list").forEach(function (list) {
    var s = state(list);
    list.addEventListener("pointerenter", function () { s.pointer = true; });
    list.addEventListener("pointerleave", function () { s.pointer = false; resume(list); });
    list.addEventListener("focusin", function () { s.focus = true; });
    var b = newButton(list);
    list.addEventListener("focusout", function (e) {
      if (e.relatedTarget && list.contains(e.relatedTarget)) { return; }
      s.focus = false;
      // Focus moving to the list's "new" button: its press shows them.
      if (!b || e.relatedTarget !== b) { resume(list); }
    });
    // Read on scroll only: reading it on every arrival would lay the page
    // out each time.
    list.addEventListener("scroll", function () {
      s.scrolled = list.scrollTop > 2;
      resume(list);
    }, { passive: true });
    if (b) {
      b.addEventListener("focusout", function (e) {
        if (!e.relatedTarget || !list.contains(e.relatedTarget)) { resume(list); }
      });
      b.addEventListener("click", function () {
        s.pointer = false;
        s.focus = false;
        s.scrolled = false;
        list.scrollTop = 0;
        show(list);
        var first = list.querySelector(".wall-item");
        if (first) { first.focus({ preventScroll: true }); }
      });
    }
  });
})();
