"""What a student's kernel produced is made harmless before formgrader or feedback shows it
(the browser tests, with a whole attacking submission, are in test_formgrader.py)."""

from __future__ import annotations

from html.parser import HTMLParser

import nbformat
import pytest
from coursegrading import safe_html, sandbox

ATTACKS = [
    "<script>window.pwned = 1</script>",
    '<img src="x" onerror="window.pwned = 2">',
    '<iframe src="javascript:parent.pwned = 3"></iframe>',
    '<a href="javascript:window.pwned = 4">a link</a>',
    '<a href="JaVaScRiPt&#58;window.pwned = 5">a link</a>',
    '<svg><script>window.pwned = 6</script></svg>',
    '<object data="data:text/html,<script>parent.pwned = 7</script>"></object>',
    '<a href="data:text/html,<script>alert(8)</script>">data</a>',
    '<div style="background: url(javascript:alert(9))">styled</div>',
    '<form action="/api/kernels" method="post"><button>go</button></form>',
]


class _Markup(HTMLParser):
    """The elements and attributes a browser would build from some HTML (escaped text is only text)."""

    def __init__(self):
        super().__init__()
        self.elements = []

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))


@pytest.mark.parametrize("attack", ATTACKS)
def test_sanitised_html_keeps_no_way_to_run_script(attack):
    markup = _Markup()
    markup.feed(safe_html.clean(attack))
    for tag, attributes in markup.elements:
        assert tag in {"a", "div", "img"}, (attack, tag)  # all else (script, iframe, svg, object, form) shown as text
        assert not any(name.startswith("on") or name == "style" for name in attributes), (attack, attributes)
        for name in ("href", "src", "action", "data"):
            assert not (attributes.get(name) or "").strip().lower().startswith(("javascript:", "data:")), attack
    assert "pwned" not in "".join(str(a) for _, a in markup.elements)


def test_ordinary_answers_keep_their_markup():
    html = ('<h2>Why</h2><p>A <em>block</em> contract pays <strong>£1m</strong>; see <a href="https://example.org/x">'
            'this</a>.</p><table><thead><tr><th>a</th></tr></thead><tbody><tr><td>1</td></tr></tbody></table>'
            '<img src="https://example.org/chart.png" alt="chart">')
    assert safe_html.clean(html) == html


def _notebook(*outputs) -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook()
    nb.cells.append(nbformat.v4.new_code_cell("chart", outputs=list(outputs)))
    return nb


SPEC = {"$schema": "https://vega.github.io/schema/vega-lite/v5.json", "data": {"values": [{"x": 1, "y": 2},
        {"x": 2, "y": 3}]}, "mark": "line", "encoding": {"x": {"field": "x", "type": "quantitative"},
        "y": {"field": "y", "type": "quantitative"}}}


def test_a_chart_drawn_by_scripts_becomes_an_svg_picture_drawn_in_the_sandbox():
    sandbox.check_available()
    html = ('<div id="vis"></div><script>(function(spec, embedOpt){ vegaEmbed("#vis", spec, embedOpt); })('
            f'{__import__("json").dumps(SPEC)}, {{"mode": "vega-lite"}});</script>')
    nb = _notebook(nbformat.v4.new_output("display_data", {"text/html": html}),
                   nbformat.v4.new_output("display_data", {"application/vnd.vegalite.v5+json": SPEC}),
                   nbformat.v4.new_output("display_data", {"application/javascript": "window.pwned = 1"}))
    assert safe_html.make_safe(nb) == 2
    first, second, third = nb.cells[0].outputs
    assert set(first.data) == set(second.data) == {"image/svg+xml"}
    assert first.data["image/svg+xml"].lstrip().startswith("<svg") and "mark-line" in first.data["image/svg+xml"]
    assert "application/javascript" not in third.data


def test_a_chart_that_asks_for_data_from_the_network_gets_none():
    spec = dict(SPEC, data={"url": "http://127.0.0.1:9/steal.json"})
    nb = _notebook(nbformat.v4.new_output("display_data", {"application/vnd.vegalite.v5+json": spec}))
    safe_html.make_safe(nb)
    assert "could not be drawn" in nb.cells[0].outputs[0].data["text/plain"]


def test_the_policy_lets_run_only_the_pages_own_scripts():
    for served in (True, False):
        policy = safe_html.policy("n0nce", served)
        assert "script-src 'nonce-n0nce'" in policy and "unsafe-inline'" not in policy.split("script-src")[1].split(";")[0]
        assert "frame-src 'none'" in policy and "object-src 'none'" in policy
    assert "connect-src 'none'" in safe_html.policy("n", served=False)


def test_a_kernel_without_a_working_folder_is_refused_not_started_in_the_graders_own():
    manager = sandbox.SandboxedKernelManager()
    manager._launch_args = {}
    with pytest.raises(ValueError, match="working folder"):
        manager.format_kernel_cmd()


@pytest.mark.parametrize("setting, value", [("memory_limit", "lots"), ("disk_limit", "0"), ("output_limit", "-1M"),
                                            ("process_limit", 3), ("cpu_time_limit", 0)])
def test_a_bad_limit_is_an_error_naming_the_setting_and_what_is_allowed(setting, value):
    manager = sandbox.SandboxedKernelManager(**{setting: value})
    with pytest.raises(ValueError, match=f"SandboxedKernelManager.{setting}: a (size|whole number)"):
        manager.limits
