"""Charts in the book are compiled from Vega-Lite to Vega when it is built, so pages load no Vega-Lite."""

from __future__ import annotations

import json
import re

import altair as alt
import pandas as pd

from coursebook.offline_charts import VEGA_LITE_VERSION, chart_html, to_vega
from tests.support import ROOT, site_pages


def _embedded_spec(html: str) -> dict:
    return json.loads(re.search(r'vegaEmbed\("#[^"]+", (\{.*\}), \{"actions"', html).group(1).replace("<\\/", "</"))


def _chart() -> alt.Chart:
    rate = alt.param(name="rate", value=0.3, bind=alt.binding_range(min=0, max=1, step=0.1, name="Rate "))
    data = pd.DataFrame({"x": [1, 2, 3], "y": [2.0, 4.0, 6.0]})
    return alt.Chart(data).mark_line().encode(x="x:Q", y="y:Q").add_params(rate).properties(
        title="Income", usermeta={"explorer": "demo"})


def test_a_chart_is_embedded_as_vega_keeping_its_bound_inputs_and_data():
    html = chart_html(_chart().to_dict())
    spec = _embedded_spec(html)
    assert spec["$schema"].endswith("/schema/vega/v6.json")
    # The bound parameter is a Vega signal with the same input; the rows are all there.
    [rate] = [s for s in spec["signals"] if s["name"] == "rate"]
    assert rate["value"] == 0.3 and rate["bind"] == {"input": "range", "min": 0, "max": 1, "step": 0.1, "name": "Rate "}
    values = [d["values"] for d in spec["data"] if "values" in d]
    assert [{k: row[k] for k in ("x", "y")} for row in values[0]] == [{"x": 1, "y": 2.0}, {"x": 2, "y": 4.0},
                                                                      {"x": 3, "y": 6.0}]
    # What charts.js reads comes from the Vega-Lite spec, as before.
    assert 'id="explorer-demo"' in html and "Rate" in html


def test_the_compiler_is_the_vega_lite_the_lock_file_pins():
    lock = json.loads((ROOT / "package-lock.json").read_text())
    pinned = lock["packages"]["node_modules/vega-lite"]["version"]
    assert pinned.startswith(VEGA_LITE_VERSION + ".")


def test_a_vega_spec_is_left_as_it_is():
    vega = to_vega(_chart().to_dict())
    assert to_vega(vega) is vega


def test_no_page_of_the_book_loads_vega_lite(built_book):
    with_charts = [p for p in site_pages() if "vegaEmbed(" in (built_book / p).read_text(encoding="utf-8")]
    assert len(with_charts) >= 4
    assert [p for p in with_charts if "vega-lite" in (built_book / p).read_text(encoding="utf-8")] == []
    for path in with_charts:
        html = (built_book / path).read_text(encoding="utf-8")
        for match in re.finditer(r'"\$schema":"([^"]+)"', html):
            assert "/schema/vega/" in match.group(1), (path, match.group(1))
