// Charts in the static book. vega-embed calls attach() once a chart is drawn.
//
// - Width: each chart's plots are narrowed to fit the column they sit in, at
//   any width from a phone's up, and follow the column when it changes.
// - Scenario links: the URL fragment sets an explorer's inputs, and each
//   explorer offers the link for its current inputs, so a student can send a
//   scenario to a tutor. Fragment form: #<explorer>.<input>=<value>&...
//   Opening one scrolls the explorer into view; a value that is not one the
//   input offers is refused with a message, and the explorer keeps its defaults.
// - Inputs that do nothing for the chosen arrangement are disabled, with the reason.
// Values are only passed to Vega signals: nothing here computes the model.
(function () {
  "use strict";

  // ---- fitting the column --------------------------------------------------

  // Vega-Lite names each plot's width signal "width" (a single or layered
  // view) or "concat_<n>_width" (a view in a concatenation).
  function widthSignals(view) {
    function has(name) {
      try {
        return typeof view.signal(name) === "number";
      } catch (e) {
        return false;  // this chart has no such plot
      }
    }
    var concat = [0, 1, 2, 3].map(function (i) { return "concat_" + i + "_width"; }).filter(has);
    // A concatenation's own "width" is not a plot's: only its views' widths are.
    return concat.length ? concat : ["width"].filter(has);
  }

  function fit(div, view, designed) {
    var available = div.clientWidth;
    var names = Object.keys(designed);
    if (!available || !names.length) return Promise.resolve();
    function drawnWidth() {
      var drawing = div.querySelector("svg.marks, canvas.marks");
      return drawing ? drawing.getBoundingClientRect().width : view.width();
    }
    // Narrow every plot by what the drawing overflows the column (axes, labels and
    // legends keep their size), never wider than designed; twice, as axis labels
    // may change with the width.
    function narrow(round) {
      // By right edges: the drawing may start a little inside the column.
      var drawing = div.querySelector("svg.marks, canvas.marks");
      var over = drawing
        ? drawing.getBoundingClientRect().right - (div.getBoundingClientRect().left + div.clientWidth) + 2
        : drawnWidth() - available + 2;
      if (round > 2 || Math.abs(over) < 1) return Promise.resolve();
      var changed = false;
      names.forEach(function (n) {
        var width = Math.max(120, Math.min(designed[n], Math.floor(view.signal(n) - over)));
        if (width !== view.signal(n)) { view.signal(n, width); changed = true; }
      });
      if (!changed) return Promise.resolve();
      // resize(): with Vega's "pad" autosize the drawing only takes a new size when asked.
      return view.resize().runAsync().then(function () { return narrow(round + 1); });
    }
    names.forEach(function (n) { view.signal(n, designed[n]); });
    return view.resize().runAsync().then(function () { return narrow(0); })
      .catch(function (err) { console.error(err); });
  }

  // ---- scenario links ------------------------------------------------------

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

  function fragmentNames() {
    var names = [];
    new URLSearchParams(window.location.hash.slice(1)).forEach(function (value, key) {
      var dot = key.indexOf(".");
      if (dot > 0) names.push(key.slice(0, dot));
    });
    return names;
  }

  // The value a link asks for, checked against what its input offers; null if refused.
  function accepted(binding, text) {
    if (binding.options) {
      for (var i = 0; i < binding.options.length; i++) {
        if (String(binding.options[i]) === text) return binding.options[i];
      }
      return null;
    }
    if (binding.min === undefined) return text === "true" ? true : text === "false" ? false : text;
    var n = Number(text);
    if (text === "" || !Number.isFinite(n) || n < binding.min || n > binding.max) return null;
    var steps = (n - binding.min) / binding.step;
    if (Math.abs(steps - Math.round(steps)) > 1e-6) return null;
    return n;
  }

  function describeAllowed(binding) {
    if (binding.options) {
      return "one of " + binding.options.map(String).join(", ");
    }
    return "from " + binding.min + " to " + binding.max + " in steps of " + binding.step;
  }

  function applyFragment(div, view, bindings) {
    var wanted = fragmentValues(div.dataset.explorer);
    var problems = [];
    var values = {};
    Object.keys(wanted).forEach(function (name) {
      var binding = bindings[name];
      if (!binding) {
        problems.push("“" + name + "” is not one of this explorer's inputs");
        return;
      }
      var value = accepted(binding, wanted[name]);
      if (value === null) {
        problems.push(binding.label + " cannot be “" + wanted[name] + "” (it takes " + describeAllowed(binding) + ")");
      } else {
        values[name] = value;
      }
    });
    if (problems.length) {
      var note = document.createElement("p");
      note.className = "scenario-error";
      note.setAttribute("role", "alert");
      note.textContent = "This scenario link could not be used: " + problems.join("; ") +
        ". The explorer shows its starting values instead.";
      div.before(note);
      return;
    }
    Object.keys(values).forEach(function (name) { view.signal(name, values[name]); });
  }

  function scenarioUrl(explorer, names, view) {
    var params = new URLSearchParams(window.location.hash.slice(1));
    names.forEach(function (name) {
      params.set(explorer + "." + name, String(view.signal(name)));
    });
    return window.location.href.split("#")[0] + "#" + params.toString();
  }

  // ---- inputs that do not apply ------------------------------------------

  // applies: {input: {when: {other input: [values]}, reason: text}}
  function disableWhatDoesNotApply(div, view, applies) {
    Object.keys(applies).forEach(function (name) {
      var rule = applies[name];
      var input = div.querySelector("[name='" + name + "']");
      if (!input) return;
      var holder = input.closest(".vega-bind") || input.parentElement;
      var reason = document.createElement("span");
      reason.className = "vega-bind-reason";
      reason.id = div.id + "-" + name + "-reason";
      reason.textContent = rule.reason;
      holder.appendChild(reason);
      function update() {
        var applies = Object.keys(rule.when).every(function (other) {
          return rule.when[other].map(String).indexOf(String(view.signal(other))) >= 0;
        });
        input.disabled = !applies;
        holder.classList.toggle("vega-bind-inactive", !applies);
        if (applies) input.removeAttribute("aria-describedby");
        else input.setAttribute("aria-describedby", reason.id);
      }
      Object.keys(rule.when).forEach(function (other) { view.addSignalListener(other, update); });
      update();
    });
  }

  function labelActionsMenu(div) {
    // vega-embed's export menu is an icon-only <summary>: give it a name.
    var summary = div.querySelector("details > summary");
    if (summary && !summary.getAttribute("aria-label")) {
      summary.setAttribute("aria-label", "Chart actions: export as image");
    }
  }

  // Once every chart on the page is drawn, bring the one a link names into view
  // (charts above it change the page's height as they draw).
  var done = 0;
  function drawn() {
    done += 1;
    if (done < document.querySelectorAll(".carepool-chart").length) return;
    var wanted = fragmentNames();
    for (var i = 0; i < wanted.length; i++) {
      var target = document.getElementById("explorer-" + wanted[i]);
      if (target) {
        target.scrollIntoView({ block: "start" });
        break;
      }
    }
  }

  function attach(div, view) {
    labelActionsMenu(div);
    var designed = {};
    // A chart drawn at its container's width (width "container") follows the column itself.
    if (div.dataset.width !== "container") {
      widthSignals(view).forEach(function (n) { designed[n] = view.signal(n); });
    }
    var refit = function () { return fit(div, view, designed); };
    var settled = refit();
    var lastWidth = div.clientWidth;
    if (window.ResizeObserver) {
      new ResizeObserver(function () {
        if (div.clientWidth !== lastWidth) {
          lastWidth = div.clientWidth;
          refit();
        }
      }).observe(div);
    }

    var explorer = div.dataset.explorer;
    var bindings = JSON.parse(div.dataset.bindings || "{}");
    var names = Object.keys(bindings);
    if (!explorer || names.length === 0) {
      settled.then(drawn, drawn);
      return;
    }
    applyFragment(div, view, bindings);
    disableWhatDoesNotApply(div, view, JSON.parse(div.dataset.applies || "{}"));
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
    settled.then(drawn, drawn);
  }

  function failed() { drawn(); }

  window.carepoolCharts = { attach: attach, failed: failed };
})();
