"""The three static explorers in headless Chromium, with every outside request blocked."""

from __future__ import annotations

import numpy as np
import pytest

from carepool import payments
from carepool.levers import lever
from coursebook import explorers
from carepool.arrangements import arrangement
from carepool.parameters import default
from carepool.place import default_place
from carepool.questions import deficit_risk, wrong_pocket
from tests.support import ARTIFACTS, save_screenshot
from tests.explorers.browser import (legend_and_series, open_explorer, readability, readout, set_input,
                                    shown_number, signal, svg)

def save_explorer_screenshot(page, name: str) -> None:
    """Keep a picture of the explorer (chart, inputs and scenario link) as a test artefact."""
    ARTIFACTS.mkdir(exist_ok=True)
    page.locator(f"#explorer-{name}").screenshot(path=str(ARTIFACTS / f"explorer_{name}.png"))


# For each input: the scenario that makes it matter, then a new value for it.
MOVES = {
    "paying-for-activity": [({}, "baseline", 25000), ({}, "rate", 0.8), ({}, "activity", 42000)],
    "wrong-pocket": [({}, "investor", "community"), ({}, "amount", 8), ({}, "saving", 1.05),
                     ({}, "arrangement", "section75")],
    "sharing-risk": [({}, "arrangement", "aco"), ({"arrangement": "section75"}, "fraction", 0.9),
                     ({"arrangement": "acs"}, "equal_weight", 1)],
}


@pytest.mark.parametrize("name", list(MOVES))
def test_each_explorer_renders_and_each_input_changes_its_chart(built_book, visit, name):
    v = open_explorer(visit, name)
    page = v.page
    assert readout(page, name), "the chart shows no numbers"
    page.locator(f"#explorer-{name}").scroll_into_view_if_needed()
    save_explorer_screenshot(page, name)
    for context, param, value in MOVES[name]:
        for p, val in context.items():
            set_input(page, name, p, val)
        before = svg(page, name)
        set_input(page, name, param, value)
        assert svg(page, name) != before, f"moving {param} did not change the chart"
    assert v.console_errors == [] and v.outside_requests == []


def _paying_expected(baseline, rate, activity):
    # The set-up the chapter describes: the emergency price of the default place; block, capitation and
    # the shared-savings benchmark at the baseline's cost; MSSP terms from the parameter files.
    place = default_place()
    price = place.lines["emergency"].unit_cost
    fee = payments.tariff(activity, price)
    return {
        "tariff": fee,
        "marginal_rate": payments.marginal_rate(activity, baseline, price, rate),
        "block": payments.block(baseline * price),
        "capitation": payments.capitation(place.population, baseline * price / place.population),
        "shared_savings": fee + payments.mssp_payment(
            np.full_like(fee, baseline * price), fee, track=default("arrangements.mssp.track"),
            assigned_beneficiaries=place.population, quality_score=default("arrangements.mssp.quality_score"),
            sequestration=default("arrangements.mssp.sequestration")),
    }


@pytest.mark.parametrize("baseline, rate, activity", [(30000, 0.3, 35000), (25000, 0.5, 40000), (40000, 0.0, 20000)])
def test_paying_for_activity_shows_carepools_incomes(built_book, visit, baseline, rate, activity):
    name = "paying-for-activity"
    v = open_explorer(visit, name)
    for p, val in (("baseline", baseline), ("rate", rate), ("activity", activity)):
        set_input(v.page, name, p, val)
    shown = {r["datum"]["payment"]: shown_number(r["text"]) for r in readout(v.page, name)}
    expected = {explorers.PAYMENT_LABELS[k]: float(x) / 1e6 for k, x in _paying_expected(baseline, rate, activity).items()}
    assert shown == pytest.approx(expected, abs=0.051)  # printed to £0.1m
    assert v.console_errors == []


@pytest.mark.parametrize("investor, amount, saving, arr", [
    ("social_care", 5, 0.35, "silos"), ("community", 3, 1.05, "section75"), ("social_care", 10, 0, "aco")])
