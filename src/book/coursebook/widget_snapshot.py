"""A saved ipywidgets app drawn as plain HTML: the static book's picture of it.

A notebook saves each widget's state (its value, description, layout). The
ipywidgets HTML manager can draw that state in a page, but it weighs 3.6 MB
and draws controls that look live while nothing recomputes. The book draws
the saved state itself, at build time, as ordinary HTML: boxes as flex boxes,
sliders, menus and check boxes as native inputs that are ``disabled`` (greyed
by the browser, out of the tab order, announced as unavailable), each with its
saved value and readout, the app's HTML outputs (its chart and table) as they
were saved, and tabs and accordions as their titles with the open panel shown.

Only the widget types the course's apps use are known; any other raises
``UnknownWidget``, naming it, so a new kind of widget fails the build instead
of vanishing from the page.
"""

from __future__ import annotations

import html
import re

CLASS = "carepool-widget-snapshot"
MODEL_REF = "IPY_MODEL_"
# Layout traits written as CSS (trait name with _ for -), with values that are plain CSS words.
LAYOUT_CSS = ("width", "min_width", "max_width", "height", "min_height", "max_height", "flex", "flex_flow",
              "padding", "margin", "overflow", "align_items", "justify_content", "align_self")
SAFE_CSS_VALUE = re.compile(r"^[-\w .%#,()]+$")
# The d3-format specifications Python's format() reads the same way.
PYTHON_LIKE_FORMAT = re.compile(r"^,?(\.\d+)?[f%e]$")


class UnknownWidget(ValueError):
    """A saved widget of a type the snapshot cannot draw."""


def readout(value: float, spec: str) -> str:
    """A slider's readout as ipywidgets shows it (its d3-format specification), e.g. ',.0f' -> 1,000,000."""
    if spec == "d":
        return f"{round(value):d}".replace("-", "\u2212")
    if not PYTHON_LIKE_FORMAT.match(spec):
        raise UnknownWidget(f"readout_format {spec!r}: the snapshot reads ',.Nf', '.N%', '.Ne' and 'd'")
    return format(value, spec).replace("-", "\u2212")


