// The channel page's feed: where live messages go, what a reader is told of
// them, and the keys. The page works without it (the server orders the
// feed, links page it and posting returns to the message); this keeps the
// page in order as the live stream changes it, per viewer, from what the
// shared fragments carry (classes and data attributes).
(function () {
  "use strict";
  var feed = document.getElementById("messages");
  if (!feed) { return; }
  var ANNOUNCE_MS = 5000; // at most one announcement per this long
  var GATHER_MS = 1500;  // new messages this close together are announced together
  var BACK_MS = 4000;     // how long "Back" stays up

  // ---- Order: pinned threads, then highlighted ones, then the rest by
  // the page's sort (newest first; or votes, as the server's top sort).
  function head(li) { return li.querySelector(":scope > article.message"); }
  function rank(li) {
    var a = head(li);
    if (!a) { return 0; }
    return a.classList.contains("pinned") ? 2 : a.classList.contains("highlighted") ? 1 : 0;
  }
  function num(li, name) { var a = head(li); return a ? Number(a.dataset[name]) || 0 : 0; }
  // before says whether thread a belongs above thread b.
  function before(a, b) {
    var ra = rank(a), rb = rank(b);
    if (ra !== rb) { return ra > rb; }
    if (feed.dataset.sort === "top") {
      var va = num(a, "votes"), vb = num(b, "votes");
      if (va !== vb) { return va > vb; }
      return num(a, "seq") < num(b, "seq");
    }
    return num(a, "seq") > num(b, "seq");
  }
  function threads() { return Array.from(feed.querySelectorAll(":scope > li.thread")); }
  function sibling(li, step) {
    var el = step > 0 ? li.nextElementSibling : li.previousElementSibling;
    return el && el.matches("li.thread") ? el : null;
  }
  function inPlace(li) {
    var p = sibling(li, -1), n = sibling(li, 1);
    return (!p || !before(li, p)) && (!n || !before(n, li));
  }
  // place puts thread li where it belongs among the other threads (above
  // the "load earlier" control, which stays last), keeping focus in it.
  function place(li) {
    var next = threads().find(function (t) { return t !== li && before(li, t); }) ||
      feed.querySelector(":scope > li.load-earlier");
    var focused = li.contains(document.activeElement) && document.activeElement;
    feed.insertBefore(li, next || null);
    if (focused) { focused.focus({ preventScroll: true }); }
  }

  // ---- Keeping the reader's place: when the top of the feed is out of
  // view, whatever changes above what they read must not move it.
  // (The page's own scroll anchoring is off for the feed: feed.css.)
  function anchor(except) {
    if (feed.getBoundingClientRect().top >= 0) { return null; } // at the top: let it grow
    var all = feed.querySelectorAll("article.message");
    for (var i = 0; i < all.length; i++) {
      if (except && except.contains(all[i])) { continue; }
      var r = all[i].getBoundingClientRect();
      if (r.bottom > 0) { return { id: all[i].id, top: r.top }; }
    }
    return null;
  }
  // keep scrolls back what moved the anchor (found by id: a live update
  // may have replaced it).
  function keep(a) {
    var el = a && document.getElementById(a.id);
    if (el) {
      var d = el.getBoundingClientRect().top - a.top;
      if (d) { window.scrollBy(0, d); }
    }
    remember();
  }
  // Any other change of the feed (a message above replaced by a taller or
  // shorter one: an edit, a removal, reactions) is made up for as soon as
  // it is made, before the page is painted, from the place last seen.
  var seen = null;
  function remember() { seen = anchor(); }
  new MutationObserver(function () { keep(seen); }).observe(feed, { childList: true, subtree: true });
  window.addEventListener("scroll", remember, { passive: true });
  window.addEventListener("resize", remember);
  remember();

  // ---- Telling the reader: politely, at most every few seconds.
  var announcer = document.getElementById("feed-announce");
  var pending = 0, lastAnnounced = 0, announceTimer = null;
  function announce(n) {
    pending += n;
    if (announceTimer) { return; }
    // A burst is gathered into one announcement.
    var wait = Math.max(GATHER_MS, lastAnnounced + ANNOUNCE_MS - Date.now());
    announceTimer = setTimeout(function () {
      announceTimer = null;
      lastAnnounced = Date.now();
      if (announcer && pending) {
        announcer.textContent = pending === 1 ? "1 new message." : pending + " new messages.";
      }
      pending = 0;
    }, wait);
  }
  // New threads above a reader who has scrolled down: a notice that takes
  // them up.
  var above = document.getElementById("feed-new");
  var unseen = [];
  function noteAbove(li) {
    if (!above) { return; }
    unseen.push(li);
    above.textContent = unseen.length === 1 ? "1 new message above ↑" : unseen.length + " new messages above ↑";
    above.hidden = false;
  }
  function clearAbove() {
    unseen = [];
    if (above) { above.hidden = true; }
  }
  if (above) {
    above.addEventListener("click", function () {
      var first = unseen.filter(function (li) { return li.isConnected; }).map(head)
        .sort(function (a, b) { return a.getBoundingClientRect().top - b.getBoundingClientRect().top; })[0];
      clearAbove();
      if (first) {
        first.scrollIntoView({ block: "start" });
        first.focus({ preventScroll: true });
      }
    });
  }
  window.addEventListener("scroll", function () {
    if (unseen.length && feed.getBoundingClientRect().top >= 0) { clearAbove(); }
  }, { passive: true });

  // ---- The live stream's "feed" swap (views' placeMessage): each element
  // of the fragment not on the page yet goes in its place, a thread among
  // the threads, a reply at the end of its thread.
  if (window.htmx && htmx.registerExtension) {
    htmx.registerExtension("feed", {
      handle_swap: function (style, target, fragment) {
        if (style !== "feed") { return false; }
        var added = [];
        Array.from(fragment.children).forEach(function (el) {
          if (el.id && document.getElementById(el.id)) { return; }
          var a = anchor();
          if (target === feed) {
            feed.appendChild(el);
            place(el);
          } else {
            target.appendChild(el);
          }
          keep(a);
          if (a && target === feed && el.getBoundingClientRect().bottom <= 0) { noteAbove(el); }
          added.push(el);
          closeAll(el);
          var art = el.querySelector("article.message");
          if (art && !art.classList.contains("mine")) { announce(1); }
        });
        if (added.length) { showPosted(); }
        return added.length ? added : true;
      }
    });
  }

  // After every live swap: a thread whose pin, highlight (or, on top
  // questions, votes) changed moves to its place (the reader's place kept
  // by what they read outside it); focus that a replaced message took with
  // it goes back to it.
  var current = null; // the id of the message last focused
  var writtenIn = null; // the id of the box a message is being posted from
  var focusInFeed = false; // when a swap began
  document.addEventListener("htmx:before:swap", function () {
    focusInFeed = feed.contains(document.activeElement);
  });
  document.addEventListener("htmx:after:swap", function () {
    threads().forEach(function (li) {
      if (inPlace(li)) { return; }
      var a = anchor(li);
      place(li);
      keep(a);
    });
    closeAll(feed);
    // (Not after a post from the feed: the box written in gets it back.)
    var el = focusInFeed && !writtenIn && current && document.getElementById(current);
    if (el && (document.activeElement === document.body || !document.activeElement)) {
      el.focus({ preventScroll: true });
    }
    showPosted();
  });

  // ---- One tab stop per message: a message's buttons and boxes are out of
  // the tab order until the reader enters it (Enter), and go out again when
  // focus leaves it. j / k move between messages (as on the wall).
  var CONTROLS = "a[href], button, input, select, textarea, summary, [tabindex]:not(article)";
  function messages() { return Array.from(feed.querySelectorAll("article.message")); }
  function close(art) {
    art.querySelectorAll(CONTROLS).forEach(function (c) {
      if (c.getAttribute("tabindex") !== "-1") { c.setAttribute("tabindex", "-1"); }
    });
    delete art.dataset.open;
  }
  function open(art) {
    art.dataset.open = "1";
    art.querySelectorAll(CONTROLS).forEach(function (c) { c.removeAttribute("tabindex"); });
  }
  function closeAll(root) {
    var arts = root.matches && root.matches("article.message") ? [root] : Array.from(root.querySelectorAll("article.message"));
    // Open only the message the reader is in (on one of its controls).
    arts.forEach(function (art) {
      var f = document.activeElement;
      if (f && f !== art && art.contains(f)) { open(art); } else { close(art); }
    });
  }
  function firstControl(art) {
    return Array.from(art.querySelectorAll(CONTROLS)).find(function (c) {
      return !c.disabled && c.getClientRects().length > 0;
    });
  }
  function move(step) {
    var list = messages();
    var cur = document.activeElement && document.activeElement.closest && document.activeElement.closest("#messages article.message");
    var i = cur ? list.indexOf(cur) : -1;
    var next = list[i < 0 ? (step > 0 ? 0 : list.length - 1) : i + step];
    if (next) {
      next.focus({ preventScroll: true });
      next.scrollIntoView({ block: "nearest" });
    }
  }
  closeAll(feed);
  feed.addEventListener("focusin", function (e) {
    var art = e.target.closest("article.message");
    if (!art) { return; }
    current = art.id;
    if (e.target !== art && !art.dataset.open) { open(art); } // a click, or a swap's refocus
  });
  feed.addEventListener("focusout", function (e) {
    var art = e.target.closest("article.message");
    if (art && !art.contains(e.relatedTarget)) { close(art); }
  });
  document.addEventListener("keydown", function (e) {
    if (e.ctrlKey || e.metaKey || e.altKey || e.defaultPrevented) { return; }
    var t = e.target;
    var art = t.closest && t.closest("#messages article.message");
    if (e.key === "Escape" && art && t !== art) {
      var box = t.closest("details[open]");
      if (box) { box.open = false; }
      e.preventDefault();
      close(art);
      art.focus();
      return;
    }
    if (t.closest && t.closest("input, textarea, select, [contenteditable]")) { return; }
    if (e.key === "Enter" && art && t === art) {
      e.preventDefault();
      open(art);
      var c = firstControl(art);
      if (c) { c.focus(); }
      return;
    }
    if (e.key === "j" || e.key === "k") {
      if (document.querySelector("dialog[open]")) { return; }
      e.preventDefault();
      move(e.key === "j" ? 1 : -1);
    }
  });

  // ---- Connection: a quiet note while the stream is down, and "Back"
  // once it is up again (replayed from where it left off).
  var conn = document.getElementById("feed-conn");
  var live = document.getElementById("live");
  var down = false, backTimer = null;
  function setConn(text, state) {
    if (!conn) { return; }
    clearTimeout(backTimer);
    conn.textContent = text;
    conn.dataset.state = state;
  }
  function dropped() {
    if (down) { return; }
    down = true;
    setConn("Reconnecting…", "down");
  }
  if (live) {
    live.addEventListener("htmx:sse:error", dropped);
    live.addEventListener("htmx:sse:before:connection", function (e) {
      var c = e.detail && e.detail.connection;
      if (c && c.attempt > 0) { dropped(); }
    });
    live.addEventListener("htmx:sse:after:connection", function () {
      if (!down) { return; }
      down = false;
      setConn("Back: up to date.", "back");
      backTimer = setTimeout(function () { setConn("", ""); }, BACK_MS);
    });
    live.addEventListener("htmx:sse:close", function (e) {
      var reason = e.detail && e.detail.reason;
      if (reason === "removed" || reason === "cleanup") { return; }
      down = true;
      setConn("Disconnected. Reload the page to catch up.", "down");
    });
  }

  // ---- After posting: the server names the new message (HX-Trigger
  // bc:posted); when it lands, it is brought into view and marked briefly.
  // The focus stays in the box written in.
  var posted = null;
  function showPosted() {
    var el = posted && document.getElementById(posted);
    if (!el) { return; }
    posted = null;
    var r = el.getBoundingClientRect();
    if (r.top < 0 || r.bottom > window.innerHeight) {
      el.scrollIntoView({ block: "center" });
      // The new place is the reader's now, at once: the scroll event comes
      // later, and a live update landing before it (the replied-to
      // message's new reply count) would otherwise scroll back.
      remember();
    }
    if (unseen.length && feed.getBoundingClientRect().top >= 0) { clearAbove(); }
    el.classList.add("just-posted");
    setTimeout(function () { el.classList.remove("just-posted"); }, 3000);
  }
  // The box written in keeps the focus for the next message (its form was
  // replaced by a fresh one).
  document.addEventListener("submit", function (e) {
    var box = e.target.querySelector && e.target.querySelector("textarea[name=body]");
    if (box && e.target.closest(".channel")) { writtenIn = box.id; }
  }, true);
  document.body.addEventListener("bc:posted", function (e) {
    posted = e.detail && e.detail.id;
    var box = writtenIn && document.getElementById(writtenIn);
    writtenIn = null;
    if (box && (document.activeElement === document.body || !document.activeElement)) {
      box.focus({ preventScroll: true });
      // A reply box the live update of its message closed: the message.
      var msg = box.closest("article.message");
      if (document.activeElement !== box && msg) { msg.focus({ preventScroll: true }); }
    }
    showPosted();
  });

  // ---- Back from accepting the guidelines (…#compose-body): write.
  function focusCompose() {
    var box = document.getElementById("compose-body");
    if (box && location.hash === "#compose-body") { box.focus(); }
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", focusCompose);
  } else {
    focusCompose();
  }
})();
