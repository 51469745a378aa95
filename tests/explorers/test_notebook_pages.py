"""The lesson notebooks' pages in the static book show their widget apps from saved state."""

from __future__ import annotations

import pytest

from carepool import widgets

APPS = {
    "notebooks/paying_for_activity.html": widgets.paying_for_activity_app,
    "notebooks/wrong_pocket.html": widgets.wrong_pocket_app,
    "notebooks/sharing_risk.html": widgets.sharing_risk_app,
}


@pytest.mark.parametrize("path", list(APPS))
def test_each_lesson_page_shows_its_two_scenarios_from_saved_state(built_book, visit, path):
    v = visit(path, wait_for=".widget-hslider, .jupyter-widgets.widget-slider")
    page = v.page
    page.wait_for_selector(".widget-html-content table", timeout=20_000)
    shown = page.locator(".widget-html-content").all_inner_texts()
    app = APPS[path]()
    # The app's own title and both scenarios, each with its table of results.
    assert any(app.widget.children[0].value.removeprefix("<h3>").removesuffix("</h3>") in t for t in shown)
    assert sum("Scenario A" in t for t in shown) == 1 and sum("Scenario B" in t for t in shown) == 1
    assert page.locator(".widget-html-content table").count() == 2
    # Every lever of both scenarios is drawn: as many sliders as the live app shows (the options of
    # the chosen arrangement only).
    shown_controls = [c for side in (app.left, app.right) for c in side.controls()
                      if c not in side.option_levers.values() or c in side.options_box.children]
    live_sliders = sum(isinstance(c, (widgets.widgets.IntSlider, widgets.widgets.FloatSlider))
                       for c in shown_controls)
    assert live_sliders > 40
    assert page.locator(".widget-hslider, .widget-slider.widget-hslider").count() >= live_sliders
    assert v.console_errors == [] and v.outside_requests == []