class Snapshot:
    """Draws the widgets of one notebook's saved state (``application/vnd.jupyter.widget-state+json``)."""

    def __init__(self, state: dict):
        self.models = state["state"]
        self.count = 0  # ids for labels, unique within the page

    def html(self, model_id: str) -> str:
        """The widget ``model_id`` and everything inside it, in a snapshot wrapper."""
        # inert: nothing in it can be focused or clicked, with or without the page's scripts.
        return f'<div class="{CLASS}" inert>{self._widget(model_id)}</div>'

    # -- helpers --------------------------------------------------------------

    def _model(self, ref: str) -> tuple[str, dict]:
        model_id = ref.removeprefix(MODEL_REF)
        if model_id not in self.models:
            raise UnknownWidget(f"widget {model_id} is not in the notebook's saved state")
        model = self.models[model_id]
        return model["model_name"], model["state"]

    def _style(self, state: dict) -> str:
        if not state.get("layout"):
            return ""
        _, layout = self._model(state["layout"])
        rules = [f"{name.replace('_', '-')}: {layout[name]}" for name in LAYOUT_CSS
                 if layout.get(name) and SAFE_CSS_VALUE.match(str(layout[name]))]
        return f' style="{html.escape("; ".join(rules))}"' if rules else ""

    def _description_shown(self, state: dict) -> bool:
        style = self._model(state["style"])[1] if state.get("style") else {}
        return bool(state.get("description")) and style.get("description_width") not in ("0", "0px")

    def _new_id(self) -> str:
        self.count += 1
        return f"carepool-widget-{self.count}"

    # -- widgets --------------------------------------------------------------

    def _widget(self, ref: str) -> str:
        name, state = self._model(ref)
        draw = {
            "VBoxModel": self._box, "HBoxModel": self._box, "BoxModel": self._box,
            "TabModel": self._tabs, "AccordionModel": self._accordion,
            "HTMLModel": self._html, "LabelModel": self._label,
            "FloatSliderModel": self._slider, "IntSliderModel": self._slider,
            "DropdownModel": self._dropdown, "CheckboxModel": self._checkbox,
        }.get(name)
        if draw is None:
            raise UnknownWidget(f"the snapshot cannot draw a {name}; draw it in coursebook.widget_snapshot")
        return draw(name, state)

    def _children(self, state: dict) -> list[str]:
        return [self._widget(child) for child in state.get("children", [])]

    def _box(self, name: str, state: dict) -> str:
        kind = {"VBoxModel": "cw-vbox", "HBoxModel": "cw-hbox"}.get(name, "cw-box")
        return f'<div class="cw-box {kind}"{self._style(state)}>{"".join(self._children(state))}</div>'

    def _tabs(self, name: str, state: dict) -> str:
        titles = state.get("titles") or []
        selected = state.get("selected_index") or 0
        children = state.get("children", [])
        tabs = "".join(
            (f'<span class="cw-tab cw-tab-selected" aria-current="true">{html.escape(str(title))}</span>'
             if i == selected else f'<span class="cw-tab">{html.escape(str(title))}</span>')
            for i, title in enumerate(titles))
        panel = self._widget(children[selected]) if children else ""
        return (f'<div class="cw-tabs"{self._style(state)}><div class="cw-tabbar">{tabs}</div>'
                f'<div class="cw-tabpanel">{panel}</div></div>')

    def _accordion(self, name: str, state: dict) -> str:
        titles = state.get("titles") or []
        selected = state.get("selected_index")
        children = state.get("children", [])
        items = []
        for i, title in enumerate(titles):
            is_open = i == selected
            body = f'<div class="cw-accordion-panel">{self._widget(children[i])}</div>' if is_open else ""
            items.append(f'<div class="cw-accordion-item{" cw-open" if is_open else ""}">'
                         f'<div class="cw-accordion-title">{html.escape(str(title))}</div>{body}</div>')
        return f'<div class="cw-accordion"{self._style(state)}>{"".join(items)}</div>'

    def _html(self, name: str, state: dict) -> str:
        # The app's own HTML (its chart and tables), as the notebook saved it.
        label = (f'<span class="cw-label">{html.escape(state["description"])}</span>'
                 if self._description_shown(state) else "")
        return f'<div class="cw-html"{self._style(state)}>{label}{state.get("value", "")}</div>'

    def _label(self, name: str, state: dict) -> str:
        return f'<div class="cw-html"{self._style(state)}>{html.escape(state.get("value", ""))}</div>'

    def _slider(self, name: str, state: dict) -> str:
        ident = self._new_id()
        description = state.get("description", "")
        label = (f'<label class="cw-label" for="{ident}">{html.escape(description)}</label>'
                 if self._description_shown(state) else "")
        aria = "" if label else f' aria-label="{html.escape(description)}"'
        shown = (f'<output class="cw-readout" for="{ident}">'
                 f'{readout(state["value"], state.get("readout_format") or ".2f")}</output>'
                 if state.get("readout", True) else "")
        return (f'<div class="cw-slider"{self._style(state)}>{label}'
                f'<input type="range" id="{ident}" disabled{aria} min="{state["min"]}" max="{state["max"]}"'
                f' step="{state["step"]}" value="{state["value"]}">{shown}</div>')

    def _dropdown(self, name: str, state: dict) -> str:
        ident = self._new_id()
        labels = state.get("_options_labels") or []
        index = state.get("index")
        options = "".join(f'<option{" selected" if i == index else ""}>{html.escape(str(text))}</option>'
                          for i, text in enumerate(labels))
        description = state.get("description", "")
        label = (f'<label class="cw-label" for="{ident}">{html.escape(description)}</label>'
                 if self._description_shown(state) else "")
        aria = "" if label else f' aria-label="{html.escape(description)}"'
        return (f'<div class="cw-dropdown"{self._style(state)}>{label}'
                f'<select id="{ident}" disabled{aria}>{options}</select></div>')

    def _checkbox(self, name: str, state: dict) -> str:
        checked = " checked" if state.get("value") else ""
        return (f'<div class="cw-checkbox"{self._style(state)}><label><input type="checkbox" disabled{checked}> '
                f'{html.escape(state.get("description", ""))}</label></div>')
