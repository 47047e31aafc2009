// Report charts (templates/reports/): the dashboard, the program dashboard and the impact report.
// The figures come from the page's json_script block ("report-chart-data": {key: chart}); every
// canvas names its chart with data-chart-key and sits beside a table (or a sentence) with the
// same figures, so the page reads the same without this file, in a screen reader, or on paper.
//
// Kinds of chart:
//   bar       {labels, values, unit, groups}                horizontal bars (funnel, promotion)
//   line      {labels, series: [{label, values}], unit, min, max, step}  weekly trends, one or two lines
//   survival  {groups: [{label, times, survival, low, high}]} Kaplan–Meier steps with their bands

(function () {
  "use strict";

  // Dark blue and dark orange: both over 5:1 on white, and the pair colour-blind readers tell
  // apart best. A second series is also dashed, so no line is told apart by colour alone.
  const COLOURS = ["#1d4ed8", "#b54708"];
  const BANDS = ["rgba(29, 78, 216, 0.16)", "rgba(181, 71, 8, 0.16)"];
  const DASHES = [[], [6, 4]];
  const TEXT = "#344054";
  const GRID = "#e4e7ec";

  const WRAP_AT = 16; // characters per line of a bar's label, so labels fit a phone

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

  function suffix(unit) {
    return (value) => (unit === "%" ? `${value}%` : unit ? `${value} ${unit}` : `${value}`);
  }

  function baseOptions(reduceMotion) {
    return {
      responsive: true,
      maintainAspectRatio: false,
      animation: reduceMotion ? false : { duration: 300 },
      plugins: { legend: { labels: { color: TEXT, usePointStyle: true, boxHeight: 6 } } },
    };
  }

  function bar(data, options) {
    options.indexAxis = "y";
    options.plugins.legend.display = false;
    options.scales = {
      x: { beginAtZero: true, ticks: { color: TEXT, precision: 0, callback: suffix(data.unit) }, grid: { color: GRID } },
      y: { ticks: { color: TEXT, autoSkip: false }, grid: { display: false } },
    };
    options.plugins.tooltip = { callbacks: { title: (items) => data.labels[items[0].dataIndex] } };
    // Groups compared (participants, colleagues) take the retention chart's colours; stages of
    // one funnel share one.
    const colours = data.groups ? data.values.map((_, i) => COLOURS[i % 2]) : COLOURS[0];
    return {
      type: "bar",
      data: {
        labels: data.labels.map(wrap),
        datasets: [{ label: data.label || "People", data: data.values, backgroundColor: colours, borderRadius: 3, maxBarThickness: 36 }],
      },
      options,
    };
  }

  function line(data, options) {
    options.plugins.legend.display = data.series.length > 1;
    options.interaction = { mode: "index", intersect: false };
    options.scales = {
      x: { ticks: { color: TEXT, maxRotation: 0, autoSkipPadding: 12 }, grid: { display: false } },
      y: {
        beginAtZero: data.min === undefined,
        min: data.min,
        max: data.max,
        ticks: { color: TEXT, stepSize: data.step, callback: suffix(data.unit) },
        grid: { color: GRID },
      },
    };
    return {
      type: "line",
      data: {
        labels: data.labels,
        datasets: data.series.map((series, i) => ({
          label: series.label,
          data: series.values,
          borderColor: COLOURS[i % 2],
          backgroundColor: COLOURS[i % 2],
          borderDash: DASHES[i % 2],
          borderWidth: 2,
          pointRadius: 0,
          pointHitRadius: 8,
          spanGaps: false,
          tension: 0,
        })),
      },
      options,
    };
  }

  function survival(data, options) {
    // Each group: its band (the lower edge, then the upper edge filled down to it), then its
    // curve on top. The legend names the curves only.
    const datasets = [];
    data.groups.forEach((group, i) => {
      const points = (values) => group.times.map((t, j) => ({ x: t, y: values[j] === null ? null : values[j] * 100 }));
      const band = { stepped: "before", pointRadius: 0, borderWidth: 0, band: true };
      datasets.push({ ...band, label: `${group.label}: lower bound`, data: points(group.low), fill: false });
      datasets.push({ ...band, label: `${group.label}: upper bound`, data: points(group.high), fill: "-1", backgroundColor: BANDS[i % 2] });
      datasets.push({
        label: group.label,
        data: points(group.survival),
        stepped: "before",
        borderColor: COLOURS[i % 2],
        backgroundColor: COLOURS[i % 2],
        borderDash: DASHES[i % 2],
        borderWidth: 2,
        pointRadius: 0,
        pointHitRadius: 8,
        fill: false,
      });
    });
    options.plugins.legend.labels.filter = (item, chart) => !chart.datasets[item.datasetIndex].band;
    options.plugins.tooltip = { filter: (item) => !item.dataset.band };
    options.scales = {
      x: {
        type: "linear",
        min: 0,
        title: { display: true, text: data.x_label || "Months since the program started", color: TEXT },
        ticks: { color: TEXT, stepSize: data.x_step || 3 },
        grid: { color: GRID },
      },
      y: {
        min: data.min === undefined ? 0 : data.min,
        max: 100,
        title: { display: true, text: "Still with the organization", color: TEXT },
        ticks: { color: TEXT, callback: suffix("%") },
        grid: { color: GRID },
      },
    };
    return { type: "line", data: { datasets }, options };
  }

  const KINDS = { bar, line, survival };

  function drawAll() {
    const source = document.getElementById("report-chart-data");
    if (!source || typeof window.Chart === "undefined") return;
    const charts = JSON.parse(source.textContent);
    const reduceMotion = window.matchMedia("(prefers-reduced-motion: reduce)").matches || document.body.dataset.print === "1";
    window.Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;
    document.querySelectorAll("canvas[data-chart-key]").forEach((canvas) => {
      const data = charts[canvas.dataset.chartKey];
      const kind = data && KINDS[data.kind];
      if (kind) new window.Chart(canvas, kind(data, baseOptions(reduceMotion)));
    });
  }

  // Charts drawn for the screen are resized for paper before printing, and back after.
  window.addEventListener("beforeprint", () => {
    Object.values(window.Chart ? window.Chart.instances : {}).forEach((chart) => chart.resize());
  });

  // The impact report's print button (hidden without this file: the browser's own print works).
  function printButtons() {
    document.querySelectorAll("button[data-print]").forEach((button) => {
      button.hidden = false;
      button.addEventListener("click", () => window.print());
    });
  }

  document.addEventListener("DOMContentLoaded", () => {
    drawAll();
    printButtons();
  });
})();
