// Charts in the static book. vega-embed calls attach() once a chart is drawn.
//
// - Width: each chart's plots are narrowed to fit the column they sit in, at
//   any width from a phone's up, and follow the column when it changes.
// - Scenario links: the URL fragment sets an explorer's inputs, and each
//   explorer offers the link for its current inputs, so a student can send a
//   scenario to a tutor. Fragment form: #<explorer>.<input>=<value>&...
//   Opening one scrolls the explorer into view, and so does changing the
//   fragment of an open page (hashchange). A menu's choice may be named by its
//   value ("silos") or by the words the menu shows ("PCT era: silos"). A value
//   that is not one the input offers is refused with a message in the words
//   the reader sees, brought into view above the explorer, which shows its
//   starting values.
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
    // vega-embed keeps a strip on the right for its actions button ("..."): the drawing stays out of
    // it, or the button covers the chart's title.
    var embed = div.classList.contains("vega-embed") ? div : div.querySelector(".vega-embed");
    var strip = embed ? parseFloat(getComputedStyle(embed).paddingRight) || 0 : 0;
    function narrow(round) {
      // By right edges: the drawing may start a little inside the column.
      var drawing = div.querySelector("svg.marks, canvas.marks");
      var over = drawing
        ? drawing.getBoundingClientRect().right - (div.getBoundingClientRect().left + div.clientWidth - strip) + 2
        : drawnWidth() - available + strip + 2;
      if (round > 2 || Math.abs(over) < 1) return Promise.resolve();
      var changed = false;
      names.forEach(function (n) {
        var width = Math.max(60, Math.min(designed[n], Math.floor(view.signal(n) - over)));
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

  function plain(text) { return String(text).trim().replace(/\s+/g, " ").toLowerCase(); }

  // The value a link asks for, checked against what its input offers; null if refused.
  function accepted(binding, text) {
    if (binding.options) {
      var labels = binding.labels || [];
      for (var i = 0; i < binding.options.length; i++) {
        if (String(binding.options[i]) === text) return binding.options[i];
      }
      for (var j = 0; j < binding.options.length; j++) {
        if (plain(binding.options[j]) === plain(text) || (labels[j] && plain(labels[j]) === plain(text))) {
          return binding.options[j];
        }
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
      return "one of " + (binding.labels || binding.options).map(function (label) {
        return "“" + String(label).trim() + "”";
      }).join(", ");
    }
    return "from " + binding.min + " to " + binding.max + " in steps of " + binding.step;
  }

  // Set an explorer's inputs from the page's fragment, if it names this explorer: the inputs it
  // names to its values, the others to their starting values; or, if any value is refused, every
  // input to its starting value, with the reason above the explorer. Returns whether it was named.
  function applyFragment(entry) {
    var div = entry.div, view = entry.view, bindings = entry.bindings;
    var wanted = fragmentValues(div.dataset.explorer);
    if (entry.note) {
      entry.note.remove();
      entry.note = null;
    }
    if (!Object.keys(wanted).length) return false;
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
        problems.push(binding.label + " cannot be “" + wanted[name].trim() + "” (it takes " +
                      describeAllowed(binding) + ")");
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
      entry.note = note;
      values = {};
    }
    Object.keys(bindings).forEach(function (name) {
      view.signal(name, name in values ? values[name] : entry.defaults[name]);
    });
    return true;
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

  // Bring the explorer a link names into view, or, if the link was refused, its message (the
  // explorer follows it). Once every chart on the page is drawn, as charts above it change the
  // page's height as they draw.
  var explorersOnPage = {};
  function showNamed() {
    var wanted = fragmentNames();
    for (var i = 0; i < wanted.length; i++) {
      var entry = explorersOnPage[wanted[i]];
      var target = entry ? entry.note || entry.div : document.getElementById("explorer-" + wanted[i]);
      if (target) {
        target.scrollIntoView({ block: "start" });
        break;
      }
    }
  }

  var done = 0;
  function drawn() {
    done += 1;
    if (done === document.querySelectorAll(".carepool-chart").length) showNamed();
  }

  // A new fragment on an open page (a link followed, the address edited) applies at once.
  window.addEventListener("hashchange", function () {
    var named = false;
    Object.keys(explorersOnPage).forEach(function (name) {
      var entry = explorersOnPage[name];
      if (applyFragment(entry)) {
        named = true;
        entry.view.runAsync();
      }
    });
    if (named) showNamed();
  });

  // "Copy link": the clipboard where the browser offers it (a secure page), else a copy of the
  // selected text; either way the reader is told what happened.
  function copyText(text) {
    if (navigator.clipboard && window.isSecureContext) return navigator.clipboard.writeText(text);
    return new Promise(function (resolve, reject) {
      var area = document.createElement("textarea");
      area.value = text;
      area.setAttribute("readonly", "");
      area.style.position = "fixed";
      area.style.opacity = "0";
      document.body.appendChild(area);
      area.select();
      var ok = false;
      try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
      area.remove();
      if (ok) resolve(); else reject(new Error("copy refused"));
    });
  }

  // A slider's value as the chart's axis prints it: 30,000, not 30000 (Vega writes the raw value
  // into the span beside the slider on every move).
  function groupThousands(div) {
    div.querySelectorAll(".vega-bind input[type='range']").forEach(function (input) {
      var shown = input.nextElementSibling;
      if (!shown || shown.tagName !== "SPAN") return;
      function format() {
        var n = Number(shown.textContent.replace(/,/g, ""));
        var text = Number.isFinite(n) && Math.abs(n) >= 1000 ? n.toLocaleString("en-GB") : shown.textContent;
        if (text !== shown.textContent) shown.textContent = text;
      }
      new MutationObserver(format).observe(shown, { childList: true, characterData: true, subtree: true });
      format();
    });
  }

  // A menu's choice, read whole: a phone's column is narrower than the longest choices
  // ("Accountable care system: risk and gain share"), which a native <select> cuts off. The
  // choice is shown in a box that wraps, and the <select> itself, transparent, covers that box:
  // it is still what is tapped, focused and read out, and it opens the system's own list.
  function showWholeChoice(div, view) {
    div.querySelectorAll(".vega-bind select").forEach(function (select) {
      var frame = document.createElement("span");
      frame.className = "vega-select";
      var shown = document.createElement("span");
      shown.className = "vega-select-shown";
      shown.setAttribute("aria-hidden", "true");
      select.before(frame);
      frame.append(shown, select);
      function update() {
        // By the signal's value: Vega may set the menu after this listener runs.
        var value = select.name ? String(view.signal(select.name)) : select.value;
        var chosen = [].find.call(select.options, function (o) { return o.value === value; }) ||
          select.options[select.selectedIndex];
        shown.textContent = chosen ? chosen.text : "";
      }
      select.addEventListener("change", update);
      if (select.name) {
        try { view.addSignalListener(select.name, update); } catch (e) { /* not a signal */ }
      }
      update();
    });
  }

  function attach(div, view) {
    labelActionsMenu(div);
    groupThousands(div);
    showWholeChoice(div, view);
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
    var entry = { div: div, view: view, bindings: bindings, defaults: {}, note: null };
    names.forEach(function (name) { entry.defaults[name] = view.signal(name); });
    explorersOnPage[explorer] = entry;
    applyFragment(entry);
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
    var said = document.createElement("span");
    said.className = "scenario-copied";
    said.setAttribute("role", "status");
    box.append(link, " ", copy, " ", said);
    div.after(box);

    function update() {
      link.href = scenarioUrl(explorer, names, view);
    }
    names.forEach(function (name) { view.addSignalListener(name, update); });
    var clear = null;
    copy.addEventListener("click", function () {
      update();
      copyText(link.href).then(function () {
        said.textContent = "Link copied: paste it to share this scenario.";
      }, function () {
        said.textContent = "Could not copy: press and hold (or right-click) “Link to this scenario” to copy it.";
      }).then(function () {
        clearTimeout(clear);
        clear = setTimeout(function () { said.textContent = ""; }, 6000);
      });
    });
    update();
    settled.then(drawn, drawn);
  }

  function failed() { drawn(); }

  window.carepoolCharts = { attach: attach, failed: failed };

  // Draw the charts the page queued while Vega loaded (coursebook/offline_charts.py), and any
  // added later (a live notebook's output) at once.
  var queued = window.carepoolChartQueue || [];
  window.carepoolChartQueue = { push: function (draw) { draw(); } };
  queued.forEach(function (draw) { draw(); });
})();
