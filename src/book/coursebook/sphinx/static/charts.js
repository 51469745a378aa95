// Charts in the static book. vega-embed calls attach() once a chart is drawn.
//
// Scenario links: the URL fragment sets an explorer's inputs, and each
// explorer offers the link for its current inputs, so a student can send a
// scenario to a tutor. Fragment form: #<explorer>.<input>=<value>&...
// Values are only passed to Vega signals: nothing here computes the model.
(function () {
  "use strict";

  function fragmentValues(explorer) {
    var values = {};
    new URLSearchParams(window.location.hash.slice(1)).forEach(function (value, key) {
      var dot = key.indexOf(".");
      if (dot > 0 && key.slice(0, dot) === explorer) {
        values[key.slice(dot + 1)] = value;
      }
    });
    return values;
  }

  function parse(value, current) {
    if (typeof current === "number") {
      var n = Number(value);
      return Number.isFinite(n) ? n : current;
    }
    if (typeof current === "boolean") return value === "true";
    return value;
  }

  function scenarioUrl(explorer, names, view) {
    var params = new URLSearchParams(window.location.hash.slice(1));
    names.forEach(function (name) {
      params.set(explorer + "." + name, String(view.signal(name)));
    });
    return window.location.href.split("#")[0] + "#" + params.toString();
  }

  function labelActionsMenu(div) {
    // vega-embed's export menu is an icon-only <summary>: give it a name.
    var summary = div.querySelector("details > summary");
    if (summary && !summary.getAttribute("aria-label")) {
      summary.setAttribute("aria-label", "Chart actions: export as image");
    }
  }

  function attach(div, view) {
    labelActionsMenu(div);
    var explorer = div.dataset.explorer;
    var names = JSON.parse(div.dataset.inputs || "[]");
    if (!explorer || names.length === 0) return;

    var wanted = fragmentValues(explorer);
    names.forEach(function (name) {
      if (name in wanted) view.signal(name, parse(wanted[name], view.signal(name)));
    });
    view.runAsync();

    var box = document.createElement("p");
    box.className = "scenario-link";
    var link = document.createElement("a");
    link.textContent = "Link to this scenario";
    var copy = document.createElement("button");
    copy.type = "button";
    copy.textContent = "Copy link";
    copy.setAttribute("aria-label", "Copy link to this scenario");
    box.append(link, " ", copy);
    div.after(box);

    function update() {
      link.href = scenarioUrl(explorer, names, view);
    }
    names.forEach(function (name) { view.addSignalListener(name, update); });
    copy.addEventListener("click", function () {
      update();
      if (navigator.clipboard) navigator.clipboard.writeText(link.href).catch(function () {});
    });
    update();
  }

  window.carepoolCharts = { attach: attach };
})();
