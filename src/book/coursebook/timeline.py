"""The course timeline, 1989-2027: dated, cited events and an interactive chart.

Events live in ``data/timeline.yaml`` (data, not code). Each has a date as
precise as its source allows ("YYYY", "YYYY-MM" or "YYYY-MM-DD"), a title, a
description, a theme and ``cite``, a key in the book's ``references.bib``.
"""

from __future__ import annotations

import re
from importlib import resources
from pathlib import Path

import altair as alt
import pandas as pd
import yaml

FIRST_YEAR = 1989
LAST_YEAR = 2027
REQUIRED_FIELDS = ("date", "title", "description", "theme", "cite")

_DATE_PATTERN = re.compile(r"^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?$")
_PRECISIONS = {1: "year", 2: "month", 3: "day"}


class TimelineError(ValueError):
    """A timeline event is missing a field or has a value out of range."""


def default_path() -> Path:
    """The packaged timeline data file."""
    return Path(str(resources.files("coursebook") / "data" / "timeline.yaml"))


def parse_date(text: str, where: str = "date") -> tuple[pd.Timestamp, str]:
    """Read a "YYYY", "YYYY-MM" or "YYYY-MM-DD" date; return (start, precision).

    The start is the first day of the period the source gives, so a year-only
    date is plotted at 1 January; the precision says how far to trust it.
    """
    if not isinstance(text, str):
        raise TimelineError(
            f"{where}: must be text 'YYYY', 'YYYY-MM' or 'YYYY-MM-DD' "
            f"(quote it in YAML), got {text!r}"
        )
    match = _DATE_PATTERN.match(text.strip())
    if match is None:
        raise TimelineError(
            f"{where}: {text!r} is not 'YYYY', 'YYYY-MM' or 'YYYY-MM-DD'"
        )
    parts = [p for p in match.groups() if p is not None]
    year = int(parts[0])
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise TimelineError(
            f"{where}: year {year} is outside the timeline's range "
            f"{FIRST_YEAR} to {LAST_YEAR}"
        )
    month = int(parts[1]) if len(parts) > 1 else 1
    day = int(parts[2]) if len(parts) > 2 else 1
    try:
        start = pd.Timestamp(year=year, month=month, day=day)
    except ValueError as error:
        raise TimelineError(f"{where}: {text!r} is not a real date ({error})") from None
    return start, _PRECISIONS[len(parts)]


def validate_event(event: dict, number: int) -> dict:
    """Check one raw event and return it as a flat record for the frame."""
    where = f"event {number}"
    if not isinstance(event, dict):
        raise TimelineError(f"{where}: must be a mapping of fields, got {event!r}")
    for field in REQUIRED_FIELDS:
        value = event.get(field)
        if not isinstance(value, str) or not value.strip():
            raise TimelineError(
                f"{where} ({event.get('title', 'untitled')}): field '{field}' "
                f"is required and must be non-empty text"
            )
    unknown = set(event) - set(REQUIRED_FIELDS)
    if unknown:
        raise TimelineError(
            f"{where}: unknown field(s) {sorted(unknown)}; allowed: {list(REQUIRED_FIELDS)}"
        )
    start, precision = parse_date(event["date"], where=f"{where} field 'date'")
    return {
        "date": start,
        "date_text": event["date"],
        "precision": precision,
        "year": start.year,
        "title": event["title"].strip(),
        "description": event["description"].strip(),
        "theme": event["theme"].strip(),
        "cite": event["cite"].strip(),
    }


def events_from_records(records: list[dict]) -> pd.DataFrame:
    """Validate raw event records and return them as a frame sorted by date."""
    if not records:
        raise TimelineError("events: the timeline needs at least one event")
    rows = [validate_event(event, number) for number, event in enumerate(records, 1)]
    frame = pd.DataFrame(rows)
    return frame.sort_values(["date", "title"], kind="stable").reset_index(drop=True)


def load_events(path: str | Path | None = None) -> pd.DataFrame:
    """Load the timeline's events as a DataFrame, one row per event.

    Columns: date (first day of the stated period), date_text (as the source
    gives it), precision ('year', 'month' or 'day'), year, title, description,
    theme, cite (bibliography key).
    """
    path = Path(path) if path is not None else default_path()
    with open(path, encoding="utf-8") as handle:
        data = yaml.safe_load(handle)
    if not isinstance(data, dict) or "events" not in data:
        raise TimelineError(f"{path}: expected a mapping with a list under 'events'")
    return events_from_records(data["events"])


def cited_keys(events: pd.DataFrame) -> set[str]:
    """The bibliography keys the timeline relies on."""
    return set(events["cite"])


def timeline_chart(events: pd.DataFrame | None = None) -> alt.Chart:
    """A timeline: one row per theme, a point per event, as wide as its column.

    Hover over a point, or tap it on a phone, for the event, its date as the
    source gives it and its source; a tapped point stays ringed. Click a theme
    in the legend to pick out its events. The years run half a year beyond
    the first and last events, so no point is cut off at either end. Every
    event is also listed in full by `timeline_table`, for reading without the chart.
    """
    events = load_events() if events is None else events
    data = events.assign(
        date=events["date"].dt.strftime("%Y-%m-%d"),
    )[["date", "date_text", "precision", "title", "description", "theme", "cite"]]
    themes = list(dict.fromkeys(events.sort_values("date")["theme"]))
    years = [f"{events['date'].min().year - 1}-07-01", f"{events['date'].max().year}-12-31"]

    pick_theme = alt.selection_point(fields=["theme"], bind="legend", name="theme_pick")
    # A click or a tap rings the point (a phone has no hover).
    pick_event = alt.selection_point(fields=["title"], on="click", name="event_pick", empty=False)

    return (
        alt.Chart(data, title=alt.TitleParams(["Who holds the budget?", f"Events {FIRST_YEAR}-{LAST_YEAR}"], anchor="start"))
        .mark_circle(size=170, stroke="black")
        .encode(
            x=alt.X("date:T", title="Year", scale=alt.Scale(domain=years),
                    axis=alt.Axis(format="%Y", tickCount=12, labelOverlap=True)),
            y=alt.Y("theme:N", title=None, sort=themes, axis=alt.Axis(labelLimit=150)),
            color=alt.Color(
                "theme:N",
                title="Theme (click to pick)",
                sort=themes,
                legend=alt.Legend(orient="bottom", columns=1, labelLimit=300),
            ),
            opacity=alt.condition(pick_theme, alt.value(0.95), alt.value(0.12)),
            strokeWidth=alt.condition(pick_event, alt.value(2.5), alt.value(0)),
            tooltip=[
                alt.Tooltip("title:N", title="Event"),
                alt.Tooltip("date_text:N", title="Date"),
                alt.Tooltip("description:N", title="What happened"),
                alt.Tooltip("cite:N", title="Source (bibliography key)"),
            ],
        )
        .add_params(pick_theme, pick_event)
        # A designed width the book narrows to fit the column beside vega-embed's actions button
        # (sphinx/static/charts.js); at the container's width the chart ran under the button.
        .properties(width=560, height=320)
    )


def timeline_table(events: pd.DataFrame | None = None) -> pd.DataFrame:
    """Every event in date order, as a table a reader can scan without the chart."""
    events = load_events() if events is None else events
    return events.rename(columns={"date_text": "Date", "title": "Event", "description": "What happened",
                                  "theme": "Theme"})[["Date", "Event", "What happened", "Theme"]]
