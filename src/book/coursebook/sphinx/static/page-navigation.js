// Moving about a page on a phone (added to every page by coursebook/sphinx/theme.py).
//
// - The site's menu and the page's contents open as drawers (the theme's <dialog>s). Choosing a
//   place on the same page left the drawer open over it: a link chosen in a drawer now closes it,
//   then goes where it points.
// - The theme's "Back to top" button floats at the foot of the screen, over whatever is there; it
//   is hidden while it would cover a control, a link or an explorer's inputs.
(function () {
  "use strict";

  document.addEventListener("click", function (event) {
    var link = event.target.closest ? event.target.closest("dialog[open] a[href]") : null;
    if (!link) return;
    var dialog = link.closest("dialog");
    var samePage = link.hash && link.origin === location.origin && link.pathname === location.pathname;
    if (!samePage) {
      dialog.close();  // and the browser goes to the other page
      return;
    }
    event.preventDefault();
    dialog.addEventListener("close", function () {
      setTimeout(function () {
        if (location.hash !== link.hash) {
          location.hash = link.hash;
        } else {
          var target = document.getElementById(decodeURIComponent(link.hash.slice(1)));
          if (target) target.scrollIntoView({ block: "start" });
        }
      }, 0);
    }, { once: true });
    dialog.close();
  }, true);

  var COVERABLE = "input, select, textarea, button, a[href], summary, .vega-bindings, .scenario-link";
  function coversSomething(button) {
    var box = button.getBoundingClientRect();
    if (!box.width) return false;
    return Array.prototype.some.call(document.querySelectorAll(COVERABLE), function (el) {
      if (el === button || button.contains(el)) return false;
      var r = el.getBoundingClientRect();
      return r.width > 0 && r.left < box.right && r.right > box.left && r.top < box.bottom && r.bottom > box.top;
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var button = document.getElementById("pst-back-to-top");
    if (!button) return;
    var pending = false;
    function check() {
      pending = false;
      button.classList.remove("covers-controls");
      if (getComputedStyle(button).display !== "none" && coversSomething(button)) {
        button.classList.add("covers-controls");
      }
    }
    window.addEventListener("scroll", function () {
      if (!pending) {
        pending = true;
        requestAnimationFrame(check);
      }
    }, { passive: true });
  });
})();
