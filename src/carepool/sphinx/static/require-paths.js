// The ipywidgets HTML manager finds its icon fonts relative to its require.js
// module name; map that name to the vendored copy so they load from this site.
(function () {
  var root = document.documentElement.dataset.content_root || "";
  require.config({
    paths: { "@jupyter-widgets/html-manager/dist": root + "_static/vendor/html-manager" },
  });
})();
