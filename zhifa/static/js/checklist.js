// The visit checklist on a phone: a tap on 合规 / 违法 / 不适用 updates "已填写 n / N" at once (the saved count
// comes from the server; until 保存 the page says there are unsaved answers), a 违法 answer opens its severity,
// and the photo position comes from the phone's location when it allows.
(function () {
  "use strict";
  var form = document.getElementById("checklist");
  if (!form) { return; }
  var answeredEl = document.getElementById("progress-answered");
  var meter = document.getElementById("progress-meter");
  var unsaved = document.getElementById("progress-unsaved");
  var items = Array.prototype.slice.call(form.querySelectorAll(".item[data-item]"));
  var saved = answeredEl ? answeredEl.textContent : "";
  var dirty = false;

  function progress() {
    var n = items.filter(function (item) { return item.querySelector("input[type=radio]:checked"); }).length;
    if (answeredEl) { answeredEl.textContent = String(n); }
    if (meter) { meter.value = n; }
    if (unsaved) { unsaved.hidden = !dirty; }
    return n;
  }

  form.addEventListener("change", function (e) {
    if (e.target.type !== "radio") { return; }
    var item = e.target.closest(".item");
    var violation = e.target.value === "violation";
    item.classList.toggle("violation", violation);
    item.classList.add("answered");
    var sev = item.querySelector(".sev");
    if (sev) { sev.hidden = !violation; }
    dirty = true;
    progress();
  });
  form.addEventListener("submit", function () { dirty = false; });
  window.addEventListener("beforeunload", function (e) {
    if (dirty) { e.preventDefault(); e.returnValue = ""; }
  });
  if (answeredEl && String(progress()) !== saved) { dirty = true; progress(); }

  var out = document.getElementById("locate-status");
  if (navigator.geolocation && out && form.elements.lng) {
    navigator.geolocation.getCurrentPosition(function (p) {
      form.elements.lng.value = p.coords.longitude.toFixed(6);
      form.elements.lat.value = p.coords.latitude.toFixed(6);
      out.textContent = "照片位置：" + form.elements.lng.value + ", " + form.elements.lat.value;
    }, function () { out.textContent = "未定位（照片不记录位置）"; }, { enableHighAccuracy: true, timeout: 10000, maximumAge: 60000 });
  }
})();
