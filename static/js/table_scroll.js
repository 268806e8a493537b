// A table wider than the screen scrolls inside its card; say so, instead of leaving columns silently out of view.
(function () {
  "use strict";
  var hint = document.body.getAttribute("data-scroll-hint") || "";
  function mark() {
    var wraps = document.querySelectorAll(".table-wrap");
    for (var i = 0; i < wraps.length; i++) {
      var wrap = wraps[i];
      var scrolls = wrap.scrollWidth > wrap.clientWidth + 1;
      wrap.classList.toggle("scrolls", scrolls);
      var note = wrap.previousElementSibling;
      var has = note && note.classList.contains("scroll-hint");
      if (scrolls && !has && hint) {
        note = document.createElement("p");
        note.className = "scroll-hint";
        note.textContent = hint;
        wrap.parentNode.insertBefore(note, wrap);
      } else if (!scrolls && has) {
        note.parentNode.removeChild(note);
      }
    }
  }
  mark();
  window.addEventListener("resize", mark);
})();
