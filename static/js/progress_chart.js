// Draws the rate-vs-trajectory chart from the JSON the page carries (json_script).
// The same numbers are in the table below the chart, so the page works without this.
(function () {
  "use strict";
  if (typeof Chart === "undefined") {
    return;
  }
  var lang = (document.documentElement.lang || "vi").toLowerCase();
  var locale = lang.indexOf("vi") === 0 ? "vi-VN" : "en-GB";
  var percentSign = locale === "vi-VN" ? " %" : "%";

  function percent(value, digits) {
    if (value === null || value === undefined) {
      return "—";
    }
    return value.toLocaleString(locale, {minimumFractionDigits: digits, maximumFractionDigits: digits}) + percentSign;
  }

  function draw(canvas) {
    var source = document.getElementById(canvas.getAttribute("data-source"));
    if (!source) {
      return;
    }
    var data = JSON.parse(source.textContent);
    var target = data.labels.map(function () { return data.target; });
    new Chart(canvas, {
      type: "line",
      data: {
        labels: data.labels,
        datasets: [
          {label: data.series.reported, data: data.reported, borderColor: "#0b5cad", backgroundColor: "#0b5cad",
           borderWidth: 3, pointRadius: 2, tension: 0.15},
          {label: data.series.official, data: data.official, borderColor: "#1e7b34", backgroundColor: "#1e7b34",
           borderWidth: 2, pointRadius: 2, tension: 0.15},
          {label: data.series.trajectory, data: data.trajectory, borderColor: "#9a5b00", backgroundColor: "#9a5b00",
           borderWidth: 2, borderDash: [6, 4], pointRadius: 0},
          {label: data.series.target + " " + percent(data.target, 0), data: target, borderColor: "#b3261e",
           backgroundColor: "#b3261e", borderWidth: 1, borderDash: [2, 3], pointRadius: 0}
        ]
      },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        locale: locale,
        interaction: {mode: "index", intersect: false},
        scales: {
          y: {min: 0, suggestedMax: data.target + 2, ticks: {callback: function (v) { return percent(v, 0); }}},
          x: {ticks: {maxRotation: 0, autoSkip: true}}
        },
        plugins: {
          legend: {position: "bottom", labels: {boxWidth: 14}},
          tooltip: {callbacks: {label: function (ctx) { return ctx.dataset.label + ": " + percent(ctx.parsed.y, 2); }}}
        }
      }
    });
  }

  var canvases = document.querySelectorAll("canvas[data-chart='progress']");
  for (var i = 0; i < canvases.length; i++) {
    draw(canvases[i]);
  }
})();
