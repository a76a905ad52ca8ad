// Menu groups: one open at a time; a click elsewhere or Escape closes it. On a phone the current group starts open.
(function () {
  var groups = Array.prototype.slice.call(document.querySelectorAll("details.navgroup"));
  if (!groups.length) return;
  var phone = window.matchMedia("(max-width: 720px)");
  if (phone.matches) groups.forEach(function (g) { if (g.hasAttribute("data-current")) g.open = true; });
  groups.forEach(function (g) {
    g.addEventListener("toggle", function () {
      if (g.open && !phone.matches) groups.forEach(function (o) { if (o !== g) o.open = false; });
    });
  });
  document.addEventListener("click", function (e) {
    if (phone.matches) return;
    groups.forEach(function (g) { if (g.open && !g.contains(e.target)) g.open = false; });
  });
  document.addEventListener("keydown", function (e) {
    if (e.key !== "Escape") return;
    groups.forEach(function (g) { if (g.open) { g.open = false; g.querySelector("summary").focus(); } });
  });
})();