def test_wrong_pocket_shows_carepools_gains_and_payments(built_book, visit, investor, amount, saving, arr):
    name = "wrong-pocket"
    v = open_explorer(visit, name)
    for p, val in (("investor", investor), ("amount", amount), ("saving", saving), ("arrangement", arr)):
        set_input(v.page, name, p, val)
    shown = {r["datum"]["organisation"]: shown_number(r["text"]) for r in readout(v.page, name)}
    result = wrong_pocket(default_place(avoided_acute_cost_per_pound=saving), investment_line=investor,
                          amount=amount * 1e6, arrangements=[arr])
    expected = {explorers.ORGANISATION_LABELS[o]: c / 1e6 for o, c in zip(result.organisation, result.surplus_change)}
    expected[explorers.ORGANISATION_LABELS["system"]] = sum(result.surplus_change) / 1e6
    assert shown == pytest.approx(expected, abs=0.051)  # printed to £0.1m
    assert v.console_errors == []


@pytest.mark.parametrize("inputs, arr", [
    ({"arrangement": "acs", "equal_weight": 0}, arrangement("acs", shares="budget")),
    ({"arrangement": "section75", "fraction": 0.7}, arrangement("section75", pooled_fraction=0.7)),
    ({"arrangement": "aco"}, arrangement("aco")),
])
def test_sharing_risk_shows_carepools_chance_of_deficit(built_book, visit, inputs, arr):
    name = "sharing-risk"
    v = open_explorer(visit, name)
    for p, val in inputs.items():
        set_input(v.page, name, p, val)
    shown = {(r["datum"]["case"], r["datum"]["organisation"]): shown_number(r["text"]) / 100
             for r in readout(v.page, name)}
    risk = deficit_risk(default_place(), arr, compare_with="silos")
    expected = {(explorers.CASES[0] if a == arr.name else explorers.CASES[1], explorers.ORGANISATION_LABELS[o]): c
                for a, o, c in zip(risk.arrangement, risk.organisation, risk.chance_of_deficit)}
    assert shown == pytest.approx(expected, abs=0.0006)  # printed to 0.1%
    assert v.console_errors == []


SCENARIOS = {
    "paying-for-activity": {"baseline": 35000, "rate": 0.6, "activity": 45000},
    "wrong-pocket": {"investor": "community", "amount": 3, "saving": 1.05, "arrangement": "section75"},
    "sharing-risk": {"arrangement": "section75", "fraction": 0.8, "equal_weight": 0.5},
}


@pytest.mark.parametrize("name", list(SCENARIOS))
def test_a_scenario_link_restores_its_inputs(built_book, visit, name):
    wanted = SCENARIOS[name]
    fragment = "#" + "&".join(f"{name}.{k}={val}" for k, val in wanted.items())
    v = open_explorer(visit, name, fragment)
    page = v.page
    page.wait_for_selector(f"#explorer-{name} + .scenario-link a")
    page.wait_for_function(
        "([id, p, val]) => String(document.getElementById(id).vegaView.signal(p)) === val",
        arg=[f"explorer-{name}", list(wanted)[0], str(list(wanted.values())[0])])
    for param, value in wanted.items():
        assert str(signal(page, name, param)) == str(value)
        control = page.locator(f"#explorer-{name} [name='{param}']")
        if control.first.get_attribute("type") == "radio":
            assert page.locator(f"#explorer-{name} [name='{param}']:checked").get_attribute("value") == str(value)
        else:
            assert control.input_value() == str(value)
    # The link offered follows the inputs, and opening it restores them.
    _, param, value = MOVES[name][0]
    set_input(page, name, param, value)
    link = page.locator(f"#explorer-{name} + .scenario-link a").get_attribute("href")
    assert f"{name}.{param}={value}" in link
    # Opened afresh, as a tutor would, with outside requests blocked and recorded again.
    again = visit(link.split("/", 3)[3])
    again.page.wait_for_function(
        "([id, p, val]) => { const d = document.getElementById(id); "
        "return d && d.vegaView && String(d.vegaView.signal(p)) === val; }",
        arg=[f"explorer-{name}", param, str(value)])
    for visited in (v, again):
        assert visited.console_errors == [] and visited.outside_requests == []


# The field whose values are an explorer's series (its lines, or its bars' kinds).
SERIES = {"paying-for-activity": "payment", "wrong-pocket": "role", "sharing-risk": "case"}
WIDTHS = [390, 768, 1366]


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("name", list(SERIES))
def test_each_explorers_legend_names_every_series_it_draws(built_book, visit, name, width):
    v = open_explorer(visit, name, width=width)
    found = legend_and_series(v.page, name, SERIES[name])
    assert found["series"], "no series drawn"
    missing = set(found["series"]) - set(found["labels"])
    assert not missing, f"drawn but not in a legend: {missing}"
    # The legend is on screen, within the chart's column, not cut off.
    box = v.page.locator(f"#explorer-{name}").bounding_box()
    drawn = v.page.locator(f"#explorer-{name} canvas, #explorer-{name} svg.marks").first.bounding_box()
    assert drawn["x"] + drawn["width"] <= box["x"] + box["width"] + 1
    # Readable at every width: no text under 11 px, no axis labels on top of one another, and the
    # chart-actions button beside the drawing, not over its title.
    seen = readability(v.page, name)
    assert seen == {"small": [], "overlapping": [], "actionsOverDrawing": False}, seen
    if width in (390, 1366):
        v.page.locator(f"#explorer-{name}").screenshot(
            path=str(ARTIFACTS / f"explorer_{name}_{width}.png"))


