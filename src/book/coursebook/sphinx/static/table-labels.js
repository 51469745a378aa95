// On a phone a table of three or more columns cannot be read as a grid: its columns are a few
// letters wide, so words and numbers break mid-way, or it is wider than the screen, and a widget's
// snapshot is inert, so its table could not even be scrolled. reading.css shows such a table one
// row at a time, each cell under its column's name. This script gives each cell that name
// (data-label) and keeps the table's roles for screen readers, which a table shown as blocks can
// lose. A live widget redraws its table on every change, so new tables are labelled as they come.
(function () {
  function label(table) {
    var heads = table.querySelectorAll("thead tr:last-child th");
    if (heads.length < 3 || table.classList.contains("stacks-on-phone")) return;
    var names = Array.prototype.map.call(heads, function (th) { return th.textContent.trim(); });
    table.setAttribute("role", "table");
    table.querySelectorAll("thead, tbody").forEach(function (group) { group.setAttribute("role", "rowgroup"); });
    table.querySelectorAll("thead th").forEach(function (th) { th.setAttribute("role", "columnheader"); });
    table.querySelectorAll("tr").forEach(function (row) { row.setAttribute("role", "row"); });
    table.querySelectorAll("tbody tr").forEach(function (row) {
      Array.prototype.forEach.call(row.children, function (cell, i) {
        cell.setAttribute("role", cell.tagName === "TH" ? "rowheader" : "cell");
        if (names[i]) cell.setAttribute("data-label", names[i]);
      });
    });
    table.classList.add("stacks-on-phone");
  }

  document.addEventListener("DOMContentLoaded", function () {
    var article = document.querySelector(".bd-article");
    if (!article) return;
    article.querySelectorAll("table").forEach(label);
    new MutationObserver(function (changes) {
      changes.forEach(function (change) {
        change.addedNodes.forEach(function (node) {
          if (node.nodeType !== 1) return;
          if (node.tagName === "TABLE") label(node);
          else node.querySelectorAll("table").forEach(label);
        });
      });
    }).observe(article, { childList: true, subtree: true });
  });
})();
