// Draws the charts of a petition's statistics page with Chart.js.
// The figures come from the page itself (a <script type="application/json"> element, which
// the Content-Security-Policy allows because it is never executed) and are also in HTML
// tables: without JavaScript, or with a screen reader, nothing is lost.
(function () {
  "use strict";

  function primaryColour() {
    var value = getComputedStyle(document.documentElement).getPropertyValue("--color-primary");
    return value.trim() || "#1d4ed8";
  }

  function chartConfig(kind, series, label, colour) {
    var horizontal = kind === "horizontal";
    return {
      type: horizontal ? "bar" : kind,
      data: {
        labels: series.labels,
        datasets: [{
          label: label,
          data: series.counts,
          backgroundColor: colour,
          borderColor: colour,
          pointRadius: 0,
          tension: 0.2
        }]
      },
      options: {
        indexAxis: horizontal ? "y" : "x",
        animation: false,
        responsive: true,
        maintainAspectRatio: true,
        aspectRatio: horizontal ? 1.6 : 2.2,
        plugins: { legend: { display: false } },
        scales: {
          x: { beginAtZero: true, ticks: { precision: 0, autoSkip: true, maxRotation: 0 } },
          y: { beginAtZero: true, ticks: { precision: 0 } }
        }
      }
    };
  }

  function draw() {
    var source = document.getElementById("petition-stats-data");
    if (!source || typeof window.Chart === "undefined") {
      return;
    }
    var data = JSON.parse(source.textContent);
    var colour = primaryColour();
    document.querySelectorAll("[data-chart]").forEach(function (box) {
      var series = data[box.dataset.chart];
      if (!series || !series.labels.length) {
        return;
      }
      var canvas = document.createElement("canvas");
      // The chart is a picture of the table that follows it: described, not read twice.
      canvas.setAttribute("role", "img");
      canvas.setAttribute("aria-label", box.dataset.label || "");
      box.appendChild(canvas);
      new window.Chart(canvas, chartConfig(box.dataset.kind || "bar", series, data.label, colour));
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
