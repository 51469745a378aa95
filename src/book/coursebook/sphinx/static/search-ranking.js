// Phrases and titles first. Sphinx's search scores a page by its words one at a time, so for
// "Better Care Fund" a page with "care" and "King's Fund" outranks the page about the fund. On the
// search page only, this re-orders Sphinx's results for a query of two or more words: first the
// results whose title holds the whole phrase, then the pages that hold it, most mentions first,
// then the rest in Sphinx's order. A page is read from the address Sphinx fetches anyway to show
// its summary (this site's: no request leaves it). One-word queries keep Sphinx's order.
(function () {
  if (typeof Search === "undefined" || typeof _displayNextItem === "undefined") return;
  var MOST_PAGES = 60; // the pages read for a phrase, Sphinx's best first

  function plain(text) {
    return text.toLowerCase().replace(/[\u2018\u2019]/g, "'").replace(/[\u2010-\u2015]/g, "-")
      .replace(/\s+/g, " ").trim();
  }

  // "integrated care board" matches "Integrated Care Boards" and the phrase across a line break.
  function phrasePattern(query) {
    var words = plain(query).replace(/["\u201c\u201d]/g, "").split(" ").filter(Boolean);
    if (words.length < 2) return null;
    var escaped = words.map(function (w) { return w.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"); });
    return new RegExp("(^|[^\\w])" + escaped.join("[\\s\\u00a0]+"), "g");
  }

  function mentions(pattern, text) {
    var shown = plain(text), count = 0;
    pattern.lastIndex = 0;
    while (pattern.exec(shown) !== null) count++;
    return count;
  }

  function pageAddress(docName) {
    var root = document.documentElement.dataset.content_root;
    return root + docName + DOCUMENTATION_OPTIONS.FILE_SUFFIX;
  }

  // A page as the ranking reads it: its main text and its headings' text.
  var pages = {};
  function page(docName) {
    if (!pages[docName]) {
      pages[docName] = fetch(pageAddress(docName))
        .then(function (response) { return response.ok ? response.text() : ""; })
        .then(function (html) {
          var doc = new DOMParser().parseFromString(html, "text/html");
          doc.querySelectorAll(".headerlink, script, style").forEach(function (el) { el.remove(); });
          var main = doc.querySelector('[role="main"]');
          if (!main) return { text: "", headings: "" };
          var headings = Array.prototype.map.call(main.querySelectorAll("h1, h2, h3"),
            function (h) { return h.textContent; }).join(" | ");
          return { text: main.textContent, headings: headings };
        })
        .catch(function () { return { text: "", headings: "" }; });
    }
    return pages[docName];
  }

  // Sphinx's results come lowest score first (it shows them from the end). The order made here:
  // the phrase in the result's title; then pages with the phrase, by its mentions (one in a
  // heading counts as four), then by mentions per length (a page about it before a long one
  // that lists it); then Sphinx's own order.
  function rank(results, pattern) {
    var best = results.slice().reverse();
    var docs = [];
    best.forEach(function (r) { if (docs.indexOf(r[0]) < 0 && docs.length < MOST_PAGES) docs.push(r[0]); });
    return Promise.all(docs.map(page)).then(function (read) {
      var weight = {}, density = {};
      docs.forEach(function (d, i) {
        var inText = mentions(pattern, read[i].text), inHeadings = mentions(pattern, read[i].headings);
        weight[d] = inText + 3 * inHeadings;
        density[d] = inText / Math.max(read[i].text.length, 1);
      });
      var keyed = best.map(function (r, place) {
        var inTitle = mentions(pattern, String(r[1]).replace(/<[^>]*>/g, "")) > 0;
        var w = weight[r[0]] || 0;
        return { result: r, tier: inTitle ? 2 : w > 0 ? 1 : 0, weight: w, density: density[r[0]] || 0, place: place };
      });
      keyed.sort(function (a, b) {
        return b.tier - a.tier || b.weight - a.weight || b.density - a.density || a.place - b.place;
      });
      return keyed.map(function (k) { return k.result; }).reverse();
    });
  }

  var sphinxQuery = Search.query;
  Search.query = function (query) {
    var pattern = phrasePattern(query);
    if (!pattern) return sphinxQuery(query);
    var parsed = Search._parseQuery(query);
    var results = Search._performSearch.apply(Search, parsed);
    var searchTerms = parsed[1], highlightTerms = parsed[3];
    rank(results, pattern).then(function (ranked) {
      document.documentElement.dataset.searchRanked = "phrase";
      _displayNextItem(ranked, ranked.length, searchTerms, highlightTerms);
    });
  };
})();
