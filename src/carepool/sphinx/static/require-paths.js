// The ipywidgets HTML manager loads its icon fonts from its webpack public
// path: point that, and its require.js module name, at the vendored copy so
// they load from this site whichever way the manager resolves them.
(function () {
  var root = document.documentElement.dataset.content_root || "";
  var manager = new URL(root + "_static/vendor/html-manager/", document.baseURI).href;
  window.__jupyter_widgets_assets_path__ = manager;
  require.config({
    paths: { "@jupyter-widgets/html-manager/dist": manager.replace(/\/$/, "") },
  });
})();
