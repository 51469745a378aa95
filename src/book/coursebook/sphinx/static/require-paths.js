// The ipywidgets HTML manager's bundles (@jupyter-widgets/base, controls, the
// manager itself) load their icon fonts relative to their require.js module
// URLs, which would otherwise resolve under the page's own folder. Map every
// @jupyter-widgets module to the vendored copy, where the fonts are.
(function () {
  var root = document.documentElement.dataset.content_root || "";
  var manager = new URL(root + "_static/vendor/html-manager", document.baseURI).href;
  window.__jupyter_widgets_assets_path__ = manager + "/";
  require.config({
    paths: {
      "@jupyter-widgets/html-manager/dist": manager,
      "@jupyter-widgets": manager,
    },
  });
})();
