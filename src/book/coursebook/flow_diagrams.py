"""Money-flow diagrams: who pays whom under an arrangement, drawn as an SVG.

The picture is drawn from `carepool.flows.money_flows`, which reads the model's
own ledger, so picture and model cannot disagree: each arrow carries its flow
in data attributes (``data-payer``, ``data-payee``, ``data-kind``,
``data-amount``) and each box its organisation's result, which the tests read
back. No arithmetic of the model happens here, only layout.

The layout is fixed and needs no graph-drawing program: funding enters from a
bar at the top; organisations stand in rows by how many steps the money takes
to reach them; a risk and gain share is a bar at the bottom, reached from
upper rows by lanes at the sides. The SVG scales with its viewBox and is drawn
narrow enough to stay readable on a 360 px screen. Every diagram has a
``<title>``, a ``<desc>`` and, beside it in the page, the same flows in words.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

from carepool.flows import OUTSIDE, SHARE, Flow, MoneyFlows
from coursebook.explorers import ARRANGEMENT_LABELS

WIDTH = 460
LANE_MARGIN = 64  # room at each side for a lane and its label
BAR_HEIGHT = 36
NODE_HEIGHT = 78
ROW_GAP = 104
TOP_GAP = 64
NAME_SIZE, DETAIL_SIZE, LABEL_SIZE = 15, 13.5, 14
NARROW_BOX = 120  # boxes narrower than this (four to a row) use smaller type


def type_sizes(box_width: float) -> tuple[float, float]:
    """The name's and the details' font sizes in a box this wide."""
    return (NAME_SIZE, DETAIL_SIZE) if box_width >= NARROW_BOX else (NAME_SIZE - 1.5, DETAIL_SIZE - 1)

# How the text names each party: in a sentence (with its article) and in a box.
NAMES = {
    OUTSIDE: "outside the place (an NHS allocation, a council budget)",
    SHARE: "the risk and gain share",
    "nhs_commissioner": "the NHS commissioner",
    "acute_trust": "the acute trust",
    "community_provider": "the community provider",
    "gp_practices": "GP practices",
    "local_authority": "the local authority",
    "pooled_fund": "the pooled fund",
    "aco": "the ACO",
    "icb": "the integrated care board",
    "iho": "the integrated health organisation",
    "first_contact_pot": "the first-contact pot",
    "continuing_care_pot": "the continuing-care pot",
    "planned_specialist_pot": "the planned and specialist pot",
    "public_health_pot": "the public-health pot",
}
BAR_TEXT = {OUTSIDE: "Funding from outside the place", SHARE: "Risk and gain share"}
ACRONYMS = {"nhs", "aco", "acs", "icb", "iho", "icp", "gp", "gps", "pct", "ccg"}
INK = {"funding": "#1f4e79", "payment": "#333333", "share": "#6a3d9a"}
KEEPS = {  # what an organisation is left with: border, border width, dash, text colour
    "surplus": ("#1a7f37", 3.5, "", "#14612a"),
    "deficit": ("#b42318", 3.5, "7 4", "#9a1d14"),
    "nothing": ("#6b6b6b", 1.5, "", "#444444"),
}


def name(party: str) -> str:
    """The party as a sentence names it ("the acute trust")."""
    if party in NAMES:
        return NAMES[party]
    words = [w.upper() if w in ACRONYMS else w for w in party.split("_")]
    return "the " + " ".join(words)


PLURAL = {"gp_practices"}  # a verb after these takes the plural


def subject(party: str, singular: str, plural: str) -> str:
    """The party at the start of a sentence, with its verb: "The acute trust pays"."""
    text = name(party)
    return f"{text[0].upper()}{text[1:]} {plural if party in PLURAL else singular}"


def box_name(party: str) -> str:
    """The party as its box names it ("Acute trust")."""
    text = name(party).removeprefix("the ")
    return text[0].upper() + text[1:]


def money(amount: float) -> str:
    """Pounds as the diagram writes them: £183.4m, or £45k under £0.1m."""
    if abs(amount) >= 1e5:
        return f"£{abs(amount) / 1e6:,.1f}m"
    return f"£{abs(amount) / 1e3:,.0f}k"


# --- in words ---------------------------------------------------------------

def flow_sentence(e: Flow) -> str:
    if e.payer == OUTSIDE:
        return f"{subject(e.payee, 'is', 'are')} funded {money(e.amount)} from outside the place."
    if e.payee == SHARE:
        return f"{subject(e.payer, 'pays', 'pay')} {money(e.amount)} into the risk and gain share."
    return f"{subject(e.payer, 'pays', 'pay')} {name(e.payee)} {money(e.amount)}."


def position_sentence(p) -> str:
    o = p.organisation
    spends = (f"{subject(o, 'spends', 'spend')} {money(p.care_cost)} on care" if p.care_cost > 0.005
              else f"{subject(o, 'delivers', 'deliver')} no care itself")
    left = {"surplus": f"{'keep' if o in PLURAL else 'keeps'} a surplus of {money(p.surplus)}",
            "deficit": f"{'bear' if o in PLURAL else 'bears'} a deficit of {money(p.surplus)}",
            "nothing": "break even" if o in PLURAL else "breaks even"}[p.keeps]
    return f"{spends} and {left}."


def text_alternative(flows: MoneyFlows) -> list[str]:
    """The diagram in sentences: the arrangement's rules, each flow, and who is left with what."""
    return [
        f"{flows.title}, in one year of expected demand. Who holds the budget: {flows.budget_holder}. "
        f"How providers are paid: {flows.providers_paid}. Who keeps a surplus or bears a deficit: "
        f"{flows.surplus_kept_by}.",
        *(flow_sentence(e) for e in flows.edges),
        *(position_sentence(p) for p in flows.positions),
    ]


