"""The timeline: dated, cited events from 1989 to 2027, and its chart."""

import pandas as pd
import pytest

from . import course_text as text
from coursebook.timeline import (
    FIRST_YEAR,
    LAST_YEAR,
    TimelineError,
    cited_keys,
    events_from_records,
    load_events,
    timeline_chart,
)


@pytest.fixture(scope="module")
def events():
    return load_events()


def good_event(**changes):
    event = {
        "date": "2013-04-01",
        "title": "Public health moves to councils",
        "description": "With a ring-fenced grant.",
        "theme": "public health",
        "cite": "hsca-2012",
    }
    event.update(changes)
    return event


def test_every_event_has_a_date_and_a_citation_in_the_bibliography(events):
    assert events["date"].notna().all()
    assert set(events["cite"]) <= set(text.bibliography_keys())


def test_the_events_run_from_1989_to_2027_in_date_order(events):
    assert events["year"].min() == FIRST_YEAR == 1989
    assert events["year"].max() == LAST_YEAR == 2027
    assert events["date"].is_monotonic_increasing


def test_dates_keep_the_precision_their_source_gives(events):
    by_text = dict(zip(events["date_text"], events["precision"]))
    assert by_text["1989-01"] == "month"
    assert by_text["2022-07-01"] == "day"
    assert by_text["2012"] == "year"
    first_trusts = events.loc[events["date_text"] == "1991-04-01", "date"].item()
    assert first_trusts == pd.Timestamp("1991-04-01")


def test_the_timeline_page_cites_every_source_of_the_timeline(events):
    page_keys = set(text.cite_keys(text.read(text.TIMELINE_PAGE)))
    assert cited_keys(events) <= page_keys


def test_an_event_without_a_citation_is_rejected_naming_the_field():
    with pytest.raises(TimelineError, match="'cite'"):
        events_from_records([good_event(cite="")])
    event = good_event()
    del event["date"]
    with pytest.raises(TimelineError, match="'date'"):
        events_from_records([event])


def test_a_date_outside_the_course_period_is_rejected_naming_the_range():
    with pytest.raises(TimelineError, match="1989 to 2027"):
        events_from_records([good_event(date="1948-07-05")])


def test_a_date_that_is_not_a_real_date_is_rejected():
    with pytest.raises(TimelineError, match="not a real date"):
        events_from_records([good_event(date="2013-02-30")])
    with pytest.raises(TimelineError, match="YYYY"):
        events_from_records([good_event(date="April 2013")])


def test_the_chart_shows_every_event_with_its_source_and_filters_by_theme(events):
    spec = timeline_chart(events).to_dict()
    [rows] = spec["datasets"].values()
    assert len(rows) == len(events)
    assert {row["cite"] for row in rows} == cited_keys(events)
    tooltip_fields = {t["field"] for t in spec["encoding"]["tooltip"]}
    assert {"title", "date_text", "description", "cite"} <= tooltip_fields
    legend_pick = next(p for p in spec["params"] if p["name"] == "theme_pick")
    assert legend_pick["bind"] == "legend"
    assert legend_pick["select"]["fields"] == ["theme"]
