// A table of three or more columns that cannot be read as a grid, on a phone or wherever it is
// wider than its column, is shown one row at a time, each cell under its column's name
// (reading.css, class "stacked"). As a grid its columns would be a few letters wide, or it would
// scroll, and a widget's snapshot is inert, so its table could not even be scrolled. This script
// gives each cell its column's name (data-label) and keeps the table's roles for screen readers,
// which a table shown as blocks can lose. A live widget redraws its table on every change, so new
// tables are labelled as they come; every table is fitted again when the window changes size.
(function () {
  var phone = window.matchMedia("(max-width: 600px)");

  function label(table) {
    var heads = table.querySelectorAll("thead tr:last-child th");
    if (heads.length < 3 || table.classList.contains("has-cell-labels")) return;
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
    table.classList.add("has-cell-labels");
    fit(table);
  }

  // Measured as a grid: stacked on a phone, or if the grid is wider than the column. A short table
  // of figures (class "figures-grid": a name and a few numbers a row, as the widget apps print)
  // reads best as a grid, so it is stacked only if it does not fit.
  function fit(table) {
    table.classList.remove("stacked");
    var tooWide = table.offsetWidth > table.parentElement.clientWidth + 1;
    if (tooWide || (phone.matches && !table.classList.contains("figures-grid"))) table.classList.add("stacked");
  }

  function fitAll() { document.querySelectorAll(".bd-article table.has-cell-labels").forEach(fit); }

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
    var pending = false;
    window.addEventListener("resize", function () {
      if (pending) return;
      pending = true;
      requestAnimationFrame(function () { pending = false; fitAll(); });
    });
    if (document.fonts) document.fonts.ready.then(fitAll);
  });
})();
