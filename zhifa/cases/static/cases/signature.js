// The party's signature drawn with a finger on a canvas, kept as a PNG data URL in a hidden field.
(function () {
  function pad(canvas) {
    var target = document.getElementById(canvas.dataset.target);
    if (!target) return;
    var ctx = canvas.getContext("2d"), drawing = false, drawn = false;
    function fit() {
      var ratio = window.devicePixelRatio || 1, box = canvas.getBoundingClientRect();
      canvas.width = box.width * ratio; canvas.height = box.height * ratio;
      ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
      ctx.lineWidth = 2.5; ctx.lineCap = "round"; ctx.strokeStyle = "#111";
    }
    function at(e) {
      var box = canvas.getBoundingClientRect();
      return [e.clientX - box.left, e.clientY - box.top];
    }
    canvas.addEventListener("pointerdown", function (e) {
      drawing = true; canvas.setPointerCapture(e.pointerId);
      var p = at(e); ctx.beginPath(); ctx.moveTo(p[0], p[1]);
    });
    canvas.addEventListener("pointermove", function (e) {
      if (!drawing) return;
      var p = at(e); ctx.lineTo(p[0], p[1]); ctx.stroke(); drawn = true;
    });
    function end() {
      if (!drawing) return;
      drawing = false;
      if (drawn) target.value = canvas.toDataURL("image/png");
    }
    canvas.addEventListener("pointerup", end);
    canvas.addEventListener("pointercancel", end);
    var form = canvas.closest("form");
    var clear = form && form.querySelector("[data-clear-signature]");
    if (clear) clear.addEventListener("click", function () {
      ctx.clearRect(0, 0, canvas.width, canvas.height); target.value = ""; drawn = false;
    });
    fit();
  }
  document.querySelectorAll("canvas.sig-pad").forEach(pad);

  // The discretion band of the chosen item and circumstance, shown next to the amount (phone page).
  var bands = document.getElementById("bands-data");
  var hint = document.getElementById("band-hint");
  if (bands && hint) {
    var data = JSON.parse(bands.textContent), form = hint.closest("form");
    var show = function () {
      var item = (form.elements.item.value || "").trim().toUpperCase();
      var level = form.elements.circumstance.value;
      var kind = (form.querySelector("input[name=party_kind]:checked") || {}).value;
      var band = data[item] && data[item][kind] && data[item][kind][level];
      hint.textContent = band ? "裁量基准（" + level + "）：" + band[0] + "–" + band[1] + " 元" : "";
    };
    form.addEventListener("change", show); form.addEventListener("input", show); show();
  }
})();
