// The board opens on the chosen day (the last column). The unit column stays in view while the days scroll
// under it; at the right end the first visible day would often be half hidden behind it ("/08"), so the unit
// column is widened by the visible sliver: every day in view is then whole.
(function () {
  "use strict";
  function align(wrap) {
    var unitCol = wrap.querySelector("thead .unit-col");
    var days = wrap.querySelectorAll("thead .day-col");
    wrap.scrollLeft = wrap.scrollWidth;
    if (!unitCol || !days.length || wrap.scrollWidth <= wrap.clientWidth) return;
    var edge = unitCol.getBoundingClientRect().right;
    for (var j = 0; j < days.length; j++) {
      var box = days[j].getBoundingClientRect();
      if (box.left < edge - 0.5 && box.right > edge + 0.5) {
        var width = unitCol.getBoundingClientRect().width + (box.right - edge);
        unitCol.style.minWidth = unitCol.style.maxWidth = Math.ceil(width) + "px";
        wrap.scrollLeft = wrap.scrollWidth;
        return;
      }
    }
  }
  var grids = document.querySelectorAll(".grid-wrap");
  for (var i = 0; i < grids.length; i++) align(grids[i]);
})();