# --- layout -----------------------------------------------------------------

@dataclass(frozen=True)
class Box:
    party: str
    x: float
    y: float
    w: float
    h: float

    @property
    def cx(self) -> float:
        return self.x + self.w / 2

    @property
    def bottom(self) -> float:
        return self.y + self.h


def rows(flows: MoneyFlows) -> list[list[str]]:
    """Organisations in rows by the fewest payments money takes to reach them from outside.

    Within a row, each stands under the average place of those who pay it
    (ties keep the ledger's order), which keeps arrows short and uncrossed.
    """
    organisations = [p.organisation for p in flows.positions]
    paid_by: dict[str, list[str]] = {o: [] for o in organisations}
    for e in flows.edges:
        if e.payee in paid_by and e.payer != SHARE:
            paid_by[e.payee].append(e.payer)
    depth = {OUTSIDE: 0}
    frontier = [OUTSIDE]
    while frontier:
        following = []
        for e in flows.edges:
            if e.payer in frontier and e.payee in paid_by and e.payee not in depth:
                depth[e.payee] = depth[e.payer] + 1
                following.append(e.payee)
        frontier = following
    deepest = max(depth.values())
    for o in organisations:  # reached by no flow (none in today's arrangements): a row of their own
        depth.setdefault(o, deepest + 1)
    layered = [[o for o in organisations if depth[o] == d] for d in range(1, max(depth.values()) + 1)]
    layered = [row for row in layered if row]
    place: dict[str, float] = {OUTSIDE: 0.5}
    for row in layered:
        def under(o: str) -> float:
            known = [place[p] for p in paid_by[o] if p in place]
            return sum(known) / len(known) if known else 0.5
        row.sort(key=lambda o: (under(o), organisations.index(o)))
        for i, o in enumerate(row):
            place[o] = (i + 0.5) / len(row)
    return layered


def layout(flows: MoneyFlows) -> tuple[dict[str, Box], float, float]:
    """Each party's box, the margins (left, right) and the height of the drawing."""
    layered = rows(flows)
    row_of = {o: i for i, row in enumerate(layered) for o in row}
    has_share = SHARE in flows.parties
    long_edges = [e for e in flows.edges if _is_long(e, row_of, len(layered))]
    # A lane runs down the side nearer the organisation it serves; only a side with a lane needs room.
    sides = {_lane_side(e, layered) for e in long_edges}
    margin = (LANE_MARGIN if "left" in sides else 10, LANE_MARGIN if "right" in sides else 10)
    inner = WIDTH - sum(margin)
    boxes = {OUTSIDE: Box(OUTSIDE, margin[0], 8, inner, BAR_HEIGHT)}
    y = 8 + BAR_HEIGHT + TOP_GAP
    positions = {p.organisation: p for p in flows.positions}
    for row in layered:
        slot = inner / len(row)
        w = min(slot - 12, 170)
        name_size, detail_size = type_sizes(w)
        h = max([NODE_HEIGHT] + [_text_height(len(_wrap(box_name(o), w - 8, name_size)),
                                              len(_details(positions[o])), w) + 16 for o in row])
        for i, o in enumerate(row):
            boxes[o] = Box(o, margin[0] + slot * i + (slot - w) / 2, y, w, h)
        y += h + ROW_GAP
    if has_share:
        y -= ROW_GAP / 3
        boxes[SHARE] = Box(SHARE, 8, y, WIDTH - 16, BAR_HEIGHT)
        y += BAR_HEIGHT
    else:
        y -= ROW_GAP
    return boxes, margin, y + 10


