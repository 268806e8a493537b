// On a narrow screen the newest days are the ones that matter: start the grid scrolled to its right end.
(function () {
  "use strict";
  var grids = document.querySelectorAll(".grid-wrap");
  for (var i = 0; i < grids.length; i++) {
    grids[i].scrollLeft = grids[i].scrollWidth;
  }
})();