def test_the_paying_explorers_axis_holds_still_as_the_baseline_moves(built_book, visit):
    name = "paying-for-activity"
    page = open_explorer(visit, name).page
    ticks = "id => document.getElementById(id).vegaView.scale('concat_0_y').domain()"
    before = page.evaluate(ticks, f"explorer-{name}")
    set_input(page, name, "baseline", 40000)
    assert page.evaluate(ticks, f"explorer-{name}") == before
    # Each slider's value is printed as the axis prints numbers, with a thousands separator.
    shown = page.locator(f"#explorer-{name} [name='baseline'] + span")
    page.wait_for_function("el => el.textContent === '40,000'", arg=shown.element_handle())


def test_the_wrong_pocket_scale_follows_the_bars_shown(built_book, visit):
    name = "wrong-pocket"
    page = open_explorer(visit, name).page
    domain = "id => document.getElementById(id).vegaView.scale('x').domain()"
    # The widest bar drawn, against the plot's width, from Vega's scenegraph.
    widest = """id => { const view = document.getElementById(id).vegaView; let most = 0;
      (function walk(n) { if (!n) return; if (n.marktype === 'rect' && n.role === 'mark')
        n.items.forEach(i => { most = Math.max(most, Math.abs(i.width || 0)); }); (n.items || []).forEach(walk);
      })(view.scenegraph().root); return most / view.signal('width'); }"""
    for amount in (lever("simulation.upstream_investment").default / 1e6, 10, 0):
        set_input(page, name, "amount", amount)
        changes = [r["datum"]["change"] for r in readout(page, name)]
        low, high = page.evaluate(domain, f"explorer-{name}")
        least = explorers.WRONG_POCKET_LEAST
        # It covers every bar and at least the least either side of zero...
        assert low <= min(changes + [-least]) and high >= max(changes + [least])
        # ...and no more than the bars need (a scale "nice" rounds out), so they are wide enough to see.
        assert high - low <= 2 * (max(changes + [least]) - min(changes + [-least])), (amount, low, high, changes)
        if any(changes):
            assert page.evaluate(widest, f"explorer-{name}") >= 0.3, f"the widest bar is thin at £{amount}m"
    # Printed to £0.1m, with the pound sign and unit.
    assert all(r["text"].endswith("m") and "£" in r["text"] and len(r["text"].split(".")[1]) == 2
               for r in readout(page, name))


# The rows' order, as drawn: each organisation axis's labels, top to bottom.
ROWS_JS = """id => { const out = []; (function walk(n) { if (!n) return;
    if (n.role === 'axis' && n.items) n.items.forEach(axis => {
      if (axis.datum && /(^|_)y$/.test(axis.datum.scale) && axis.datum.labels) { const labels = []; (function inner(m) { if (!m) return;
        if (m.role === 'axis-label') m.items.forEach(i => labels.push([i.y, i.text])); (m.items || []).forEach(inner);
      })(axis); out.push(labels.sort((a, b) => a[0] - b[0]).map(l => l[1])); } });
    (n.items || []).forEach(walk); })(document.getElementById(id).vegaView.scenegraph().root); return out; }"""


@pytest.mark.parametrize("name", ["wrong-pocket", "sharing-risk"])
def test_rows_keep_one_order_as_the_arrangement_changes(built_book, visit, name):
    page = open_explorer(visit, name).page
    order = list(explorers.ORGANISATION_LABELS.values())
    names = list(explorers.ARRANGEMENT_LABELS)
    for arr in names + names[-2::-1]:  # every arrangement, then back again
        set_input(page, name, "arrangement", arr)
        page.evaluate("id => document.getElementById(id).vegaView.runAsync().then(() => null)", f"explorer-{name}")
        axes = page.evaluate(ROWS_JS, f"explorer-{name}")
        assert axes and all(axes), f"no rows drawn for {arr}"
        for rows in axes:
            assert rows == sorted(rows, key=order.index), f"rows out of order for {arr}: {rows}"


