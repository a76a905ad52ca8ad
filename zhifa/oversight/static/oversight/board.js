// Oversight board charts: warnings by month and by model, from the json_script block (no text spliced into code).
(function () {
  "use strict";
  if (typeof echarts === "undefined") { return; }
  var source = document.getElementById("oversight-charts");
  if (!source) { return; }
  var data = JSON.parse(source.textContent);
  var charts = [];
  function bar(id, names, values, color, rotate) {
    var el = document.getElementById(id);
    if (!el) { return; }
    if (!values.length) { el.style.height = "auto"; el.className += " muted"; el.textContent = "暂无预警"; return; }
    var chart = echarts.init(el);
    chart.setOption({
      grid: { left: 40, right: 12, top: 16, bottom: rotate ? 100 : 40 },
      tooltip: { trigger: "axis" },
      xAxis: { type: "category", data: names,
               axisLabel: { interval: 0, rotate: rotate ? 40 : 0, width: 90, overflow: "truncate", fontSize: 11 } },
      yAxis: { type: "value", minInterval: 1 },
      series: [{ type: "bar", data: values, itemStyle: { color: color } }]
    });
    charts.push(chart);
  }
  bar("chart-month", data.months.map(function (r) { return r.month; }), data.months.map(function (r) { return r.n; }), "#1d4ed8", false);
  bar("chart-model", data.models.map(function (r) { return r.rule__name; }), data.models.map(function (r) { return r.n; }), "#b91c1c", true);
  (function units() {
    var el = document.getElementById("chart-unit");
    if (!el || !data.units) { return; }
    if (!data.units.length) { el.style.height = "auto"; el.className += " muted"; el.textContent = "暂无预警"; return; }
    var chart = echarts.init(el);
    chart.setOption({
      grid: { left: 40, right: 12, top: 28, bottom: 100 },
      legend: { data: ["预警", "未办结"], top: 0 },
      tooltip: { trigger: "axis" },
      xAxis: { type: "category", data: data.units.map(function (r) { return r.name; }),
               axisLabel: { interval: 0, rotate: 40, width: 90, overflow: "truncate", fontSize: 11 } },
      yAxis: { type: "value", minInterval: 1 },
      series: [
        { name: "预警", type: "bar", data: data.units.map(function (r) { return r.n; }), itemStyle: { color: "#1d4ed8" } },
        { name: "未办结", type: "bar", data: data.units.map(function (r) { return r.open; }), itemStyle: { color: "#b91c1c" } }
      ]
    });
    charts.push(chart);
  })();
  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
})();
