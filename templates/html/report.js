/* gxlint supervisor report: sort and filter the list of reports. Reads data-* attributes only; no network. */
(function () {
  "use strict";
  var list = document.getElementById("report-list");
  if (!list) { return; }
  var tbody = list.tBodies[0];
  var rows = Array.prototype.slice.call(tbody.rows);
  var search = document.getElementById("filter-text");
  var status = document.getElementById("filter-status");
  var year = document.getElementById("filter-year");
  var rule = document.getElementById("filter-rule");
  var countLine = document.getElementById("list-count");
  var collator = new Intl.Collator("zh-CN", { numeric: true, sensitivity: "base" });

  function matches(row) {
    var q = (search.value || "").trim().toLowerCase();
    if (q && row.getAttribute("data-text").indexOf(q) < 0) { return false; }
    var s = status.value;
    if (s && (" " + row.getAttribute("data-status") + " ").indexOf(" " + s + " ") < 0) { return false; }
    if (year.value && row.getAttribute("data-year") !== year.value) { return false; }
    if (rule.value && (" " + row.getAttribute("data-rules") + " ").indexOf(" " + rule.value + " ") < 0) { return false; }
    return true;
  }

  function applyFilter() {
    var shown = 0;
    rows.forEach(function (row) {
      var ok = matches(row);
      row.classList.toggle("hidden", !ok);
      var article = document.getElementById(row.getAttribute("data-target"));
      if (article) { article.classList.toggle("hidden", !ok); }
      if (ok) { shown += 1; }
    });
    countLine.textContent = "显示 " + shown + " / " + rows.length + " 份报告";
  }

  function sortBy(th) {
    var key = th.getAttribute("data-sort");
    var numeric = th.getAttribute("data-type") === "number";
    var asc = th.getAttribute("aria-sort") !== "ascending";
    Array.prototype.forEach.call(list.tHead.rows[0].cells, function (c) {
      if (c !== th) { c.removeAttribute("aria-sort"); }
    });
    th.setAttribute("aria-sort", asc ? "ascending" : "descending");
    rows.sort(function (a, b) {
      var x = a.getAttribute("data-" + key) || "", y = b.getAttribute("data-" + key) || "";
      var d = numeric ? (parseFloat(x || "0") - parseFloat(y || "0")) : collator.compare(x, y);
      if (d === 0) { d = collator.compare(a.getAttribute("data-path"), b.getAttribute("data-path")); }
      return asc ? d : -d;
    });
    rows.forEach(function (row) { tbody.appendChild(row); });
  }

  Array.prototype.forEach.call(list.tHead.rows[0].cells, function (th) {
    if (!th.hasAttribute("data-sort")) { return; }
    th.setAttribute("tabindex", "0");
    th.addEventListener("click", function () { sortBy(th); });
    th.addEventListener("keydown", function (e) {
      if (e.key === "Enter" || e.key === " ") { e.preventDefault(); sortBy(th); }
    });
  });
  [search, status, year, rule].forEach(function (el) {
    el.addEventListener("input", applyFilter);
    el.addEventListener("change", applyFilter);
  });

  /* a finding's link to its cell: open the table and flash the cell */
  document.addEventListener("click", function (e) {
    var a = e.target.closest ? e.target.closest("a.to-cell") : null;
    if (!a) { return; }
    var cell = document.getElementById(a.getAttribute("href").slice(1));
    if (!cell) { return; }
    var details = cell.closest("details");
    if (details) { details.open = true; }
    cell.classList.remove("flash");
    void cell.offsetWidth;
    cell.classList.add("flash");
  });

  /* print every table, not only the open ones */
  window.addEventListener("beforeprint", function () {
    Array.prototype.forEach.call(document.querySelectorAll("details"), function (d) {
      if (!d.open) { d.setAttribute("data-was-closed", ""); d.open = true; }
    });
  });
  window.addEventListener("afterprint", function () {
    Array.prototype.forEach.call(document.querySelectorAll("details[data-was-closed]"), function (d) {
      d.open = false; d.removeAttribute("data-was-closed");
    });
  });

  applyFilter();
}());
