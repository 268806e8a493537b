// The board opens on the chosen day (the last column), with the day columns starting whole right after the
// unit column, which stays in view: scroll so that no date is half hidden behind it.
(function () {
  "use strict";
  var grids = document.querySelectorAll(".grid-wrap");
  for (var i = 0; i < grids.length; i++) {
    var wrap = grids[i];
    var unitCol = wrap.querySelector("thead .unit-col");
    var days = wrap.querySelectorAll("thead .day-col");
    if (!unitCol || !days.length) continue;
    var fixed = unitCol.offsetWidth;
    var last = days[days.length - 1];
    var wanted = last.offsetLeft + last.offsetWidth - wrap.clientWidth;
    if (wanted <= 0) continue;
    // The first day column that can start right after the unit column with the last one still in view.
    for (var j = 0; j < days.length; j++) {
      if (days[j].offsetLeft - fixed >= wanted) {
        wrap.scrollLeft = days[j].offsetLeft - fixed;
        break;
      }
    }
  }
})();
