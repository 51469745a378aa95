// The theme's sidebar opens a nested section with a <summary> that holds only
// a chevron icon, so screen readers announce it without a name. Name each one
// after the section it opens.
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll(".bd-sidenav details > summary").forEach(function (summary) {
    var link = summary.parentElement.parentElement.querySelector(":scope > a");
    if (link && !summary.hasAttribute("aria-label")) {
      summary.setAttribute("aria-label", "Show or hide the pages under " + link.textContent.trim());
    }
  });
});
