// Page behaviour declared in markup, so no page needs an inline handler (the Content-Security-Policy forbids them):
// data-confirm on a button or form asks before submitting, data-print prints the page, and an htmx panel with
// data-swap-errors shows a 400 answer (a form with its errors) or a 202 (a job started) instead of dropping it.
(function () {
  document.addEventListener("click", function (e) {
    var el = e.target.closest ? e.target.closest("[data-print]") : null;
    if (el) { e.preventDefault(); window.print(); return; }
    var button = e.target.closest ? e.target.closest("button[data-confirm], input[data-confirm]") : null;
    if (button && !window.confirm(button.getAttribute("data-confirm"))) e.preventDefault();
  });
  document.addEventListener("submit", function (e) {
    var form = e.target;
    if (form.hasAttribute && form.hasAttribute("data-confirm") && !window.confirm(form.getAttribute("data-confirm"))) {
      e.preventDefault();
    }
  });
  document.addEventListener("htmx:beforeSwap", function (e) {
    var panel = e.target.closest ? e.target.closest("[data-swap-errors]") : null;
    if (panel && (e.detail.xhr.status === 400 || e.detail.xhr.status === 202)) { e.detail.shouldSwap = true; e.detail.isError = false; }
  });
})();