def _lane_side(e: Flow, layered: list[list[str]]) -> str:
    """The side whose lane carries a long arrow: that of the organisation at its upper end."""
    org = e.payee if e.payer in (OUTSIDE, SHARE) else e.payer
    row = next(r for r in layered if org in r)
    return "left" if (row.index(org) + 0.5) / len(row) < 0.5 else "right"


def _is_long(e: Flow, row_of: dict[str, int], n_rows: int) -> bool:
    """An arrow that cannot be drawn straight without crossing a row of boxes."""
    if e.payer == OUTSIDE:
        return row_of.get(e.payee, 0) != 0
    if SHARE in (e.payer, e.payee):
        other = e.payee if e.payer == SHARE else e.payer
        return row_of[other] != n_rows - 1
    return abs(row_of[e.payer] - row_of[e.payee]) != 1


# --- drawing ----------------------------------------------------------------

def _wrap(text: str, width: float, size: float) -> list[str]:
    """Lines of at most about ``width`` pixels; a long hyphenated word may break after its hyphen."""
    most = max(6, int(width / (size * 0.66)))  # bold type, wide fonts
    words = []
    for word in text.split():
        while len(word) > most and "-" in word[:-1]:
            cut = (word[:most].rindex("-") if "-" in word[:most] else word.index("-")) + 1
            words.append(word[:cut])
            word = word[cut:]
        words.append(word)
    lines, line = [], ""
    for word in words:
        joined = line + word if line.endswith("-") else f"{line} {word}".strip()
        if line and len(joined) > most:
            lines.append(line)
            line = word
        else:
            line = joined
    return lines + [line]


def _details(p) -> list[str]:
    """What a box says under the name: its cost of care (if it delivers any) and what it is left with."""
    left = {"surplus": f"keeps {money(p.surplus)}", "deficit": f"deficit {money(p.surplus)}",
            "nothing": "breaks even"}[p.keeps]
    return ([f"care {money(p.care_cost)}"] if p.care_cost > 0.005 else []) + [left]


def _text_height(lines: int, details: int, box_width: float) -> float:
    name_size, detail_size = type_sizes(box_width)
    return lines * (name_size + 2) + details * (detail_size + 3)


def _label(x: float, y: float, text: str, colour: str) -> str:
    w = len(text) * LABEL_SIZE * 0.64 + 8
    return (f'<rect x="{x - w / 2:.1f}" y="{y - 10:.1f}" width="{w:.1f}" height="20" rx="3" fill="#ffffff" '
            f'stroke="{colour}" stroke-width="0.8"/>'
            f'<text x="{x:.1f}" y="{y + 4.5:.1f}" text-anchor="middle" font-size="{LABEL_SIZE}" '
            f'font-weight="600" fill="{colour}">{escape(text)}</text>')


