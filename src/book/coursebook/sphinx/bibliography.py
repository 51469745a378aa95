"""The bibliography labelled as the chapters cite: "Lilley 2011", not "[Lil11]".

The chapters cite author and year (``bibtex_reference_style = author_year``),
but sphinxcontrib-bibtex's default list style, ``alpha``, labels each entry
with a machine key made from the names and year (``[WhoHtBudgetcteam26]`` for
a corporate author). The ``course`` style labels each entry with the same
author and year a reader met in the text, lists the entries in author-year
order, and tells apart two works of one author and year with a, b.
"""

from __future__ import annotations

from collections import Counter

from pybtex.plugin import register_plugin
from pybtex.style.formatting.unsrt import Style as UnsrtStyle
from pybtex.style.labels import BaseLabelStyle
from sphinx.application import Sphinx

STYLE = "course"


def _surname(person) -> str:
    parts = person.prelast_names + person.last_names
    # A corporate author is written {The King's Fund}: its braces are markup, not text.
    return " ".join(parts).replace("{", "").replace("}", "")


def author_year(entry) -> str:
    """"Lilley 2011", "McWilliams et al. 2016", "Smith and Jones 2019", from an entry's authors or editors."""
    people = entry.persons.get("author") or entry.persons.get("editor") or []
    others = any(_surname(p) == "others" for p in people)
    names = [_surname(p) for p in people if _surname(p) != "others"]
    if not names:
        # No author: the work is known by its title, as author-date styles list it.
        fields = entry.fields
        who = fields.get("organization") or fields.get("publisher") or fields.get("title") or entry.key
    elif len(names) >= 3 or others:
        who = f"{names[0]} et al."
    elif len(names) == 2:
        who = f"{names[0]} and {names[1]}"
    else:
        who = names[0]
    year = entry.fields.get("year", "n.d.")
    return f"{who} {year}".replace("{", "").replace("}", "")


class AuthorYearLabels(BaseLabelStyle):
    def format_labels(self, sorted_entries):
        entries = list(sorted_entries)
        labels = [author_year(e) for e in entries]
        repeated = {label for label, n in Counter(labels).items() if n > 1}
        seen: Counter = Counter()
        for label in labels:
            if label in repeated:
                suffix = "abcdefghijklmnopqrstuvwxyz"[seen[label]]
                seen[label] += 1
                yield label + suffix
            else:
                yield label


class CourseStyle(UnsrtStyle):
    default_label_style = AuthorYearLabels
    default_sorting_style = "author_year_title"


register_plugin("pybtex.style.labels", "course_author_year", AuthorYearLabels)
register_plugin("pybtex.style.formatting", STYLE, CourseStyle)


def _use_course_style(app: Sphinx, config) -> None:
    config.bibtex_default_style = STYLE


def _remember_pybtex_plugins() -> None:
    """pybtex looks up its plugins among every installed package's entry points each time it formats an
    entry (hundreds of scans a build, a fifth of Sphinx's time when profiled): remember what it finds.
    A lookup that fails raises and is not remembered; the course registers its style before any lookup."""
    import functools

    import pybtex.plugin

    if not hasattr(pybtex.plugin._load_entry_point, "cache_info"):
        pybtex.plugin._load_entry_point = functools.lru_cache(maxsize=None)(pybtex.plugin._load_entry_point)


def setup(app: Sphinx) -> dict:
    _remember_pybtex_plugins()
    app.connect("config-inited", _use_course_style)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