# Each menu's choice as the reader sees it: the box that shows it (its text and whether it is cut
# off), whether the menu covers that box (so a tap opens it), and, for a menu left visible, whether
# its own text fits.
MENUS_JS = """root => [...document.querySelectorAll(root + ' .vega-bind select')].map(select => {
  const frame = select.closest('.vega-select'), shown = frame && frame.querySelector('.vega-select-shown');
  const chosen = select.options[select.selectedIndex].text;
  const column = select.closest('.carepool-chart').getBoundingClientRect();
  const own = document.createElement('canvas').getContext('2d');
  own.font = getComputedStyle(select).font;
  const result = {name: select.name, chosen, visible: getComputedStyle(select).opacity !== '0',
                  ownTextFits: own.measureText(chosen).width + 24 <= select.clientWidth};
  if (shown) {
    const s = shown.getBoundingClientRect(), m = select.getBoundingClientRect();
    Object.assign(result, {shown: shown.textContent, cut: shown.scrollWidth > shown.clientWidth + 0.5,
                           insideColumn: s.left >= column.left - 0.5 && s.right <= column.right + 0.5,
                           covered: Math.abs(s.left - m.left) < 1 && Math.abs(s.right - m.right) < 1
                                    && Math.abs(s.top - m.top) < 1 && Math.abs(s.bottom - m.bottom) < 1});
  }
  return result;
})"""


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("name", ["wrong-pocket", "sharing-risk", "who-holds-the-budget"])
def test_each_menu_shows_its_whole_choice(built_book, visit, name, width):
    page = open_explorer(visit, name, width=width).page
    root = f"#explorer-{name}"
    menus = page.evaluate(f"() => [...document.querySelectorAll('{root} .vega-bind select')].map(s => "
                          "[s.name, s.disabled, [...s.options].map(o => [o.value, o.text])])")
    assert menus, f"no menu in {name}"
    for param, disabled, options in menus:
        if not disabled:  # (a menu that does not apply keeps its choice, which must show whole too)
            value, _ = max(options, key=lambda o: len(o[1]))  # its longest choice
            set_input(page, name, param, value)
    for menu in page.evaluate(MENUS_JS, root):
        if menu["visible"]:
            assert menu["ownTextFits"], menu
        else:
            assert menu["shown"] == menu["chosen"] and not menu["cut"], menu
            assert menu["insideColumn"] and menu["covered"], menu
    if width == 390:
        page.locator(root).screenshot(path=str(ARTIFACTS / f"explorer_{name}_menus_390.png"))


def test_sharing_risk_disables_the_inputs_an_arrangement_does_not_use(built_book, visit):
    name = "sharing-risk"
    page = open_explorer(visit, name).page
    fraction = page.locator(f"#explorer-{name} [name='fraction']")
    weight = page.locator(f"#explorer-{name} [name='equal_weight']")
    set_input(page, name, "arrangement", "aco")
    assert fraction.is_disabled() and weight.is_disabled()
    reason = page.locator(f"#{fraction.get_attribute('aria-describedby')}")
    assert "pooled fund" in reason.inner_text() and reason.is_visible()
    set_input(page, name, "arrangement", "section75")
    assert fraction.is_enabled() and weight.is_disabled()
    set_input(page, name, "arrangement", "acs")
    assert weight.is_enabled() and fraction.is_disabled()


def test_the_how_to_use_text_comes_before_each_explorer(built_book, visit):
    for name in SERIES:
        page = open_explorer(visit, name).page
        before = page.evaluate(
            "id => { const el = document.getElementById(id); let p = el.previousElementSibling;"
            " while (p && p.tagName === 'SCRIPT') p = p.previousElementSibling; return p && p.textContent; }",
            f"explorer-{name}")
        assert before and before.startswith("How to use it:"), before


@pytest.mark.parametrize("width", [390, 1366])
def test_a_scenario_link_scrolls_its_explorer_into_view(built_book, visit, width):
    # Sharing risk is the second explorer of its chapter, far down the page.
    name = "sharing-risk"
    v = open_explorer(visit, name, "#sharing-risk.arrangement=section75&sharing-risk.fraction=0.8", width=width)
    page = v.page
    page.wait_for_function(
        "() => { const r = document.getElementById('explorer-sharing-risk').getBoundingClientRect();"
        " return r.top >= -1 && r.top < window.innerHeight / 2; }", timeout=10_000)
    assert page.evaluate("() => window.scrollY") > 1000
    assert signal(page, name, "fraction") == 0.8
    save_screenshot(page, f"scenario_scrolled_{width}")
    assert v.console_errors == [] and v.outside_requests == []