def _route(e: Flow, boxes: dict[str, Box], layered: list[list[str]], margin: tuple[float, float],
           both_ways: bool, lanes: dict[str, int]) -> tuple[str, tuple[float, float, float, float]]:
    """The arrow's path, and the stretch of it (x1, y1, x2, y2) its label may sit on."""
    a, b = boxes[e.payer], boxes[e.payee]
    row_of = {o: i for i, row in enumerate(layered) for o in row}
    if e.payer == OUTSIDE:
        return f"M{b.cx:.1f},{a.bottom:.1f} V{b.y - 2:.1f}", (b.cx, a.bottom, b.cx, b.y)
    if _is_long(e, row_of, len(layered)):
        node = a if e.payer != SHARE else b
        side = _lane_side(e, layered)
        left = side == "left"
        k = lanes[side]
        lanes[side] += 1
        lane = (margin[0] / 2 - 10 * k) if left else (WIDTH - margin[1] / 2 + 10 * k)
        edge_x = node.x if left else node.x + node.w
        y_node = node.y + node.h / 2 + (12 if e.payee == SHARE else -12)
        bar = boxes[SHARE] if SHARE in boxes else b
        if e.payee == SHARE:
            path = f"M{edge_x:.1f},{y_node:.1f} H{lane:.1f} V{bar.y - 2:.1f}"
        else:
            path = f"M{lane:.1f},{bar.y:.1f} V{y_node:.1f} H{edge_x + (-2 if left else 2):.1f}"
        return path, (lane, y_node + 14, lane, bar.y - 14)
    if e.payee == SHARE:
        return f"M{a.cx:.1f},{a.bottom:.1f} V{b.y - 2:.1f}", (a.cx, a.bottom, a.cx, b.y)
    if e.payer == SHARE:
        return f"M{b.cx:.1f},{a.y:.1f} V{b.bottom + 2:.1f}", (b.cx, a.y, b.cx, b.bottom)
    down = row_of[e.payee] > row_of[e.payer]
    x1, y1 = a.cx, (a.bottom if down else a.y)
    x2, y2 = b.cx, (b.y - 2 if down else b.bottom + 2)
    if both_ways:
        # Money flows both ways between the two boxes: each arrow keeps to its own side.
        length = ((x2 - x1) ** 2 + (y2 - y1) ** 2) ** 0.5
        nx, ny = -(y2 - y1) / length * 6, (x2 - x1) / length * 6
        x1, y1, x2, y2 = x1 + nx, y1 + ny, x2 + nx, y2 + ny
    return f"M{x1:.1f},{y1:.1f} L{x2:.1f},{y2:.1f}", (x1, y1, x2, y2)


LABEL_SPOTS = (0.62, 0.45, 0.78, 0.32, 0.88, 0.2)


def _label_box(x: float, y: float, text: str) -> tuple[float, float, float, float]:
    w = len(text) * LABEL_SIZE * 0.64 + 8
    return (x - w / 2, y - 10, x + w / 2, y + 10)


def _overlaps(r, others) -> bool:
    return any(r[0] < o[2] + 2 and o[0] < r[2] + 2 and r[1] < o[3] + 2 and o[1] < r[3] + 2 for o in others)


def _place_label(stretch, text: str, taken: list) -> tuple[float, float]:
    """The first spot along the stretch where the label covers no other label or box."""
    x1, y1, x2, y2 = stretch
    spots = [(x1 + (x2 - x1) * t, y1 + (y2 - y1) * t) for t in LABEL_SPOTS]
    for x, y in spots:
        if not _overlaps(_label_box(x, y, text), taken):
            break
    else:
        x, y = spots[0]
    taken.append(_label_box(x, y, text))
    return x, y


