// ipywidgets draws its sliders as role="slider" handles with no accessible
// name; name each one after its widget's visible label.
(function () {
  "use strict";

  function nameSliders(root) {
    root.querySelectorAll(".widget-slider, .jupyter-widget-slider").forEach(function (widget) {
      var label = widget.querySelector(".widget-label, .jupyter-widget-label");
      var text = label ? label.textContent.trim() : "";
      widget.querySelectorAll("[role=slider]:not([aria-label])").forEach(function (handle) {
        if (text) handle.setAttribute("aria-label", text);
      });
    });
  }

  new MutationObserver(function () { nameSliders(document); }).observe(document.documentElement, {
    childList: true,
    subtree: true,
  });
})();
