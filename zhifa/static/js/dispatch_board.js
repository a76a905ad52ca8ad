// Board map: subdistricts coloured by their open events (data from json_script); a click filters the queue.
(function () {
  "use strict";
  var el = document.getElementById("dispatch-map");
  var source = document.getElementById("dispatch-map-data");
  if (!el || !source || typeof echarts === "undefined") { return; }
  var data = JSON.parse(source.textContent);
  var collection = data.features;
  if (!collection || !collection.features || !collection.features.length) { return; }
  var select = document.getElementById(el.getAttribute("data-filter"));
  var encode = echarts.format.encodeHTML;

  echarts.registerMap("zhifa-dispatch", collection);
  var max = 1;
  var items = collection.features.map(function (f) {
    var n = data.counts[f.properties.code] || 0;
    if (n > max) { max = n; }
    return { name: f.properties.name, value: n, code: f.properties.code,
             selected: !!select && select.value === f.properties.code };
  });

  var chart = echarts.init(el);
  chart.setOption({
    tooltip: {
      trigger: "item",
      formatter: function (p) {
        var n = p.data ? p.data.value : 0;
        return encode(p.name || "") + "<br>在办事件：" + Number(n) + " 件";
      }
    },
    visualMap: {
      type: "continuous", min: 0, max: max, left: 8, bottom: 8, itemHeight: 90, calculable: false,
      text: ["多", "少"], inRange: { color: ["#fefce8", "#fde68a", "#fb923c", "#dc2626", "#991b1b"] }
    },
    series: [{
      type: "map", map: "zhifa-dispatch", roam: true, selectedMode: "single", data: items,
      layoutCenter: ["56%", "50%"], layoutSize: "96%",
      label: { show: items.length <= 40, fontSize: 11, color: "#1f2937" },
      labelLayout: { hideOverlap: true },
      itemStyle: { borderColor: "#1d4ed8", borderWidth: 1 },
      emphasis: { label: { show: true }, itemStyle: { areaColor: "#fde68a" } },
      select: { label: { show: true, fontWeight: "bold" },
                itemStyle: { areaColor: "#1d4ed8", borderColor: "#0f2a5f", borderWidth: 2 } }
    }]
  });

  if (select) {
    chart.on("click", function (p) {
      if (!p.data || !p.data.code) { return; }
      // A second click on the chosen subdistrict clears the filter.
      var code = select.value === p.data.code ? "" : p.data.code;
      if (code && !select.querySelector('option[value="' + CSS.escape(code) + '"]')) { return; }
      select.value = code;
      select.dispatchEvent(new Event("change", { bubbles: true }));
    });
    select.addEventListener("change", function () {
      var current = select.value;
      items.forEach(function (it) {
        chart.dispatchAction({ type: it.code === current ? "select" : "unselect", seriesIndex: 0, name: it.name });
      });
    });
  }
  window.addEventListener("resize", function () { chart.resize(); });
})();
