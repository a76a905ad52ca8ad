// Searchable select: a <select data-picker> keeps working as a plain select without JS; with JS a search box
// above it narrows the options to those whose text holds what was typed ("餐饮" → "餐饮业（H62）") and
// selects the first match, so a long list of names is found by typing a part of the name or the code.
(function () {
  "use strict";
  function norm(text) { return (text || "").toLowerCase().replace(/\s+/g, ""); }

  function enhance(select) {
    var box = document.createElement("input");
    box.type = "search";
    box.className = "picker-search";
    box.placeholder = select.getAttribute("data-picker") || "输入名称或编码查找";
    box.setAttribute("aria-label", box.placeholder);
    box.setAttribute("aria-controls", select.id);
    box.autocomplete = "off";
    var count = document.createElement("span");
    count.className = "picker-count muted";
    count.setAttribute("role", "status");
    select.parentNode.insertBefore(box, select);
    select.parentNode.insertBefore(count, select.nextSibling);
    var options = Array.prototype.slice.call(select.options);

    box.addEventListener("input", function () {
      var q = norm(box.value);
      var first = null, shown = 0;
      options.forEach(function (opt) {
        var match = !opt.value || !q || norm(opt.text + opt.value).indexOf(q) !== -1;
        opt.hidden = !match;
        opt.disabled = !match && !!opt.value;
        if (match && opt.value) { shown += 1; if (!first) { first = opt; } }
      });
      if (!q) { count.textContent = ""; return; }
      if (first) {
        if (select.selectedOptions.length === 0 || select.selectedOptions[0].hidden || !select.value) { first.selected = true; }
        count.textContent = "找到 " + shown + " 项";
      } else {
        select.value = "";
        count.textContent = "未找到“" + box.value + "”";
      }
      select.dispatchEvent(new Event("change", { bubbles: true }));
    });
  }

  document.querySelectorAll("select[data-picker]").forEach(enhance);
})();
