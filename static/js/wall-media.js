// Images on the triage wall. With "Blur images on the wall" on (a class on
// the wall, from the moderator's own setting), every image is blurred until
// clicked; a click, or Enter or Space on its focused link, shows that one,
// and the same again blurs it. With the setting off it is the other way
// round. The full-size image opens from the card's "Open" link. What was
// shown stays shown across live swaps of the cards. The setting's checkbox
// saves itself (htmx posts its form) and switches the class at once.
(function () {
  "use strict";
  var wall = document.getElementById("wall");
  if (!wall) { return; }
  var toggled = new Set(); // attachment ids shown (or blurred) against the setting

  function label(li) {
    var link = li.querySelector(".attachment-image");
    if (!link) { return; }
    var img = link.querySelector("img");
    var name = img ? img.getAttribute("alt") : "";
    var blurred = wall.classList.contains("wall-blur") !== li.classList.contains("blur-toggled");
    link.setAttribute("role", "button");
    link.setAttribute("aria-pressed", blurred ? "false" : "true");
    link.setAttribute("aria-label", (blurred ? "Show blurred image " : "Blur image ") + name);
    li.dataset.blurred = blurred ? "true" : "false";
  }

  function sync() {
    wall.querySelectorAll(".wall-files .attachment").forEach(function (li) {
      li.classList.toggle("blur-toggled", toggled.has(li.dataset.attachmentId));
      label(li);
    });
  }

  function flip(li) {
    var id = li.dataset.attachmentId;
    if (toggled.has(id)) { toggled.delete(id); } else { toggled.add(id); }
    wall.querySelectorAll('.wall-files .attachment[data-attachment-id="' + id + '"]').forEach(function (el) {
      el.classList.toggle("blur-toggled", toggled.has(id));
      label(el);
    });
  }

  wall.addEventListener("click", function (e) {
    var link = e.target.closest(".wall-files .attachment-image");
    if (!link) { return; }
    e.preventDefault();
    flip(link.closest(".attachment"));
  });
  wall.addEventListener("keydown", function (e) {
    if (e.key !== " " && e.key !== "Spacebar") { return; }
    var link = e.target.closest && e.target.closest(".wall-files .attachment-image");
    if (!link) { return; }
    e.preventDefault();
    e.stopPropagation();
    flip(link.closest(".attachment"));
  }, true);

  var box = document.querySelector("[data-wall-blur]");
  if (box) {
    box.addEventListener("change", function () {
      wall.classList.toggle("wall-blur", box.checked);
      toggled.clear();
      sync();
      box.form.requestSubmit();
    });
  }
  document.addEventListener("htmx:after:swap", sync);
  sync();
})();
