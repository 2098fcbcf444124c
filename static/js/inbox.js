// Direct messages on the page: the header's unread badge, the inbox list
// and an open conversation, kept current from the page's inbox stream
// (#inbox-live, views.InboxNav). The stream's fragments are the same for
// every member; what differs per viewer is marked here from data
// attributes and the viewer's id: their own messages ("mine": edit and
// delete show), their reactions (pressed), "Seen" markers, messages of
// people they blocked, the blocked-member warning, the admin's controls.
// The pages work without it: every button and link is a plain form or
// link, and reloading shows the same.
(function () {
  "use strict";
  var live = document.getElementById("inbox-live");
  if (!live) { return; }
  var viewer = live.dataset.viewer;
  var EDIT_MS = 15 * 60 * 1000;
  var conv = document.querySelector(".dm-conv[data-conversation]");
  var convID = conv ? conv.dataset.conversation : "";
  var thread = convID ? document.getElementById("dm-thread-" + convID) : null;
  var list = document.querySelector("#dm-list[data-folder]");
  var badge = document.getElementById("inbox-badge");

  function ids(s) { return (s || "").split(/\s+/).filter(Boolean); }
  function blocked() { return conv ? ids(conv.dataset.blocked) : []; }

  // ---- The header's badge.
  function setBadge(n) {
    if (!badge) { return; }
    n = Math.max(0, n);
    badge.dataset.count = String(n);
    badge.textContent = String(n);
    badge.hidden = n === 0;
    var link = badge.closest("a");
    if (link) { link.setAttribute("aria-label", n ? "Inbox, " + n + " unread" : "Inbox"); }
  }
  function refreshBadge() {
    fetch("/inbox/unread", { headers: { "HX-Request": "true" }, credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.text() : null; })
      .then(function (t) { if (t !== null && /^\d+$/.test(t.trim())) { setBadge(Number(t.trim())); } })
      .catch(function () {});
  }

  // ---- The viewer's marks on messages.
  function mark(root) {
    if (!root) { return; }
    var bl = blocked(), now = Date.now();
    root.querySelectorAll(".dm-msg[data-author]").forEach(function (a) {
      var mine = a.dataset.author === viewer;
      a.classList.toggle("mine", mine);
      a.classList.toggle("late", mine && now - Date.parse(a.dataset.at) > EDIT_MS);
      var hide = bl.indexOf(a.dataset.author) >= 0 && !a.dataset.shown;
      a.classList.toggle("blocked-author", hide);
      var note = a.querySelector(".dm-blocked-note");
      if (note) { note.hidden = !hide; }
      a.querySelectorAll("[data-users]").forEach(function (b) {
        b.setAttribute("aria-pressed", ids(b.dataset.users).indexOf(viewer) >= 0 ? "true" : "false");
      });
    });
    seen();
  }

  // "Seen" under the viewer's newest message the other person has read
  // (1:1), "Seen by N" under the newest message for groups.
  function seen() {
    if (!thread) { return; }
    var reads = {};
    var box = document.getElementById("dm-reads-" + convID);
    if (box) { box.querySelectorAll("[data-user]").forEach(function (r) { reads[r.dataset.user] = Number(r.dataset.read) || 0; }); }
    thread.querySelectorAll(".dm-seen").forEach(function (p) { p.hidden = true; p.textContent = ""; });
    var msgs = Array.from(thread.querySelectorAll(".dm-msg[data-author]"));
    if (!msgs.length) { return; }
    var others = Object.keys(reads).filter(function (u) { return u !== viewer; });
    if (!conv.classList.contains("is-group")) {
      var mine = msgs.filter(function (a) { return a.dataset.author === viewer; });
      for (var i = mine.length - 1; i >= 0; i--) {
        var id = Number(mine[i].dataset.id);
        if (others.some(function (u) { return reads[u] >= id; })) {
          var p = mine[i].querySelector(".dm-seen");
          if (p) { p.textContent = "Seen"; p.hidden = false; }
          return;
        }
      }
      return;
    }
    var last = msgs[msgs.length - 1], lastID = Number(last.dataset.id);
    var n = others.filter(function (u) { return u !== last.dataset.author && reads[u] >= lastID; }).length;
    if (n > 0) {
      var q = last.querySelector(".dm-seen");
      if (q) { q.textContent = "Seen by " + n; q.hidden = false; }
    }
  }

  // ---- The members panel: title, admin, the blocked-member warning, and
  // whether the viewer is still in the conversation.
  function members() {
    if (!conv) { return; }
    var panel = document.getElementById("dm-members-" + convID);
    if (!panel) { return; }
    var here = ids(panel.dataset.members);
    conv.classList.toggle("is-admin", panel.dataset.admin === viewer);
    conv.classList.toggle("dm-gone", here.indexOf(viewer) < 0);
    var title = document.getElementById("dm-title-" + convID);
    if (title) {
      var names = [];
      panel.querySelectorAll("li[data-user]").forEach(function (li) { if (li.dataset.user !== viewer) { names.push(li.dataset.name); } });
      title.textContent = panel.dataset.title || names.join(", ") || "Only you";
    }
    var banner = document.getElementById("dm-blocked-banner"), text = document.getElementById("dm-blocked-text");
    if (!banner || !text) { return; }
    var bl = blocked(), who = [];
    panel.querySelectorAll("li[data-user]").forEach(function (li) { if (bl.indexOf(li.dataset.user) >= 0) { who.push(li.dataset.name); } });
    text.textContent = who.length ? "You blocked " + who.join(", ") + ", who " + (who.length > 1 ? "are" : "is") + " in this conversation." : "";
    banner.hidden = who.length === 0;
  }

  // ---- Reading: the conversation in view is read up to its newest
  // message (one request for a burst).
  var readTimer = null;
  function markRead() {
    if (!thread || document.hidden || readTimer) { return; }
    readTimer = setTimeout(function () {
      readTimer = null;
      var msgs = thread.querySelectorAll("[data-id]");
      if (!msgs.length) { return; }
      var body = new FormData();
      body.set("through", msgs[msgs.length - 1].dataset.id);
      var csrf = document.querySelector("#dm-act input[name=_csrf]");
      if (csrf) { body.set("_csrf", csrf.value); }
      fetch("/inbox/" + convID + "/read", { method: "POST", body: body, headers: { "HX-Request": "true" }, credentials: "same-origin" })
        .then(function () { refreshBadge(); }).catch(function () {});
    }, 300);
  }
  document.addEventListener("visibilitychange", function () { if (!document.hidden) { markRead(); } });

  function nearBottom() { return !thread || thread.scrollHeight - thread.scrollTop - thread.clientHeight < 80; }
  function toBottom() { if (thread) { thread.scrollTop = thread.scrollHeight; } }

  // ---- The inbox list: a conversation with a new message goes to the
  // top with its excerpt, and counts one more unread unless it is the
  // viewer's own.
  function bump(s) {
    if (!list || list.dataset.folder !== "inbox" || s.hasAttribute("data-request")) { return; }
    var row = document.getElementById("conv-" + s.dataset.conversation);
    if (!row) { reloadList(); return; }
    var ex = row.querySelector(".dm-row-excerpt");
    if (ex) {
      // As the server words it: "You: …" for the viewer's own, the
      // author's name in groups, the bare text in a 1:1.
      var by = !s.dataset.by ? "" : s.dataset.actor === viewer ? "You" : row.hasAttribute("data-group") ? s.dataset.by : "";
      ex.textContent = (by ? by + ": " : "") + s.dataset.excerpt;
    }
    if (s.dataset.actor !== viewer) {
      var u = row.querySelector(".dm-unread");
      if (u) {
        var n = (Number(u.dataset.count) || 0) + 1;
        u.dataset.count = String(n);
        u.firstChild.textContent = String(n);
        u.hidden = false;
        row.classList.add("unread");
      }
    }
    if (list.firstElementChild !== row) {
      var focused = row.contains(document.activeElement) && document.activeElement;
      list.insertBefore(row, list.firstElementChild);
      if (focused) { focused.focus({ preventScroll: true }); }
    }
  }
  function reloadList() {
    if (!list) { return; }
    fetch(location.pathname, { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.text() : null; })
      .then(function (html) {
        if (!html) { return; }
        var doc = new DOMParser().parseFromString(html, "text/html");
        var fresh = doc.getElementById("dm-list");
        if (fresh) { list.replaceChildren.apply(list, Array.from(fresh.children)); }
        var empty = document.querySelector(".dm-empty");
        if (empty) { empty.hidden = list.children.length > 0; }
      }).catch(function () {});
  }

  function signal(s) {
    var kind = s.dataset.dm, here = s.dataset.conversation === convID, mine = s.dataset.actor === viewer;
    if (kind === "message") {
      if (!mine && !s.hasAttribute("data-request") && !(here && !document.hidden)) {
        setBadge((Number(badge && badge.dataset.count) || 0) + 1);
      }
      bump(s);
      if (here) {
        if (!mine) { markRead(); }
      }
    } else if (kind === "read") {
      if (mine) {
        refreshBadge();
        var row = list && document.getElementById("conv-" + s.dataset.conversation);
        var u = row && row.querySelector(".dm-unread");
        if (u) { u.dataset.count = "0"; u.hidden = true; row.classList.remove("unread"); }
      }
    } else if (kind === "blocks") {
      // Only ever sent to the viewer: whom they block now.
      if (conv) { conv.dataset.blocked = s.dataset.blocked || ""; mark(thread); members(); }
    } else if (kind === "members") {
      if (here) { members(); }
    } else if (kind === "folder") {
      if (mine) { refreshBadge(); reloadList(); }
    }
  }

  // Each live fragment: mark what it brought, then read the signals.
  var wasBottom = true;
  document.addEventListener("htmx:before:swap", function () { wasBottom = nearBottom(); });
  document.addEventListener("htmx:after:swap", function () {
    mark(thread);
    members();
    live.querySelectorAll("i[data-dm]").forEach(function (s) { s.remove(); signal(s); });
    if (wasBottom) { toBottom(); }
  });

  // ---- Compose: Enter sends, Shift+Enter is a new line; sending goes
  // through fetch, and the message comes back on the stream.
  var compose = document.getElementById("dm-compose");
  function flash(html) {
    var f = document.getElementById("flash");
    if (f) { f.innerHTML = html; }
  }
  function send(form, submitter) {
    var body = new FormData(form);
    if (submitter && submitter.name) { body.set(submitter.name, submitter.value); }
    var action = (submitter && submitter.getAttribute("formaction")) || form.getAttribute("action");
    return fetch(action, { method: "POST", body: body, headers: { "HX-Request": "true" }, credentials: "same-origin" })
      .then(function (r) {
        if (r.ok) { flash(""); return true; }
        return r.text().then(function (t) { flash(t); return false; });
      })
      .catch(function () { flash('<div class="alert alert-error" role="alert">Could not reach the server: try again.</div>'); return false; });
  }
  if (compose) {
    var box = compose.querySelector("textarea");
    compose.addEventListener("submit", function (e) {
      e.preventDefault();
      var files = compose.querySelectorAll("input[name=attachments]");
      if (!box.value.trim() && !files.length) { return; }
      var plain = /\/messages$/.test(compose.getAttribute("action")) && !compose.querySelector("[name=reply_to]");
      send(compose).then(function (ok) {
        if (!ok) { return; }
        if (!plain) { location.href = "/inbox/" + convID; return; }
        box.value = "";
        // The files went with the message: the file control starts empty.
        files.forEach(function (f) { f.remove(); });
        compose.querySelectorAll("[data-attach-list] > *").forEach(function (li) { li.remove(); });
        box.focus();
        toBottom();
      });
    });
    box.addEventListener("keydown", function (e) {
      if (e.key === "Enter" && !e.shiftKey && !e.isComposing) {
        e.preventDefault();
        compose.requestSubmit();
      }
    });
  }
  // The messages' and members' buttons post the page's action form
  // (#dm-act); the change comes back on the stream.
  document.addEventListener("submit", function (e) {
    if (e.target.id !== "dm-act") { return; }
    e.preventDefault();
    var b = e.submitter;
    if (b && b.dataset.confirm && !window.confirm(b.dataset.confirm)) { return; }
    send(e.target, b);
  });
  document.addEventListener("click", function (e) {
    var show = e.target.closest("[data-show-blocked]");
    if (!show) { return; }
    var a = show.closest(".dm-msg");
    a.dataset.shown = "1";
    mark(thread);
  });

  mark(thread);
  members();
  toBottom();
  if (thread) { markRead(); }
})();
