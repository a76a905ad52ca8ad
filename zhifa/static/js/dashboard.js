// Home dashboard charts: data comes from the json_script block, so no user text is ever spliced into code.
(function () {
  "use strict";
  if (typeof echarts === "undefined") { return; }
  var source = document.getElementById("dashboard-charts");
  if (!source) { return; }
  var data = JSON.parse(source.textContent);
  var charts = [];

  function make(id, option, empty, height) {
    var el = document.getElementById(id);
    if (!el) { return; }
    if (empty) {
      el.style.height = "auto";
      el.className += " muted";
      el.textContent = "暂无数据";
      return;
    }
    if (height) { el.style.height = height + "px"; }
    var chart = echarts.init(el);
    chart.setOption(option);
    charts.push(chart);
  }

  // Long Chinese names on a 375 px screen: rotate and truncate axis labels instead of overlapping them.
  var categoryLabel = { interval: 0, rotate: 40, width: 84, overflow: "truncate", fontSize: 11 };
  var grid = { left: 40, right: 12, top: 36, bottom: 90 };

  // Short labels on the axis, the full team name in the tooltip.
  // The tooltip is HTML: names from the database are encoded before they go in.
  var encode = echarts.format.encodeHTML;
  function teamTooltip(params) {
    var lines = [encode(data.teams.names[params[0].dataIndex])];
    params.forEach(function (p) { lines.push(p.marker + encode(p.seriesName) + "：" + Number(p.value)); });
    return lines.join("<br>");
  }

  // Horizontal bars: one row per team reads well on a phone, and the chart grows with the number of teams.
  make("chart-teams", {
    tooltip: { trigger: "axis", axisPointer: { type: "shadow" }, formatter: teamTooltip },
    legend: { data: ["下沉队员", "其他队员"], top: 0 },
    grid: { left: 8, right: 16, top: 32, bottom: 8, containLabel: true },
    yAxis: {
      type: "category", inverse: true, data: data.teams.labels,
      axisLabel: { interval: 0, width: 96, overflow: "truncate", fontSize: 11 }
    },
    xAxis: { type: "value", minInterval: 1 },
    series: [
      { name: "下沉队员", type: "bar", stack: "officers", data: data.teams.seconded, itemStyle: { color: "#1d4ed8" } },
      { name: "其他队员", type: "bar", stack: "officers", data: data.teams.other, itemStyle: { color: "#93c5fd" } }
    ]
  }, !data.teams.names.length, Math.max(320, 24 * data.teams.names.length + 60));

  make("chart-domains", {
    tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
    legend: { data: ["赋权街道", "未赋权"], top: 0 },
    grid: grid,
    xAxis: { type: "category", data: data.domains.names, axisLabel: categoryLabel },
    yAxis: { type: "value", minInterval: 1 },
    series: [
      { name: "赋权街道", type: "bar", stack: "items", data: data.domains.delegated, itemStyle: { color: "#15803d" } },
      { name: "未赋权", type: "bar", stack: "items", data: data.domains.not_delegated, itemStyle: { color: "#cbd5e1" } }
    ]
  }, !data.domains.names.length);

  make("chart-ages", {
    tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
    grid: { left: 40, right: 12, top: 16, bottom: 60 },
    xAxis: { type: "category", data: data.ages.names, axisLabel: { interval: 0, rotate: 30, fontSize: 11 } },
    yAxis: { type: "value", minInterval: 1 },
    series: [{ name: "队员", type: "bar", data: data.ages.counts, itemStyle: { color: "#b45309" } }]
  });

  window.addEventListener("resize", function () {
    charts.forEach(function (c) { c.resize(); });
  });
})();
