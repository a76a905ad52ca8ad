// Oversight board charts: warnings by month, by model and by unit, from the json_script block (no text spliced into
// code). Models and units are long Chinese names: they go on a vertical axis (horizontal bars), one row each, so a
// phone shows them whole instead of cut and slanted; months read 1月…12月 with the year where it changes.
(function () {
  "use strict";
  if (typeof echarts === "undefined") { return; }
  var source = document.getElementById("oversight-charts");
  if (!source) { return; }
  var data = JSON.parse(source.textContent);
  var charts = [];
  var ROW = 34;  // room for a name broken over two lines

  function empty(el) { el.style.height = "auto"; el.className += " muted"; el.textContent = "暂无预警"; }

  function monthLabel(value, index) {
    var parts = String(value).split("-");
    if (parts.length < 2) { return value; }
    var m = parseInt(parts[1], 10) + "月";
    return index === 0 || parts[1] === "01" ? parts[0].slice(2) + "年" + m : m;
  }

  function months(el) {
    var rows = data.months;
    if (!rows.length) { empty(el); return; }
    var chart = echarts.init(el);
    chart.setOption({
      grid: { left: 44, right: 12, top: 16, bottom: 32 },
      tooltip: { trigger: "axis" },
      xAxis: { type: "category", data: rows.map(function (r) { return r.month; }),
               axisLabel: { formatter: monthLabel, hideOverlap: true, fontSize: 11 } },
      yAxis: { type: "value", minInterval: 1 },
      series: [{ type: "bar", data: rows.map(function (r) { return r.n; }), itemStyle: { color: "#1d4ed8" } }]
    });
    charts.push(chart);
  }

  // Horizontal bars: names on the y axis (largest on top), the label width following the chart's own width.
  function named(el, names, series, legend) {
    if (!names.length) { empty(el); return; }
    el.style.height = (names.length * ROW * (series.length > 1 ? 1.4 : 1) + (legend ? 64 : 40)) + "px";
    var chart = echarts.init(el);
    var labelWidth = Math.min(200, Math.max(96, Math.round(el.clientWidth * 0.42)));
    chart.setOption({
      grid: { left: labelWidth + 8, right: 36, top: legend ? 28 : 8, bottom: 24 },
      legend: legend ? { data: series.map(function (s) { return s.name; }), top: 0 } : undefined,
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      xAxis: { type: "value", minInterval: 1, splitNumber: el.clientWidth < 500 ? 3 : 5,
               axisLabel: { hideOverlap: true, fontSize: 11 } },
      yAxis: { type: "category", data: names.slice().reverse(), inverse: false,
               axisLabel: { interval: 0, width: labelWidth, overflow: "break", fontSize: 12, lineHeight: 14 } },
      series: series.map(function (s) {
        return { name: s.name, type: "bar", data: s.values.slice().reverse(), itemStyle: { color: s.color },
                 label: { show: true, position: "right", fontSize: 11 } };
      })
    });
    charts.push(chart);
  }

  var el = document.getElementById("chart-month");
  if (el) { months(el); }
  el = document.getElementById("chart-model");
  if (el) {
    named(el, data.models.map(function (r) { return r.rule__name; }),
          [{ name: "预警", color: "#b91c1c", values: data.models.map(function (r) { return r.n; }) }], false);
  }
  el = document.getElementById("chart-unit");
  if (el && data.units) {
    named(el, data.units.map(function (r) { return r.name; }), [
      { name: "预警", color: "#1d4ed8", values: data.units.map(function (r) { return r.n; }) },
      { name: "未办结", color: "#b91c1c", values: data.units.map(function (r) { return r.open; }) }
    ], true);
  }
  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
})();
