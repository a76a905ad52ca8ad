// Region map: draws the GeoJSON passed through json_script (never inline JS) with ECharts, plus an optional point.
(function () {
  "use strict";
  var PALETTE = ["#bfdbfe", "#bbf7d0", "#fde68a", "#fecaca", "#ddd6fe", "#a5f3fc", "#fed7aa", "#e9d5ff",
                 "#d9f99d", "#fbcfe8", "#c7d2fe", "#99f6e4"];

  // Tooltips are HTML: region names from the database are encoded before they go in.
  function nameTooltip(params) { return echarts.format.encodeHTML(params.name || ""); }

  function draw(el) {
    var source = document.getElementById(el.getAttribute("data-region-map"));
    if (!source || typeof echarts === "undefined") { return; }
    var data = JSON.parse(source.textContent);
    var collection = data.features;
    if (!collection || !collection.features || !collection.features.length) { return; }
    var mapName = "zhifa-" + data.code;
    echarts.registerMap(mapName, collection);
    var items = collection.features.map(function (f, i) {
      return {
        name: f.properties.name,
        url: f.properties.url || null,
        itemStyle: { areaColor: PALETTE[i % PALETTE.length] }
      };
    });
    var chart = echarts.init(el);
    var option;
    if (data.point) {
      // A point inside its grid: a geo component carries the shape, a scatter series the point.
      option = {
        tooltip: { trigger: "item", formatter: nameTooltip },
        geo: {
          map: mapName, roam: true, label: { show: true, color: "#1f2937" },
          itemStyle: { areaColor: PALETTE[0], borderColor: "#1d4ed8" },
          emphasis: { itemStyle: { areaColor: "#93c5fd" } }
        },
        series: [{
          type: "scatter", coordinateSystem: "geo", symbolSize: 14, itemStyle: { color: "#b91c1c" },
          data: [{ name: data.point.name, value: [data.point.lng, data.point.lat] }]
        }]
      };
    } else {
      option = {
        tooltip: { trigger: "item", formatter: nameTooltip },
        series: [{
          type: "map", map: mapName, roam: true, selectedMode: false, data: items,
          label: { show: items.length <= 40, fontSize: 11, color: "#1f2937" },
          labelLayout: { hideOverlap: true },
          itemStyle: { borderColor: "#1d4ed8", borderWidth: 1 },
          emphasis: { label: { show: true }, itemStyle: { areaColor: "#93c5fd" } }
        }]
      };
      chart.on("click", function (params) {
        if (params.data && params.data.url) { window.location.href = params.data.url; }
      });
    }
    chart.setOption(option);
    window.addEventListener("resize", function () { chart.resize(); });
  }

  document.querySelectorAll("[data-region-map]").forEach(draw);
})();
