// Survey result charts (templates/surveys/results.html). The data comes from the page's
// json_script block ("survey-chart-data": {question key: {type, labels, counts, shares}}); each
// chart sits beside a table with the same figures, so the page reads the same without it.

(function () {
  "use strict";

  // One dark blue on white (contrast 6.7:1): bars are told apart by their axis labels, never by
  // colour alone.
  const BAR = "#1d4ed8";
  const TEXT = "#344054";
  const GRID = "#e4e7ec";
  const WRAP_AT = 22; // characters per line of an axis label, so long options fit a phone

  function wrap(label) {
    const lines = [];
    let line = "";
    String(label).split(/\s+/).forEach((word) => {
      if (line && (line + " " + word).length > WRAP_AT) {
        lines.push(line);
        line = word;
      } else {
        line = line ? line + " " + word : word;
      }
    });
    if (line) lines.push(line);
    return lines.length > 1 ? lines : lines[0] || "";
  }

  function draw(canvas, data, reduceMotion) {
    // Choices read best as horizontal bars (long labels); a scale keeps its order left to right.
    const horizontal = data.type !== "scale";
    const valueAxis = horizontal ? "x" : "y";
    const labelAxis = horizontal ? "y" : "x";
    return new Chart(canvas, {
      type: "bar",
      data: {
        labels: data.labels.map(wrap),
        datasets: [
          {
            label: "Share of answers",
            data: data.shares,
            backgroundColor: BAR,
            borderRadius: 3,
            maxBarThickness: 44,
          },
        ],
      },
      options: {
        indexAxis: labelAxis,
        responsive: true,
        maintainAspectRatio: false,
        animation: reduceMotion ? false : { duration: 300 },
        plugins: {
          legend: { display: false },
          tooltip: {
            callbacks: {
              title: (items) => data.labels[items[0].dataIndex],
              label: (item) => {
                const count = data.counts[item.dataIndex];
                return `${count} ${count === 1 ? "person" : "people"} (${data.shares[item.dataIndex]}%)`;
              },
            },
          },
        },
        scales: {
          [valueAxis]: {
            beginAtZero: true,
            suggestedMax: 100,
            ticks: { color: TEXT, callback: (value) => `${value}%` },
            grid: { color: GRID },
          },
          [labelAxis]: {
            ticks: { color: TEXT, autoSkip: false },
            grid: { display: false },
          },
        },
      },
    });
  }

  function drawAll() {
    const source = document.getElementById("survey-chart-data");
    if (!source || typeof window.Chart === "undefined") return;
    const charts = JSON.parse(source.textContent);
    const reduceMotion = window.matchMedia("(prefers-reduced-motion: reduce)").matches;
    window.Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;
    document.querySelectorAll("canvas[data-chart-key]").forEach((canvas) => {
      const data = charts[canvas.dataset.chartKey];
      if (data) draw(canvas, data, reduceMotion);
    });
  }

  document.addEventListener("DOMContentLoaded", drawAll);
})();
