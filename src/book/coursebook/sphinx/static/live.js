// Widget pages: the saved app is a snapshot with every control switched off,
// until "Run live" connects a Jupyter kernel through the vendored Thebe.
// Configuration: the JSON in #carepool-live-config (see coursebook/sphinx/live.py).
function carepoolLive() {
  "use strict";
  var configEl = document.getElementById("carepool-live-config");
  if (!configEl) return;
  var config = JSON.parse(configEl.textContent);
  var body = document.body;
  body.classList.add("carepool-snapshot");

  // Outputs that hold a saved widget app, drawn at build time as a snapshot with its controls
  // disabled (coursebook/widget_snapshot.py); not, say, a Vega chart, which works without a kernel.
  var WIDGET_OUTPUTS = ".cell_output:has(.carepool-widget-snapshot)";

  // Out of reach as a whole: no focus, no clicks, announced as unavailable.
  document.querySelectorAll(WIDGET_OUTPUTS).forEach(function (output) {
    output.setAttribute("inert", "");
    output.querySelectorAll("input, select, button, textarea").forEach(function (el) {
      el.disabled = true;
      el.setAttribute("aria-disabled", "true");
    });
  });

  var offer = document.querySelector(".carepool-live-offer");
  var button = document.querySelector(".carepool-live-run");
  var status = document.querySelector(".carepool-live-status");
  function say(text) { if (status) status.textContent = text; }

  // Which server: the one `make live` announced, else the deployer's, else none. The build's
  // own live-server.json is {} (no local server); a missing one means the same.
  function findServer() {
    return fetch(config.localServer, { cache: "no-store" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .catch(function () { return null; })
      .then(function (local) {
        if (local && local.baseUrl) return { kind: "jupyter", baseUrl: local.baseUrl, token: local.token || "" };
        if (config.jupyter_url) return { kind: "jupyter", baseUrl: config.jupyter_url, token: "" };
        if (config.binderhub_url && config.repository)
          return { kind: "binder", binderUrl: config.binderhub_url, repo: config.repository, ref: config.ref };
        return null;
      });
  }

  // thebe-core fetches require.js from a CDN by a fixed address; give it the site's own copy.
  var REQUIREJS_CDN = "https://cdnjs.cloudflare.com/ajax/libs/require.js/2.3.6/require.min.js";
  function serveRequireJsLocally() {
    var ownFetch = window.fetch.bind(window);
    window.fetch = function (input, init) {
      var url = typeof input === "string" ? input : input && input.url;
      return ownFetch(url === REQUIREJS_CDN ? config.requirejs : input, init);
    };
  }

  function loadThebe() {
    if (window.thebe && window.thebe.bootstrap) return Promise.resolve(window.thebe);
    serveRequireJsLocally();
    return new Promise(function (resolve, reject) {
      var style = document.createElement("link");
      style.rel = "stylesheet";
      style.href = config.thebe.replace(/index\.js$/, "thebe.css");
      document.head.appendChild(style);
      var script = document.createElement("script");
      script.src = config.thebe;
      script.onload = function () { resolve(window.thebe); };
      script.onerror = function () { reject(new Error("could not load " + config.thebe)); };
      document.head.appendChild(script);
    });
  }

  // Thebe finds cells by [data-executable] and their outputs by [data-output], in order.
  // A widget's saved output is replaced by the kernel's. A cell whose saved output is a
  // chart that works without a kernel is not run at all; other cells (imports,
  // definitions) run with their output in a hidden box.
  function markCells() {
    var widgetOutputs = Array.prototype.slice.call(document.querySelectorAll(WIDGET_OUTPUTS));
    document.querySelectorAll("div.cell").forEach(function (cell) {
      var source = cell.querySelector(".cell_input pre");
      if (!source || cell.querySelector(".cell_output .carepool-chart")) return;
      source.setAttribute("data-executable", "true");
      source.setAttribute("data-language", "python");
      var output = cell.querySelector(".cell_output");
      if (!output || widgetOutputs.indexOf(output) < 0) {
        output = document.createElement("div");
        output.hidden = true;
        source.closest(".cell_input").after(output);
      } else {
        output.innerHTML = "";
        output.removeAttribute("inert");
      }
      output.setAttribute("data-output", "true");
    });
  }

  function goLive(server) {
    var options = {
      requestKernel: true,
      mountActivateWidget: false,
      mountStatusWidget: false,
      mountRunButton: false,
      mountRunAllButton: false,
      mountRestartButton: false,
      mountRestartAllButton: false,
      predefinedOutput: false,
      mathjaxUrl: "",  // no MathJax 2 from a CDN: the apps show no mathematics
      // The notebook's own path: the kernel starts in its folder, as in Jupyter.
      kernelOptions: { kernelName: "python3", path: config.notebook },
    };
    if (server.kind === "binder") {
      options.useBinder = true;
      options.binderOptions = { binderUrl: server.binderUrl, repo: server.repo, ref: server.ref };
    } else {
      var base = server.baseUrl.replace(/\/$/, "");
      options.useBinder = false;
      options.serverSettings = {
        baseUrl: base, wsUrl: base.replace(/^http/, "ws"), token: server.token, appendToken: true,
      };
    }
    return loadThebe().then(function (thebe) {
      body.classList.remove("carepool-snapshot");
      markCells();
      say("Connecting to " + (server.baseUrl || server.binderUrl) + " …");
      return thebe.bootstrap(options);
    }).then(function (live) {
      say("Starting the app (the model runs for each scenario) …");
      return live.notebook.executeAll().then(function () { return live; });
    }).then(function () {
      body.classList.add("carepool-live");
      if (button) button.hidden = true;
      var first = document.querySelector(".carepool-live-banner p");
      if (first) first.innerHTML = "<strong>Live.</strong> The app below runs on a Jupyter server.";
      say("Live: every control now re-runs the model on the Jupyter server.");
    });
  }

  function host(address) {
    try { return new URL(address, window.location.href).host; } catch (e) { return address; }
  }

  // "Run live" only where there is a server to run on: a reader of a copy with none is not
  // offered a button that cannot work.
  if (button && offer) {
    var found = findServer();
    found.then(function (server) {
      var banner = document.querySelector(".carepool-live-banner");
      if (banner) banner.dataset.server = server ? server.kind : "none";
      if (!server) return;
      offer.hidden = false;
      say(server.kind === "binder"
        ? "Starts the course's Python on " + host(server.binderUrl) + " and runs the notebook there " +
          "(the first start can take a few minutes)."
        : "Runs the notebook on the Jupyter server at " + host(server.baseUrl) + ".");
    });
    button.addEventListener("click", function () {
      button.disabled = true;
      found.then(function (server) {
        if (!server) throw new Error("no Jupyter server was found");
        return goLive(server);
      }).catch(function (err) {
        console.error(err);
        button.disabled = false;
        say("Could not start the live app: " + ((err && err.message) || String(err)) +
            ". Is the Jupyter server still running?");
      });
    });
  }
}
// Loaded in the page's head: wait for the body and the banner.
if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", carepoolLive);
else carepoolLive();