def svg(flows: MoneyFlows, uid: str = "") -> str:
    """The diagram as a standalone, accessible SVG element."""
    uid = uid or flows.arrangement
    boxes, margin, height = layout(flows)
    layered = rows(flows)
    pairs = {(e.payer, e.payee) for e in flows.edges}
    lanes = {"left": 0, "right": 0}
    title_id, desc_id = f"mf-{uid}-title", f"mf-{uid}-desc"
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="money-flow-diagram" viewBox="0 0 {WIDTH} {height:.0f}" '
        f'width="100%" role="img" aria-labelledby="{title_id} {desc_id}" '
        f'data-arrangement="{escape(flows.arrangement)}" '
        f'font-family="system-ui, -apple-system, \'Segoe UI\', Roboto, Arial, sans-serif" '
        f'style="max-width: 560px; height: auto; display: block; margin: 0 auto; background: #ffffff">',
        f'<title id="{title_id}">{escape(flows.title)}: who pays whom in a year</title>',
        f'<desc id="{desc_id}">{escape(" ".join(text_alternative(flows)))}</desc>',
        "<defs>",
    ]
    for kind, colour in INK.items():
        out.append(f'<marker id="mf-{uid}-{kind}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" '
                   f'markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" '
                   f'fill="{colour}"/></marker>')
    out.append("</defs>")
    out.append(f'<rect width="{WIDTH}" height="{height:.0f}" fill="#ffffff"/>')

    labels = []
    taken = [(b.x, b.y, b.x + b.w, b.bottom) for b in boxes.values()]
    out.append('<g class="money-flow-edges">')
    for e in flows.edges:
        path, stretch = _route(e, boxes, layered, margin, (e.payee, e.payer) in pairs, lanes)
        lx, ly = _place_label(stretch, money(e.amount), taken)
        colour = INK.get(e.kind, INK["payment"])
        out.append(
            f'<g class="money-flow-edge" data-payer="{escape(e.payer)}" data-payee="{escape(e.payee)}" '
            f'data-kind="{escape(e.kind)}" data-amount="{e.amount!r}">'
            f'<path d="{path}" fill="none" stroke="{colour}" stroke-width="2" '
            f'marker-end="url(#mf-{uid}-{e.kind})"/></g>')
        labels.append(_label(lx, ly, money(e.amount), colour))
    out.append("</g>")

    out.append('<g class="money-flow-parties">')
    for party in (OUTSIDE, SHARE):
        if party in boxes:
            b = boxes[party]
            out.append(
                f'<g class="money-flow-party" data-party="{party}">'
                f'<rect x="{b.x:.1f}" y="{b.y:.1f}" width="{b.w:.1f}" height="{b.h:.1f}" rx="6" '
                f'fill="#eef3f8" stroke="{INK["funding"] if party == OUTSIDE else INK["share"]}" stroke-width="1.5"/>'
                f'<text x="{b.cx:.1f}" y="{b.y + b.h / 2 + 5:.1f}" text-anchor="middle" font-size="{NAME_SIZE}" '
                f'font-weight="700" fill="#1b1b1b">{escape(BAR_TEXT[party])}</text></g>')
    for p in flows.positions:
        b = boxes[p.organisation]
        stroke, stroke_w, dash, ink = KEEPS[p.keeps]
        name_size, detail_size = type_sizes(b.w)
        lines = _wrap(box_name(p.organisation), b.w - 8, name_size)
        details = _details(p)
        text_h = _text_height(len(lines), len(details), b.w)
        y = b.y + (b.h - text_h) / 2 + name_size - 1
        parts = [f'<g class="money-flow-party" data-party="{escape(p.organisation)}" data-keeps="{p.keeps}" '
                 f'data-surplus="{p.surplus!r}" data-care-cost="{p.care_cost!r}">',
                 f'<rect x="{b.x:.1f}" y="{b.y:.1f}" width="{b.w:.1f}" height="{b.h:.1f}" rx="8" fill="#ffffff" '
                 f'stroke="{stroke}" stroke-width="{stroke_w}"' + (f' stroke-dasharray="{dash}"' if dash else "") + "/>"]
        for line in lines:
            parts.append(f'<text x="{b.cx:.1f}" y="{y:.1f}" text-anchor="middle" font-size="{name_size}" '
                         f'font-weight="700" fill="#1b1b1b">{escape(line)}</text>')
            y += name_size + 2
        y += 1
        for i, line in enumerate(details):
            last = i == len(details) - 1
            colour = ink if last else "#333333"
            weight = ' font-weight="700"' if last and p.keeps != "nothing" else ""
            parts.append(f'<text x="{b.cx:.1f}" y="{y:.1f}" text-anchor="middle" font-size="{detail_size}" '
                         f'fill="{colour}"{weight}>{escape(line)}</text>')
            y += detail_size + 3
        out.append("".join(parts) + "</g>")
    out.append("</g>")
    out.append('<g class="money-flow-labels">' + "".join(labels) + "</g>")
    out.append("</svg>")
    return "\n".join(out)


def figure_html(flows_list: list[MoneyFlows], caption: str, uid: str) -> str:
    """A figure of one or more diagrams side by side (stacked on a narrow screen),
    its caption, and the flows in words."""
    cells = []
    for i, flows in enumerate(flows_list):
        short = ARRANGEMENT_LABELS.get(flows.arrangement, flows.title)
        heading = (f'<p style="text-align: center; font-weight: 600; margin: 0 0 0.3em">{escape(short)}</p>'
                   if len(flows_list) > 1 else "")
        cells.append(f'<div class="money-flow-cell" style="flex: 1 1 300px; min-width: 0; max-width: 560px">'
                     f'{heading}{svg(flows, f"{uid}-{i}")}</div>')
    words = []
    for flows in flows_list:
        sentences = text_alternative(flows)
        words.append(f"<p>{escape(sentences[0])}</p><ul>"
                     + "".join(f"<li>{escape(s)}</li>" for s in sentences[1:]) + "</ul>")
    return (
        f'<figure class="money-flow" style="margin: 1.5em 0">'
        f'<div style="display: flex; flex-wrap: wrap; gap: 1em; justify-content: center">{"".join(cells)}</div>'
        f'<figcaption style="margin-top: 0.6em; text-align: left">{escape(caption)}</figcaption>'
        f'<details class="money-flow-in-words"><summary>The flows in words</summary>{"".join(words)}</details>'
        f"</figure>"
    )
