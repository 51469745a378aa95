"""Page furniture: what a scraped page carries that is not the document.

Each source's record lists the rules that turn its original into its reading
text. There are three kinds, and nothing else is ever changed:

``drop_line``
    a whole line that is furniture (a navigation bar, "Add your comment").
``drop_from``
    the line where the furniture at the foot of a page begins (comment forms,
    log-in prompts, mailing-list plugs); it and every line after it go.
``cut_suffix``
    furniture glued to the end of a real paragraph ("Advertisement"): only
    the suffix, with the space before it, is cut; the paragraph stays as it is.

Rule texts are matched with runs of whitespace (non-breaking spaces too) made
single, so a rule can be written in plain ASCII spaces. A rule that matches
nothing is an error, never skipped: a rule that silently stopped applying
would leave furniture in the reading text unnoticed.

The reading text is the original's remaining non-blank lines, each byte for
byte as it was, one paragraph a line, with one blank line between them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

RULE_KINDS = ("drop_line", "drop_from", "cut_suffix")


class FurnitureRuleError(ValueError):
    """A furniture rule is malformed or matches nothing in its original."""


def _plain(text: str) -> str:
    # str.split() treats non-breaking spaces as whitespace too.
    return " ".join(text.split())


def rule_kind(rule: Mapping[str, str]) -> str:
    """The one kind a rule has; a clear error if it has none or several."""
    kinds = [k for k in RULE_KINDS if k in rule]
    if len(kinds) != 1:
        raise FurnitureRuleError(
            f"a furniture rule needs exactly one of {', '.join(RULE_KINDS)}; got {sorted(rule)}"
        )
    if not str(rule.get("why", "")).strip():
        raise FurnitureRuleError(f"furniture rule {dict(rule)} needs a 'why'")
    return kinds[0]


def _cut_suffix(line: str, suffix: str) -> str | None:
    """``line`` without ``suffix`` (and the space before it), or None if absent."""
    words = line.rstrip()
    target = _plain(suffix)
    # Walk back over the line's tail until its plain form equals the suffix,
    # so spacing inside the line's kept part is never touched.
    for start in range(len(words) - 1, -1, -1):
        if _plain(words[start:]) == target and (start == 0 or words[start - 1].isspace()):
            return words[:start].rstrip()
        if len(_plain(words[start:])) > len(target):
            return None
    return None


def remove_furniture(original: str, rules: Iterable[Mapping[str, str]]) -> list[str]:
    """The paragraphs left when ``rules`` are applied to ``original``.

    Each paragraph is an original line, unchanged except for a cut suffix.
    Raises FurnitureRuleError for a rule that matches nothing.
    """
    lines = original.split("\n")
    plain = [_plain(line) for line in lines]
    dropped: set[int] = set()
    for rule in rules:
        kind = rule_kind(rule)
        target = _plain(rule[kind])
        if kind == "cut_suffix":
            hits = [i for i, line in enumerate(lines) if _cut_suffix(line, target) is not None]
            for i in hits:
                lines[i] = _cut_suffix(lines[i], target)
        else:
            hits = [i for i, text in enumerate(plain) if text == target]
            if kind == "drop_line":
                dropped.update(hits)
            elif hits:
                dropped.update(range(hits[0], len(lines)))
        if not hits:
            raise FurnitureRuleError(f"{kind} rule matches no line: {rule[kind]!r}")
    return [line for i, line in enumerate(lines) if i not in dropped and line.strip()]


def reading_text(original: str, rules: Iterable[Mapping[str, str]]) -> str:
    """The reading text: the kept paragraphs, a blank line between them."""
    return "\n\n".join(remove_furniture(original, rules)) + "\n"
