"""Every page of the built site works offline, in a real browser (each page visited in tests.book.site_tour)."""

from __future__ import annotations

from tests.support import save_screenshot


def test_every_page_loads_with_no_console_error_and_no_outside_request(laptop_tour):
    assert "notebooks/first_explorer.html" in laptop_tour
    problems = {path: {"outside": r.outside_requests, "console": r.console_errors}
                for path, r in laptop_tour.items() if r.outside_requests or r.console_errors}
    assert problems == {}, problems


CHART = "notebooks/first_explorer.html"


def _chart_svg(page) -> str:
    return page.evaluate(
        "() => document.querySelector('.carepool-chart').vegaView.toSVG()"
    )


def test_the_chart_renders_and_its_slider_changes_it(built_book, visit):
    v = visit(CHART, wait_for=".carepool-chart canvas, .carepool-chart svg")
    page = v.page
    page.wait_for_function("() => document.querySelector('.carepool-chart').vegaView")
    before = _chart_svg(page)
    assert "<path" in before
    slider = page.locator(".carepool-chart input[type=range]")
    assert slider.count() == 1
    label = page.locator(".carepool-chart .vega-bind-name").inner_text()
    assert "Marginal rate" in label
    slider.evaluate(
        "el => { el.value = '0.8'; el.dispatchEvent(new Event('input', {bubbles: true})); }"
    )
    page.wait_for_function(
        "() => document.querySelector('.carepool-chart').vegaView.signal('rate') === 0.8"
    )
    after = _chart_svg(page)
    assert after != before
    save_screenshot(page, "first_explorer_chart")
    assert v.console_errors == [] and v.outside_requests == []


def test_the_widget_is_drawn_from_its_saved_state(built_book, visit):
    v = visit(CHART, wait_for=".carepool-widget-snapshot input[type=range]")
    page = v.page
    text = page.locator(".carepool-widget-snapshot .cw-html").first.inner_text()
    assert "Income" in text and "£" in text
    assert page.locator(".carepool-widget-snapshot .cw-slider output").count() >= 2
    assert v.console_errors == [] and v.outside_requests == []


def test_a_scenario_link_restores_its_inputs(built_book, visit):
    v = visit(f"{CHART}#marginal-rate.rate=0.6", wait_for=".scenario-link a")
    page = v.page
    page.wait_for_function(
        "() => document.querySelector('.carepool-chart').vegaView.signal('rate') === 0.6"
    )
    assert page.locator(".carepool-chart input[type=range]").input_value() == "0.6"
    # The offered link follows the inputs as they move.
    page.locator(".carepool-chart input[type=range]").evaluate(
        "el => { el.value = '0.2'; el.dispatchEvent(new Event('input', {bubbles: true})); }"
    )
    page.wait_for_function(
        "() => document.querySelector('.scenario-link a').href.endsWith('marginal-rate.rate=0.2')"
    )
    assert v.console_errors == [] and v.outside_requests == []
