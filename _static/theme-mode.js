// pydata-sphinx-theme logs a console error when a first-time visitor has no
// stored colour mode; start them on the system setting instead.
if (!document.documentElement.dataset.mode) {
  document.documentElement.dataset.mode = "auto";
}
