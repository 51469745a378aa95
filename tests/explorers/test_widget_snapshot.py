"""The static picture of a saved widget app (coursebook.widget_snapshot), from hand-made saved state."""

from __future__ import annotations

import re

import pytest

from coursebook.widget_snapshot import Snapshot, UnknownWidget, readout


def _state(**models) -> dict:
    """Saved widget state as a notebook stores it: {"state": {id: {"model_name", "state"}}}."""
    return {"version_major": 2, "version_minor": 0,
            "state": {mid: {"model_name": name, "state": state} for mid, (name, state) in models.items()}}


def _ref(mid: str) -> str:
    return f"IPY_MODEL_{mid}"


LAYOUT = ("LayoutModel", {"width": "auto", "flex": None})
HIDDEN_DESCRIPTION = ("SliderStyleModel", {"description_width": "0px"})
SHOWN_DESCRIPTION = ("SliderStyleModel", {"description_width": ""})


@pytest.mark.parametrize("value, spec, shown", [
    (1_000_000.0, ",.0f", "1,000,000"),   # thousands separated, no decimals
    (0.01, ".0%", "1%"),                  # a fraction as a percentage
    (0.025, ".1%", "2.5%"),
    (0.175, ",.3f", "0.175"),
    (12_000, "d", "12000"),               # d3's "d" has no separator
    (-0.1, ".0%", "\u221210%"),           # d3 writes the minus sign, not a hyphen
])
def test_a_readout_shows_the_value_as_its_format_asks(value, spec, shown):
    assert readout(value, spec) == shown


def test_a_readout_format_python_would_read_differently_is_refused_by_name():
    with pytest.raises(UnknownWidget, match=r"'\$,\.2f'"):
        readout(3.0, "$,.2f")


def test_a_slider_is_drawn_disabled_at_its_saved_value_with_its_readout():
    snap = Snapshot(_state(
        box=("VBoxModel", {"children": [_ref("rate")], "layout": _ref("layout")}),
        layout=LAYOUT, style=SHOWN_DESCRIPTION,
        rate=("FloatSliderModel", {"description": "Marginal rate", "min": 0.0, "max": 1.0, "step": 0.05,
                                   "value": 0.3, "readout_format": ".2f", "style": _ref("style")}),
    ))
    html = snap.html("box")
    assert html.startswith('<div class="carepool-widget-snapshot" inert>')
    slider = re.search(r"<input [^>]*>", html).group(0)
    assert 'type="range"' in slider and " disabled" in slider and 'value="0.3"' in slider
    assert 'min="0.0"' in slider and 'max="1.0"' in slider and 'step="0.05"' in slider
    assert ">Marginal rate</label>" in html and ">0.30</output>" in html
    assert 'style="width: auto"' in html  # the saved layout; empty traits are left out


def test_a_control_whose_description_is_hidden_is_named_for_assistive_technology():
    snap = Snapshot(_state(
        menu=("DropdownModel", {"description": "Arrangement", "_options_labels": ["silos", "acs"], "index": 1,
                                "style": _ref("style")}),
        style=HIDDEN_DESCRIPTION,
    ))
    html = snap.html("menu")
    assert "<label" not in html and 'aria-label="Arrangement"' in html
    assert re.search(r"<select [^>]*disabled[^>]*><option>silos</option><option selected>acs</option></select>", html)


def test_tabs_show_every_title_and_the_saved_tabs_panel_only():
    snap = Snapshot(_state(
        tabs=("TabModel", {"titles": ["Scenario A", "Scenario B"], "selected_index": 1,
                           "children": [_ref("a"), _ref("b")]}),
        a=("HTMLModel", {"value": "<p>first</p>"}),
        b=("HTMLModel", {"value": "<p>second</p>"}),
    ))
    html = snap.html("tabs")
    assert re.findall(r'class="cw-tab(?: cw-tab-selected)?"[^>]*>([^<]*)<', html) == ["Scenario A", "Scenario B"]
    assert 'cw-tab-selected" aria-current="true">Scenario B<' in html
    assert "<p>second</p>" in html and "first" not in html


def test_a_closed_accordion_shows_its_titles_and_no_panel():
    snap = Snapshot(_state(
        acc=("AccordionModel", {"titles": ["The place", "Links"], "selected_index": None,
                                "children": [_ref("x"), _ref("y")]}),
        x=("HTMLModel", {"value": "inside x"}), y=("HTMLModel", {"value": "inside y"}),
    ))
    html = snap.html("acc")
    assert re.findall(r'cw-accordion-title">([^<]*)<', html) == ["The place", "Links"]
    assert "inside" not in html


def test_a_widget_the_snapshot_cannot_draw_is_an_error_naming_its_type():
    snap = Snapshot(_state(box=("VBoxModel", {"children": [_ref("pick")]}),
                           pick=("ColorPickerModel", {"value": "red"})))
    with pytest.raises(UnknownWidget, match="ColorPickerModel"):
        snap.html("box")


def test_a_child_missing_from_the_saved_state_is_an_error_naming_it():
    with pytest.raises(UnknownWidget, match="gone"):
        Snapshot(_state(box=("VBoxModel", {"children": [_ref("gone")]}))).html("box")
