// Draws the activity chart of the reports feed and of a committee's page with Chart.js:
// reports per month, stacked by kind of action. The figures come from the page (a
// <script type="application/json"> element, allowed by the Content-Security-Policy since
// it is never executed) and are also in an HTML table: without JavaScript, or with a
// screen reader, nothing is lost.
(function () {
  "use strict";

  // One colour per kind of action, told apart by people with a colour vision deficiency
  // (Okabe–Ito palette, plus two greys).
  var KIND_COLOURS = {
    leaflets: "#0072B2",
    stand: "#E69F00",
    demonstration: "#D55E00",
    debate: "#009E73",
    screening: "#CC79A7",
    school: "#56B4E9",
    officials: "#8C6D1F",
    vigil: "#4A4F57",
    other: "#A0A4AA"
  };

  function chartConfig(data) {
    return {
      type: "bar",
      data: {
        labels: data.labels,
        datasets: data.datasets.map(function (series) {
          var colour = KIND_COLOURS[series.kind] || "#0b4f8a";
          return { label: series.label, data: series.counts, backgroundColor: colour, borderColor: colour };
        })
      },
      options: {
        animation: false,
        responsive: true,
        maintainAspectRatio: true,
        aspectRatio: window.matchMedia("(max-width: 40rem)").matches ? 1.1 : 2.4,
        plugins: { legend: { position: "bottom", labels: { boxWidth: 12 } } },
        scales: {
          x: { stacked: true, ticks: { autoSkip: true, maxRotation: 0 } },
          y: { stacked: true, beginAtZero: true, ticks: { precision: 0 } }
        }
      }
    };
  }

  function draw() {
    var source = document.getElementById("report-activity-data");
    var box = document.querySelector("[data-activity-chart]");
    if (!source || !box || typeof window.Chart === "undefined") {
      return;
    }
    var canvas = document.createElement("canvas");
    // The chart is a picture of the table that follows it: described, not read twice.
    canvas.setAttribute("role", "img");
    canvas.setAttribute("aria-label", box.dataset.label || "");
    box.appendChild(canvas);
    new window.Chart(canvas, chartConfig(JSON.parse(source.textContent)));
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