# The message's place on screen, once the page has scrolled to it.
IN_VIEW_JS = """el => { const r = el.getBoundingClientRect();
  return r.top >= 0 && r.bottom <= window.innerHeight && r.height > 0; }"""


@pytest.mark.parametrize("fragment, field, width", [
    ("#wrong-pocket.arrangement=nonsense", "Arrangement", 390),
    ("#wrong-pocket.amount=11", "Upstream investment", 1366),
    ("#wrong-pocket.amount=2.5", "Upstream investment", 390),
    ("#wrong-pocket.colour=red", "colour", 1366),
])
def test_a_bad_scenario_link_says_so_and_shows_the_defaults(built_book, visit, fragment, field, width):
    name = "wrong-pocket"
    v = open_explorer(visit, name, fragment, width=width)
    page = v.page
    message = page.locator(f"#explorer-{name}").locator("xpath=preceding-sibling::p[@class='scenario-error'][1]")
    message.wait_for()
    assert field in message.inner_text() and "starting values" in message.inner_text()
    # The reader sees why, not only the defaults: the message is on screen, in the menu's words.
    page.wait_for_function(f"el => ({IN_VIEW_JS})(el)", arg=message.element_handle(), timeout=10_000)
    if "arrangement" in fragment:
        assert "“PCT era: silos”" in message.inner_text() and "“silos”" not in message.inner_text()
    save_screenshot(page, f"scenario_refused_{width}_{fragment.split('.')[1].split('=')[0]}")
    # The defaults, and a chart that shows them: never a blank chart.
    invested = lever("simulation.upstream_investment").default
    assert signal(page, name, "arrangement") == "silos" and signal(page, name, "amount") == invested / 1e6
    silos = wrong_pocket(default_place(), investment_line=default("simulation.investment_line"), amount=invested,
                         arrangements=["silos"])
    shown = {r["datum"]["organisation"] for r in readout(page, name)}
    assert shown == {explorers.ORGANISATION_LABELS[o] for o in [*silos.organisation, "system"]}
    assert v.console_errors == [] and v.outside_requests == []


def test_a_scenario_link_edited_on_an_open_page_applies_and_copying_it_says_so(built_book, visit):
    """The fragment changed on an open page (no reload: a hashchange) applies at once; a menu's choice
    may be named in the words the menu shows; a bad one is refused on screen and a good one clears it."""
    name = "wrong-pocket"
    v = open_explorer(visit, name, width=390)
    page = v.page
    page.evaluate("() => { location.hash = '#wrong-pocket.arrangement=Pooled fund (Section 75)&wrong-pocket.amount=3'; }")
    page.wait_for_function("() => document.getElementById('explorer-wrong-pocket').vegaView.signal('amount') === 3")
    assert signal(page, name, "arrangement") == "section75"
    assert page.locator(f"#explorer-{name} [name='arrangement']").input_value() == "section75"
    page.wait_for_function("() => Math.abs(document.getElementById('explorer-wrong-pocket')"
                           ".getBoundingClientRect().top) < window.innerHeight / 2")
    page.evaluate("() => { location.hash = '#wrong-pocket.arrangement=pooled'; }")
    message = page.locator(".scenario-error")
    message.wait_for()
    page.wait_for_function(f"el => ({IN_VIEW_JS})(el)", arg=message.element_handle(), timeout=10_000)
    assert signal(page, name, "arrangement") == "silos" and signal(page, name, "amount") == 1
    page.evaluate("() => { location.hash = '#wrong-pocket.arrangement=aco'; }")
    page.wait_for_function("() => document.getElementById('explorer-wrong-pocket').vegaView.signal('arrangement') === 'aco'")
    assert page.locator(".scenario-error").count() == 0
    # "Copy link" copies the scenario's link and says so.
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.locator(f"#explorer-{name} + .scenario-link button").click()
    status = page.locator(f"#explorer-{name} + .scenario-link [role=status]")
    page.wait_for_function("el => el.textContent.trim() !== ''", arg=status.element_handle())
    assert "copied" in status.inner_text().lower()
    assert "wrong-pocket.arrangement=aco" in page.evaluate("navigator.clipboard.readText()")
    assert v.console_errors == [] and v.outside_requests == []
