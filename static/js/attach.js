// The compose box's file control (views.AttachPicker, [data-attach] inside
// a form): files chosen with the button, dropped on the form or pasted into
// its text box are uploaded at once to POST /api/v1/uploads, each with a
// progress bar and a Remove button; each finished upload adds
// <input type="hidden" name="attachments" value="{id}"> to the form, which
// the form's handler reads. Everything is delegated from the document, so
// forms that htmx swaps in work without being set up again; a swap only
// reveals new pickers (hidden until this script runs, as they do nothing
// without it) and carries a refused post's files over to the form that
// comes back with the error.
(function () {
  "use strict";
  var MAX = 4;
  var uploads = new WeakMap(); // <li> -> {xhr, id, url}
  var carried = null; // the finished uploads of a refused post: {action, items}

  function token() {
    var raw = document.body.getAttribute("hx-headers:inherited") || document.body.getAttribute("hx-headers") || "{}";
    try { return JSON.parse(raw)["X-CSRF-Token"] || ""; } catch (e) { return ""; }
  }

  function pickerOf(el) {
    var form = el && el.closest && el.closest("form");
    return form && form.querySelector("[data-attach]");
  }

  function size(n) {
    if (n < 1000) { return n + " B"; }
    if (n < 1000000) { return Math.round(n / 1000) + " KB"; }
    return (n / 1e6).toFixed(1) + " MB";
  }

  function note(picker, text) {
    var p = picker.querySelector("[data-attach-note]");
    if (!p) { return; }
    p.textContent = text;
    p.hidden = text === "";
  }

  function items(picker) {
    return Array.from(picker.querySelectorAll("[data-attach-list] > li"));
  }

  // refresh sets what depends on the uploads: the Post button waits while
  // any runs; a message with files needs no text.
  function refresh(picker) {
    var form = picker.closest("form");
    var list = items(picker);
    var busy = list.some(function (li) { return li.dataset.state === "uploading"; });
    var done = list.some(function (li) { return li.dataset.state === "done"; });
    picker.querySelector("[data-attach-list]").setAttribute("aria-busy", busy ? "true" : "false");
    form.querySelectorAll("button[type=submit]").forEach(function (b) {
      if (busy && !b.disabled) { b.disabled = true; b.dataset.attachWait = "1"; }
      if (!busy && b.dataset.attachWait) { b.disabled = false; delete b.dataset.attachWait; }
    });
    var area = form.querySelector("textarea[name=body]");
    if (area) {
      if (!("attachRequired" in area.dataset)) { area.dataset.attachRequired = area.required ? "1" : ""; }
      area.required = area.dataset.attachRequired === "1" && !done;
    }
  }

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) { e.className = cls; }
    if (text) { e.textContent = text; }
    return e;
  }

  function add(picker, files) {
    files = Array.from(files || []);
    if (!files.length) { return; }
    var room = MAX - items(picker).filter(function (li) { return li.dataset.state !== "error"; }).length;
    var skipped = files.slice(Math.max(room, 0));
    files = files.slice(0, Math.max(room, 0));
    note(picker, skipped.length ? "A message carries at most " + MAX + " files: " +
      skipped.map(function (f) { return "“" + (f.name || "pasted image") + "”"; }).join(", ") +
      (skipped.length === 1 ? " was" : " were") + " not added." : "");
    files.forEach(function (f) { upload(picker, f); });
    refresh(picker);
  }

  function upload(picker, file) {
    var name = file.name || "pasted-image.png";
    var li = el("li", "attach-item");
    li.dataset.state = "uploading";
    li.dataset.testid = "attach-item";
    // The type's mark until the server's thumbnail of an image replaces it
    // (the page's CSP loads images from the site only).
    var icon = li.appendChild(el("span", "attach-icon", (name.split(".").pop() || "file").slice(0, 4).toUpperCase()));
    icon.setAttribute("aria-hidden", "true");
    var info = li.appendChild(el("span", "attach-info"));
    info.appendChild(el("span", "attach-name", name));
    var meta = info.appendChild(el("span", "attach-meta small muted", size(file.size) + " · uploading"));
    var bar = info.appendChild(el("progress", "attach-progress"));
    bar.max = 100;
    bar.value = 0;
    bar.setAttribute("aria-label", "Uploading " + name);
    var err = info.appendChild(el("span", "attach-error field-error"));
    err.setAttribute("role", "alert");
    var remove = li.appendChild(el("button", "button ghost small-button attach-remove", "Remove"));
    remove.type = "button";
    remove.setAttribute("aria-label", "Remove " + name);
    remove.dataset.attachRemove = "";
    picker.querySelector("[data-attach-list]").appendChild(li);

    var xhr = new XMLHttpRequest();
    var u = {xhr: xhr, id: 0};
    uploads.set(li, u);
    xhr.open("POST", "/api/v1/uploads");
    xhr.setRequestHeader("X-CSRF-Token", token());
    xhr.setRequestHeader("Accept", "application/json");
    xhr.upload.onprogress = function (e) {
      if (e.lengthComputable) { bar.value = Math.round(100 * e.loaded / e.total); }
    };
    function fail(msg) {
      li.dataset.state = "error";
      bar.remove();
      meta.textContent = size(file.size) + " · not uploaded";
      err.textContent = msg;
      refresh(picker);
    }
    xhr.onload = function () {
      var body = null;
      try { body = JSON.parse(xhr.responseText); } catch (e) { /* not JSON */ }
      if (xhr.status !== 201 || !body || !body.id) {
        fail((body && body.error && body.error.message) || "The upload failed (" + (xhr.status || "no answer") + "): try again.");
        return;
      }
      u.id = body.id;
      li.dataset.state = "done";
      li.dataset.attachId = String(body.id);
      bar.value = 100;
      bar.remove();
      info.querySelector(".attach-name").textContent = body.name;
      remove.setAttribute("aria-label", "Remove " + body.name);
      meta.textContent = (body.kind === "image" ? "Image" : body.type) + " · " + size(body.size);
      if (body.thumb_url) {
        var img = el("img", "attach-thumb");
        img.alt = "";
        img.width = 48;
        img.height = 48;
        img.src = body.thumb_url;
        icon.replaceWith(img);
      }
      var input = li.appendChild(document.createElement("input"));
      input.type = "hidden";
      input.name = "attachments";
      input.value = String(body.id);
      refresh(picker);
    };
    xhr.onerror = function () { fail("The upload was cut off: check the connection and try again."); };
    var fd = new FormData();
    fd.append("file", file, name);
    xhr.send(fd);
  }

  // drop takes an upload out of the list: it is aborted while running and
  // deleted on the server once stored.
  function drop(li) {
    var picker = li.closest("[data-attach]");
    var u = uploads.get(li);
    if (u) {
      if (li.dataset.state === "uploading") { u.xhr.onload = u.xhr.onerror = null; u.xhr.abort(); }
      if (u.id) {
        var x = new XMLHttpRequest();
        x.open("DELETE", "/api/v1/uploads/" + u.id);
        x.setRequestHeader("X-CSRF-Token", token());
        x.send();
      }
    }
    var next = li.nextElementSibling || li.previousElementSibling;
    li.remove();
    note(picker, "");
    refresh(picker);
    var focus = next && next.querySelector("[data-attach-remove]");
    (focus || picker.querySelector("[data-attach-input]")).focus();
  }

  function setUp() {
    document.querySelectorAll("[data-attach][hidden]").forEach(function (p) { p.hidden = false; });
    if (!carried) { return; }
    var c = carried;
    carried = null;
    document.querySelectorAll("form").forEach(function (form) {
      var picker = form.querySelector("[data-attach]");
      if (!picker || form.getAttribute("hx-post") !== c.action || items(picker).length) { return; }
      c.items.forEach(function (li) { picker.querySelector("[data-attach-list]").appendChild(li); });
      refresh(picker);
    });
  }

  document.addEventListener("DOMContentLoaded", setUp);
  // A post refused comes back as a new form with the error: the files
  // chosen go over to it. A post taken brings an empty form: the list is
  // gone with the old one.
  document.addEventListener("htmx:before:swap", function (e) {
    var picker = pickerOf(e.target);
    var ctx = e.detail && e.detail.ctx;
    if (!picker || !ctx || !ctx.response || ctx.response.status < 400) { return; }
    var done = items(picker).filter(function (li) { return li.dataset.state === "done"; });
    if (done.length) { carried = {action: e.target.closest("form").getAttribute("hx-post"), items: done}; }
  });
  document.addEventListener("htmx:after:swap", setUp);

  document.addEventListener("change", function (e) {
    if (!e.target.matches("[data-attach-input]")) { return; }
    add(e.target.closest("[data-attach]"), e.target.files);
    e.target.value = "";
  });
  document.addEventListener("click", function (e) {
    var b = e.target.closest && e.target.closest("[data-attach-remove]");
    if (b) { drop(b.closest("li")); }
  });
  // An image pasted into the text box is attached; pasted text stays text
  // (an office program copies a picture of the cells beside their text:
  // the text is what was meant).
  document.addEventListener("paste", function (e) {
    var picker = e.target.matches && e.target.matches("textarea") && pickerOf(e.target);
    var files = e.clipboardData && e.clipboardData.files;
    if (!picker || !files || !files.length || e.clipboardData.getData("text/plain") !== "") { return; }
    e.preventDefault();
    add(picker, files);
  });

  // Dropping files on the form: it shows where they go while dragged over.
  function dragged(e) {
    return e.dataTransfer && Array.from(e.dataTransfer.types || []).indexOf("Files") >= 0 && pickerOf(e.target);
  }
  ["dragenter", "dragover"].forEach(function (type) {
    document.addEventListener(type, function (e) {
      if (!dragged(e)) { return; }
      e.preventDefault();
      e.dataTransfer.dropEffect = "copy";
      e.target.closest("form").classList.add("attach-dragging");
    });
  });
  document.addEventListener("dragleave", function (e) {
    var form = e.target.closest && e.target.closest("form.attach-dragging");
    if (form && !form.contains(e.relatedTarget)) { form.classList.remove("attach-dragging"); }
  });
  document.addEventListener("drop", function (e) {
    var picker = dragged(e);
    if (!picker) { return; }
    e.preventDefault();
    picker.closest("form").classList.remove("attach-dragging");
    add(picker, e.dataTransfer.files);
  });

  // No post while a file is still uploading (a keyboard shortcut submits
  // without the button).
  document.addEventListener("submit", function (e) {
    var picker = pickerOf(e.target);
    if (picker && items(picker).some(function (li) { return li.dataset.state === "uploading"; })) {
      e.preventDefault();
      e.stopImmediatePropagation();
      note(picker, "Wait for the files to finish uploading, then post.");
    }
  }, true);
})();
