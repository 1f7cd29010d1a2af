// Draws the charts of a campaign's dashboard with Chart.js. The figures come from the
// page (a <script type="application/json"> element, allowed by the Content-Security-Policy
// because it is never executed) and are also in the tables next to each chart.
(function () {
  "use strict";

  var PALETTE = ["#1d4ed8", "#b45309", "#047857", "#9d174d"];

  function chartConfig(kind, series) {
    return {
      type: kind,
      data: {
        labels: series.labels,
        datasets: series.datasets.map(function (dataset, index) {
          var colour = PALETTE[index % PALETTE.length];
          return {
            label: dataset.label,
            data: dataset.counts,
            backgroundColor: colour,
            borderColor: colour,
            pointRadius: 0,
            tension: 0.2
          };
        })
      },
      options: {
        animation: false,
        responsive: true,
        aspectRatio: 2.2,
        plugins: { legend: { display: series.datasets.length > 1 } },
        scales: {
          x: { ticks: { autoSkip: true, maxRotation: 0 } },
          y: { beginAtZero: true, ticks: { precision: 0 } }
        }
      }
    };
  }

  function draw() {
    var source = document.getElementById("campaign-data");
    if (!source || typeof window.Chart === "undefined") {
      return;
    }
    var data = JSON.parse(source.textContent);
    document.querySelectorAll("[data-chart]").forEach(function (box) {
      var series = data[box.dataset.chart];
      if (!series || !series.labels.length) {
        return;
      }
      var canvas = document.createElement("canvas");
      // A picture of the table that follows: described, not read twice.
      canvas.setAttribute("role", "img");
      canvas.setAttribute("aria-label", box.dataset.label || "");
      box.appendChild(canvas);
      new window.Chart(canvas, chartConfig(box.dataset.kind || "bar", series));
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
