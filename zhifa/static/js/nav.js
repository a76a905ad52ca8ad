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

// Wrappers that scroll sideways (wide tables on a phone) must be reachable by keyboard and named for screen
// readers (WCAG 2.1.1): each one that overflows gets tabindex, role=region and the name of its table or heading.
(function () {
  function nameOf(wrap) {
    var caption = wrap.querySelector("caption");
    if (caption) return caption.textContent.trim();
    var label = wrap.querySelector("table[aria-label]");
    if (label) return label.getAttribute("aria-label");
    var el = wrap;
    while (el) {
      var prev = el.previousElementSibling;
      while (prev) {
        if (/^H[1-6]$/.test(prev.tagName)) return prev.textContent.trim();
        var inner = prev.querySelector && prev.querySelector("h1, h2, h3, h4");
        if (inner) return inner.textContent.trim();
        prev = prev.previousElementSibling;
      }
      el = el.parentElement;
      if (el && el.tagName === "MAIN") break;
    }
    return document.title.split(" · ")[0];
  }
  function mark(root) {
    var wraps = (root || document).querySelectorAll(".table-wrap, [data-scroll-region]");
    Array.prototype.forEach.call(wraps, function (wrap) {
      if (wrap.scrollWidth > wrap.clientWidth + 1) {
        if (!wrap.hasAttribute("tabindex")) wrap.setAttribute("tabindex", "0");
        if (!wrap.hasAttribute("role")) wrap.setAttribute("role", "region");
        if (!wrap.hasAttribute("aria-label")) wrap.setAttribute("aria-label", nameOf(wrap) + "（可左右滚动）");
        wrap.setAttribute("data-scroll-marked", "");
      } else if (wrap.hasAttribute("data-scroll-marked")) {
        wrap.removeAttribute("tabindex");
        wrap.removeAttribute("role");
        wrap.removeAttribute("aria-label");
        wrap.removeAttribute("data-scroll-marked");
      }
    });
  }
  mark();
  var pending;
  window.addEventListener("resize", function () { clearTimeout(pending); pending = setTimeout(mark, 150); });
  document.addEventListener("htmx:afterSwap", function () { mark(); });
})();
