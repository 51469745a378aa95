"""Accessibility fixes for markup the course's tools write, not the course.

- docutils writes a bibliography as ``<div role="list">`` whose entries have
  ``role="doc-biblioentry"``, which is not a list item, so screen readers are
  told of a list with no items (axe-core's aria-required-children). The
  entries are made list items.
- The theme's sidebar toggles for nested sections have no accessible name:
  ``static/nav-labels.js`` (served with the offline extension's static files)
  names each after its section.
"""

from __future__ import annotations

from sphinx.application import Sphinx

BIBLIOENTRY, LISTITEM = 'role="doc-biblioentry"', 'role="listitem"'


def bibliography_entries_as_list_items(body: str) -> str:
    """The page body with each bibliography entry marked as an item of its list."""
    return body.replace(BIBLIOENTRY, LISTITEM)


def _fix_page(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    if BIBLIOENTRY in context.get("body", ""):
        context["body"] = bibliography_entries_as_list_items(context["body"])


def setup(app: Sphinx) -> dict:
    app.setup_extension("coursebook.sphinx.offline")  # serves static/, where nav-labels.js is
    app.add_js_file("nav-labels.js")
    app.connect("html-page-context", _fix_page)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
