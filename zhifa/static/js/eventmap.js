// 录入事件: pick the event's place on the district map (the region shapes of this installation, drawn by ECharts
// from local data — no online tiles), or find it from the address (按地址定位 through the geocode API). The
// point goes into the form's hidden lng / lat; the place's name comes from /api/v1/org/locate.
(function () {
  "use strict";
  var el = document.querySelector("[data-event-map]");
  var form = document.getElementById("event-new");
  if (!el || !form || typeof echarts === "undefined") { return; }
  var data = JSON.parse(document.getElementById(el.getAttribute("data-event-map")).textContent);
  var lng = form.elements.lng, lat = form.elements.lat;
  var status = document.getElementById("place-status");
  var mapName = "zhifa-event-" + data.code;
  echarts.registerMap(mapName, data.features);
  var chart = echarts.init(el);

  function say(text, cls) {
    status.textContent = text;
    status.className = cls || "";
  }
  function point() {
    return lng.value && lat.value ? [[parseFloat(lng.value), parseFloat(lat.value)]] : [];
  }
  function render() {
    chart.setOption({ series: [{ id: "point", data: point() }] });
  }
  function fetchJson(url) {
    return fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } }).then(function (r) {
      return r.json().then(function (body) { return { ok: r.ok, body: body }; });
    });
  }
  function place(x, y) {
    return x.toFixed(6) + ", " + y.toFixed(6);
  }

  chart.setOption({
    tooltip: { trigger: "item", formatter: function (p) { return echarts.format.encodeHTML(p.name || ""); } },
    geo: {
      map: mapName, roam: true, label: { show: true, fontSize: 11, color: "#1f2937" },
      itemStyle: { areaColor: "#dbeafe", borderColor: "#1d4ed8" },
      emphasis: { itemStyle: { areaColor: "#bfdbfe" }, label: { show: true } }
    },
    series: [{ id: "point", type: "scatter", coordinateSystem: "geo", symbol: "pin", symbolSize: 30,
               itemStyle: { color: "#b91c1c" }, data: point() }]
  });

  chart.getZr().on("click", function (e) {
    var at = chart.convertFromPixel("geo", [e.offsetX, e.offsetY]);
    if (!at) { return; }
    var x = at[0], y = at[1];
    say("正在识别位置…");
    fetchJson(el.getAttribute("data-locate") + "?lng=" + x + "&lat=" + y).then(function (res) {
      if (!res.ok) { say((res.body && res.body.message) || "该位置不在本区范围内", "bad"); return; }
      lng.value = x.toFixed(6); lat.value = y.toFixed(6);
      render();
      var names = [res.body.subdistrict, res.body.community, res.body.grid].filter(Boolean).map(function (r) { return r.name; });
      say("已选位置：" + names.join(" · ") + "（" + place(x, y) + "）", "found");
    }).catch(function () { say("位置识别失败，请重试", "bad"); });
  });

  document.getElementById("geocode-btn").addEventListener("click", function (e) {
    e.preventDefault();
    var address = form.elements.address.value.trim();
    if (!address) { say("请先填写地址", "bad"); form.elements.address.focus(); return; }
    say("正在按地址定位…");
    fetchJson(el.getAttribute("data-geocode") + "?address=" + encodeURIComponent(address)).then(function (res) {
      if (!res.ok) { say((res.body && res.body.message) || "未找到该地址", "bad"); return; }
      var b = res.body;
      lng.value = b.lng.toFixed(6); lat.value = b.lat.toFixed(6);
      render();
      var sd = form.elements.subdistrict;
      if (b.subdistrict && sd && !sd.value) { sd.value = b.subdistrict.code; }
      say("已定位：" + b.how + (b.subdistrict ? "：" + b.subdistrict.name : "") + "（" + place(b.lng, b.lat) + "）", "found");
    }).catch(function () { say("按地址定位失败，请重试", "bad"); });
  });

  document.getElementById("clear-point").addEventListener("click", function () {
    lng.value = ""; lat.value = "";
    render();
    say("未选位置");
  });
  window.addEventListener("resize", function () { chart.resize(); });
})();
