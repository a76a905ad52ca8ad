// 检查人员: the squad already planned is listed as ticked boxes; "添加检查人员" searches the officers the service
// accepts for this subject (GET /api/v1/inspections/records/officers) as one types, and a tap adds one to the
// squad. Without JS the 查找 button posts the form and the page lists the matches as boxes to tick.
(function () {
  "use strict";
  var box = document.getElementById("add-officer");
  var squad = document.getElementById("squad");
  if (!box || !squad || !window.fetch) { return; }
  var input = document.getElementById("id_officer_q");
  var results = document.getElementById("officer-results");
  var rule = document.getElementById("squad-rule");
  var timer = null, asked = 0;

  function chosen() {
    return Array.prototype.map.call(squad.querySelectorAll("input[name=officers]:checked"), function (el) { return el.value; });
  }
  function refresh() {
    if (rule) { rule.hidden = chosen().length >= 2; }
    var empty = document.getElementById("squad-empty");
    if (empty) { empty.hidden = squad.querySelectorAll("input[name=officers]").length > 0; }
  }
  function text(tag, cls, value) {
    var el = document.createElement(tag);
    if (cls) { el.className = cls; }
    el.textContent = value;
    return el;
  }
  function add(officer) {
    var existing = squad.querySelector("input[name=officers][value='" + officer.id + "']");
    if (existing) { existing.checked = true; refresh(); return; }
    var label = document.createElement("label");
    var tick = document.createElement("input");
    tick.type = "checkbox"; tick.name = "officers"; tick.value = String(officer.id); tick.checked = true;
    label.appendChild(tick);
    label.appendChild(document.createTextNode(" "));
    label.appendChild(text("span", "nm", officer.name));
    label.appendChild(document.createTextNode(" "));
    label.appendChild(text("span", "muted who", officer.certificate_no + " · " + officer.team));
    squad.appendChild(label);
    refresh();
  }
  function show(list, q) {
    results.textContent = "";
    var mine = chosen();
    list = list.filter(function (o) { return mine.indexOf(String(o.id)) === -1; });
    if (!list.length) {
      results.appendChild(text("span", "muted", "未找到“" + q + "”：只能添加负责该对象所在区域的执法队员（区级执法队或本街道执法队）。"));
      return;
    }
    list.forEach(function (o) {
      var b = text("button", "", "＋ " + o.name + "　" + o.certificate_no + " · " + o.team + (o.domains.length ? " · " + o.domains.join("、") : ""));
      b.type = "button";
      b.setAttribute("data-officer", String(o.id));
      b.addEventListener("click", function () {
        add(o);
        b.remove();
        input.value = "";
        results.textContent = "";
        results.appendChild(text("span", "muted", "已添加 " + o.name));
      });
      results.appendChild(b);
    });
  }
  function search() {
    var q = input.value.trim();
    if (!q) { results.textContent = ""; return; }
    var url = box.getAttribute("data-officer-search") + "?subject=" + encodeURIComponent(box.getAttribute("data-subject")) +
      "&q=" + encodeURIComponent(q);
    if (box.getAttribute("data-draw")) { url += "&draw=" + encodeURIComponent(box.getAttribute("data-draw")); }
    var mine = ++asked;
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { return r.ok ? r.json() : Promise.reject(r.status); })
      .then(function (list) { if (mine === asked) { show(list, q); } })
      .catch(function () { if (mine === asked) { results.textContent = "查找失败，请点“查找”重试"; } });
  }
  input.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(search, 250); });
  input.addEventListener("keydown", function (e) {
    if (e.key === "Enter") { e.preventDefault(); clearTimeout(timer); search(); }
  });
  document.getElementById("officer-find").addEventListener("click", function (e) { e.preventDefault(); search(); });
  squad.addEventListener("change", refresh);
  refresh();
})();
