"""Money-flow diagrams: who pays whom under an arrangement, drawn as an SVG.

The picture is drawn from `carepool.flows.money_flows`, which reads the model's
own ledger, so picture and model cannot disagree: each arrow carries its flow
in data attributes (``data-payer``, ``data-payee``, ``data-kind``,
``data-amount``) and each box its organisation's result, which the tests read
back. No arithmetic of the model happens here, only layout.

The layout needs no graph-drawing program: funding enters from a bar at the
top; organisations stand in rows by how many steps the money takes to reach
them; a risk and gain share is a bar at the bottom, reached from upper rows by
lanes at the sides. Each arrow leaves and enters a box at a port of its own,
ports in the order of the boxes at the other end, so no two arrows share a
stretch or cross; each label sits on its arrow, or beside it where another
arrow is near, clear of every other arrow, label and box. Where that cannot be
done the rows are moved apart and the drawing made again. The SVG scales with
its viewBox, which is narrow enough for its smallest text to be 11 CSS px or
more in a phone's column (342 px on a 390 px screen). Every diagram has a
``<title>``, a ``<desc>`` and, beside it in the page, the same flows in words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html import escape

from carepool.flows import OUTSIDE, SHARE, Flow, MoneyFlows
from coursebook.explorers import ARRANGEMENT_LABELS

WIDTH = 400          # the viewBox's width: 342 px in a phone's column is 0.855 of it
EDGE = 8             # the drawing's margin
LANE_MARGIN = 34     # room at a side for a lane (its label sits beside it, inward)
BAR_HEIGHT = 34
NODE_HEIGHT = 64     # the least height of a box
BOX_GAP = 8          # between boxes in a row
MAX_BOX = 170
PAD = 6              # inside a box
TOP_GAP = 70         # from the funding bar to the first row
ROW_GAP = 100        # between rows, to begin with; more where the labels need it
SHARE_GAP = 80       # from the last row to the risk and gain share
# Every text is 13 units or more: 11.1 CSS px at the phone's 0.855. A crowded row's names
# come down from NAME_SIZE, and its boxes closer together, only as far as its longest word needs.
NAME_SIZE, DETAIL_SIZE, LABEL_SIZE, SMALLEST_SIZE = 14.5, 13.5, 13.5, 13
CROWDED = (4, 4, 4)  # a crowded row's margin, gap between boxes and padding inside them
LABEL_HEIGHT = LABEL_SIZE + 8
CLEAR = 3            # between a label and anything it does not belong to
HEAD = 12            # an arrow's head, which its label leaves in view

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

# Advance widths, in thousandths of an em, of DejaVu Sans (Debian's system-ui and
# the widest of the fonts the diagram may be drawn in), regular and bold, for
# printable ASCII and "£", as Chromium measures them; text measured with these
# fits in any narrower font. Another character counts as a whole em.
_CHARS = " !\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~£"
_REGULAR = (318, 401, 460, 838, 636, 950, 780, 275, 390, 390, 500, 838, 318, 361, 318, 337, 636, 636, 636, 636, 636,
            636, 636, 636, 636, 636, 337, 337, 838, 838, 838, 531, 1000, 684, 686, 698, 770, 632, 575, 775, 752, 295,
            295, 656, 557, 863, 748, 787, 603, 787, 695, 635, 611, 732, 684, 989, 685, 611, 685, 390, 337, 390, 838,
            500, 500, 613, 635, 532, 635, 567, 352, 635, 634, 278, 278, 579, 278, 974, 634, 550, 635, 635, 384, 521,
            392, 634, 592, 818, 592, 592, 525, 636, 337, 636, 838, 636)
_BOLD = (348, 456, 521, 838, 696, 1002, 872, 306, 457, 457, 523, 838, 380, 415, 380, 365, 696, 696, 696, 696, 696, 696,
         696, 696, 696, 696, 400, 400, 838, 838, 838, 580, 1000, 774, 762, 734, 830, 683, 683, 821, 837, 372, 372, 775,
         637, 995, 837, 850, 733, 850, 770, 720, 682, 812, 774, 1103, 771, 724, 725, 457, 365, 457, 838, 500, 500, 675,
         716, 593, 716, 678, 435, 716, 712, 343, 343, 665, 343, 1042, 712, 687, 716, 716, 493, 595, 478, 712, 652, 924,
         645, 652, 582, 712, 365, 712, 838, 696)
_WIDTHS = {False: dict(zip(_CHARS, _REGULAR)), True: dict(zip(_CHARS, _BOLD))}


def text_width(text: str, size: float, bold: bool = True) -> float:
    """The width of a line of text at ``size``, in the same units."""
    widths = _WIDTHS[bold]
    return sum(widths.get(c, 1000) for c in text) * size / 1000


def _parts(text: str) -> list[str]:
    """The pieces a line may break between: words, and a hyphenated word after its hyphen."""
    return re.findall(r"[^\s-]+-*|-+", text)


def _wrap(text: str, width: float, size: float, bold: bool = True) -> list[str]:
    """Lines no wider than ``width``; a long hyphenated word may break after its hyphen, and a
    word wider than ``width`` alone is hyphenated where it must be."""
    words = []
    for word in text.split():
        pieces = []
        while text_width(word, size, bold) > width and "-" in word[:-1]:
            cut = word.index("-") + 1
            pieces.append(word[:cut])
            word = word[cut:]
        for piece in pieces + [word]:
            while text_width(piece, size, bold) > width and len(piece) > 4:
                cut = max(i for i in range(2, len(piece) - 1)
                          if i == 2 or text_width(piece[:i] + "-", size, bold) <= width)
                words.append(piece[:cut] + "-")
                piece = piece[cut:]
            words.append(piece)
    lines, line = [], ""
    for word in words:
        joined = line + word if line.endswith("-") else f"{line} {word}".strip()
        if line and text_width(joined, size, bold) > width:
            lines.append(line)
            line = word
        else:
            line = joined
    return lines + [line]


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

    @property
    def rect(self) -> tuple[float, float, float, float]:
        return (self.x, self.y, self.x + self.w, self.bottom)


def pools(flows: MoneyFlows) -> set[str]:
    """Organisations paid by two or more partners that pay money back to them and to nobody else: a pool
    between partners (a pot that only spends on care is not one)."""
    found = set()
    for p in flows.positions:
        o = p.organisation
        payers = {e.payer for e in flows.edges if e.payee == o}
        payees = {e.payee for e in flows.edges if e.payer == o}
        if len(payers) >= 2 and payees and not {OUTSIDE, SHARE} & (payers | payees) and payees <= payers:
            found.add(o)
    return found


def rows(flows: MoneyFlows) -> list[list[str]]:
    """Organisations in rows by the fewest payments money takes to reach them from outside.

    A pool stands in a row of its own just above the partners who pay into it,
    between them, so the money into and out of it runs up to it and back, clear
    of the partners' payments down to providers. Within a row, each stands
    under the average place of those who pay it (ties keep the ledger's order),
    which keeps arrows short and uncrossed.
    """
    organisations = [p.organisation for p in flows.positions]
    pooled = pools(flows)
    paid_by: dict[str, list[str]] = {o: [] for o in organisations}
    for e in flows.edges:
        if e.payee in paid_by and e.payer != SHARE:
            paid_by[e.payee].append(e.payer)
    depth: dict[str, float] = {OUTSIDE: 0}
    frontier = [OUTSIDE]
    while frontier:
        following = []
        for e in flows.edges:
            if e.payer in frontier and e.payee in paid_by and e.payee not in depth and e.payee not in pooled:
                depth[e.payee] = depth[e.payer] + 1
                following.append(e.payee)
        frontier = following
    for o in pooled:  # above the shallowest of its partners
        depth[o] = min((depth[p] for p in paid_by[o] if p in depth), default=1) - 0.5
    deepest = max(depth.values())
    for o in organisations:  # reached by no flow (none in today's arrangements): a row of their own
        depth.setdefault(o, deepest + 1)
    levels = sorted({d for o, d in depth.items() if o != OUTSIDE})
    layered = [[o for o in organisations if depth[o] == d] for d in levels]
    place: dict[str, float] = {OUTSIDE: 0.5}

    def under(o: str) -> float:
        known = [place[p] for p in paid_by[o] if p in place]
        return sum(known) / len(known) if known else 0.5

    # Pools are placed after the partners they stand between.
    for row in sorted(layered, key=lambda r: any(o in pooled for o in r)):
        row.sort(key=lambda o: (under(o), organisations.index(o)))
        for i, o in enumerate(row):
            place[o] = (i + 0.5) / len(row)
    return layered


def _details(p) -> list[str]:
    """What a box says under the name: its cost of care (if it delivers any) and what it is left with."""
    left = {"surplus": f"keeps {money(p.surplus)}", "deficit": f"deficit {money(p.surplus)}",
            "nothing": "breaks even"}[p.keeps]
    return ([f"care {money(p.care_cost)}"] if p.care_cost > 0.005 else []) + [left]


@dataclass(frozen=True)
class BoxText:
    """A box's lines: (text, size, bold, colour), top to bottom."""
    lines: tuple[tuple[str, float, bool, str], ...]

    @property
    def height(self) -> float:
        return sum(size + 3 for _, size, _, _ in self.lines) - 3


def name_size(organisations: list[str], inner: float) -> float:
    """The largest size, from NAME_SIZE down to SMALLEST_SIZE, at which each word of each box's name fits."""
    sizes = [NAME_SIZE - 0.5 * i for i in range(int((NAME_SIZE - SMALLEST_SIZE) / 0.5) + 1)]
    return next((size for size in sizes if all(text_width(part, size) <= inner for o in organisations
                                               for part in _parts(box_name(o)))), SMALLEST_SIZE)


def box_text(p, width: float, size: float = NAME_SIZE, pad: float = PAD) -> BoxText:
    """The name (bold, at ``size``) and the details of an organisation's box, each wrapped to the box."""
    inner = width - 2 * pad
    lines = [(line, size, True, "#1b1b1b") for line in _wrap(box_name(p.organisation), inner, size)]
    details = _details(p)
    ink = KEEPS[p.keeps][3]
    for i, detail in enumerate(details):
        last = i == len(details) - 1
        bold = last and p.keeps != "nothing"
        colour = ink if last else "#333333"
        lines += [(line, DETAIL_SIZE, bold, colour) for line in _wrap(detail, inner, DETAIL_SIZE, bold)]
    return BoxText(tuple(lines))


def _long(e: Flow, row_of: dict[str, int], n_rows: int) -> bool:
    """An arrow that cannot be drawn straight without crossing a row of boxes."""
    if e.payer == OUTSIDE:
        return False  # it drops straight from the bar (beside a pool's row, if one stands above)
    if SHARE in (e.payer, e.payee):
        other = e.payee if e.payer == SHARE else e.payer
        return row_of[other] != n_rows - 1
    return abs(row_of[e.payer] - row_of[e.payee]) != 1


def _lane_side(e: Flow, layered: list[list[str]]) -> str:
    """The side whose lane carries a long arrow: that of the organisation at its upper end."""
    org = e.payee if e.payer in (OUTSIDE, SHARE) else e.payer
    row = next(r for r in layered if org in r)
    return "left" if (row.index(org) + 0.5) / len(row) < 0.5 else "right"


@dataclass
class Drawing:
    boxes: dict[str, Box]
    texts: dict[str, BoxText]
    arrows: list[tuple[Flow, list[tuple[float, float]]]]
    labels: list[tuple[Flow, tuple[float, float, float, float]]]
    height: float


def _row(row: list[str], margin: tuple[float, float]):
    """A row's left edge, width, gap between boxes, padding in a box and size of names: the usual,
    or, where a name's longest word does not fit, boxes closer together and names smaller."""
    size = name_size(row, min((WIDTH - sum(margin) - BOX_GAP * (len(row) - 1)) / len(row), MAX_BOX) - 2 * PAD)
    if size == NAME_SIZE:
        return margin[0], WIDTH - sum(margin), BOX_GAP, PAD, size
    edge, gap, pad = CROWDED
    left, right = (m if m > EDGE else edge for m in margin)  # a lane keeps its room
    inner = WIDTH - left - right
    return left, inner, gap, pad, name_size(row, min((inner - gap * (len(row) - 1)) / len(row), MAX_BOX) - 2 * pad)


def _boxes(flows: MoneyFlows, layered: list[list[str]], row_gap: float, margin: tuple[float, float]):
    positions = {p.organisation: p for p in flows.positions}
    boxes = {OUTSIDE: Box(OUTSIDE, EDGE, EDGE, WIDTH - 2 * EDGE, BAR_HEIGHT)}
    texts = {}
    y = EDGE + BAR_HEIGHT + TOP_GAP
    for row in layered:
        left, inner, gap, pad, size = _row(row, margin)
        slot = (inner - gap * (len(row) - 1)) / len(row)
        w = min(slot, MAX_BOX)
        row_texts = {o: box_text(positions[o], w, size, pad) for o in row}
        h = max([NODE_HEIGHT] + [t.height + 2 * pad + 8 for t in row_texts.values()])
        for i, o in enumerate(row):
            boxes[o] = Box(o, left + i * (slot + gap) + (slot - w) / 2, y, w, h)
        texts.update(row_texts)
        y += h + row_gap
    y -= row_gap
    if SHARE in flows.parties:
        y += SHARE_GAP
        boxes[SHARE] = Box(SHARE, EDGE, y, WIDTH - 2 * EDGE, BAR_HEIGHT)
        y += BAR_HEIGHT
    return boxes, texts, y + EDGE


def _routes(flows: MoneyFlows, layered, boxes: dict[str, Box], margin) -> list[tuple[Flow, list]]:
    """Each arrow's corners, from its payer to its payee.

    An arrow between neighbouring rows leaves its upper box's bottom and enters
    its lower box's top (or the other way for money flowing up), at a port of
    its own: a box's ports along a side are spread evenly, in the order of the
    boxes at their other ends, so arrows neither share a stretch nor cross.
    Funding drops straight from the bar, a share rises or drops straight to or
    from its bar, and a long arrow runs down a lane at the side.
    """
    row_of = {o: i for i, row in enumerate(layered) for o in row}
    n_rows = len(layered)
    lanes = {"left": 0, "right": 0}
    ends: dict[tuple[str, str], list[tuple[tuple, Flow]]] = {}  # (party, side) -> [(order key, edge)]
    kinds = {}
    for e in flows.edges:
        if e.payer == OUTSIDE and not _long(e, row_of, n_rows):
            kinds[e] = "funding"
            ends.setdefault((e.payee, "top"), []).append(((boxes[e.payee].cx, e.payer, e.payee), e))
        elif SHARE in (e.payer, e.payee) and not _long(e, row_of, n_rows):
            org = e.payer if e.payee == SHARE else e.payee
            kinds[e] = "share"
            ends.setdefault((org, "bottom"), []).append(((boxes[org].cx, e.payer, e.payee), e))
        elif _long(e, row_of, n_rows):
            kinds[e] = "lane"
        else:
            upper, lower = sorted((e.payer, e.payee), key=lambda o: row_of[o])
            kinds[e] = "between"
            ends.setdefault((upper, "bottom"), []).append(((boxes[lower].cx, e.payer, e.payee), e))
            ends.setdefault((lower, "top"), []).append(((boxes[upper].cx, e.payer, e.payee), e))
    port: dict[tuple[str, Flow], float] = {}
    for (party, _side), attached in ends.items():
        attached.sort(key=lambda item: item[0])
        b = boxes[party]
        for i, (_, e) in enumerate(attached):
            port[(party, e)] = b.x + b.w * (i + 1) / (len(attached) + 1)
    routes = []
    for e in flows.edges:
        kind = kinds[e]
        if kind == "funding":
            b = boxes[e.payee]
            x = port[(e.payee, e)]
            points = [(x, boxes[OUTSIDE].bottom), (x, b.y - 1)]
        elif kind == "share":
            org = e.payer if e.payee == SHARE else e.payee
            x = port[(org, e)]
            top, bottom = boxes[org].bottom, boxes[SHARE].y
            points = [(x, top), (x, bottom - 1)] if e.payee == SHARE else [(x, bottom), (x, top + 1)]
        elif kind == "between":
            a, b = boxes[e.payer], boxes[e.payee]
            if row_of[e.payer] < row_of[e.payee]:
                points = [(port[(e.payer, e)], a.bottom), (port[(e.payee, e)], b.y - 1)]
            else:
                points = [(port[(e.payer, e)], a.y), (port[(e.payee, e)], b.bottom + 1)]
        else:
            side = _lane_side(e, layered)
            left = side == "left"
            k = lanes[side]
            lanes[side] += 1
            lane = (margin[0] / 2 - 8 * k) if left else (WIDTH - margin[1] / 2 + 8 * k)
            node = boxes[e.payer] if e.payer not in (OUTSIDE, SHARE) else boxes[e.payee]
            edge_x = node.x if left else node.x + node.w
            y_node = node.y + node.h / 2 + (10 if e.payee == SHARE else -10)
            step = -1 if left else 1
            if e.payee == SHARE:
                points = [(edge_x, y_node), (lane, y_node), (lane, boxes[SHARE].y - 1)]
            elif e.payer == SHARE:
                points = [(lane, boxes[SHARE].y), (lane, y_node), (edge_x + step, y_node)]
            else:
                far = boxes[e.payee] if node is boxes[e.payer] else boxes[e.payer]
                points = [(edge_x, y_node), (lane, y_node), (lane, far.y + far.h / 2),
                          (far.x if left else far.x + far.w, far.y + far.h / 2)]
                if node is not boxes[e.payer]:
                    points.reverse()
        routes.append((e, points))
    return routes


def _segments(points):
    return list(zip(points, points[1:]))


def _meets(segment, rect, gap: float = 0.0) -> bool:
    """Whether a segment passes through a rectangle grown by ``gap`` (Liang-Barsky clipping)."""
    x1, y1, x2, y2 = rect[0] - gap, rect[1] - gap, rect[2] + gap, rect[3] + gap
    (ax, ay), (bx, by) = segment
    t0, t1 = 0.0, 1.0
    for p, q in ((ax - bx, ax - x1), (bx - ax, x2 - ax), (ay - by, ay - y1), (by - ay, y2 - ay)):
        if p == 0:
            if q < 0:
                return False
            continue
        t = q / p
        if p < 0:
            t0 = max(t0, t)
        else:
            t1 = min(t1, t)
        if t0 > t1:
            return False
    return True


def _apart(s, t) -> float:
    """The least distance between two segments (0 if they cross)."""
    def side(p, q, r):
        return (q[0] - p[0]) * (r[1] - p[1]) - (q[1] - p[1]) * (r[0] - p[0])

    def to_segment(p, a, b):
        dx, dy = b[0] - a[0], b[1] - a[1]
        u = max(0.0, min(1.0, ((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / ((dx * dx + dy * dy) or 1)))
        return ((p[0] - a[0] - u * dx) ** 2 + (p[1] - a[1] - u * dy) ** 2) ** 0.5

    (a, b), (c, d) = s, t
    if side(a, b, c) * side(a, b, d) < 0 and side(c, d, a) * side(c, d, b) < 0:
        return 0.0
    return min(to_segment(a, c, d), to_segment(b, c, d), to_segment(c, a, b), to_segment(d, a, b))


def _overlaps(r, o, gap: float) -> bool:
    return r[0] < o[2] + gap and o[0] < r[2] + gap and r[1] < o[3] + gap and o[1] < r[3] + gap


def _arrows_clear(routes, boxes: dict[str, Box]) -> bool:
    """No arrow within 6 units of another, nor through a box it does not join."""
    for i, (e, points) in enumerate(routes):
        for party, b in boxes.items():
            if party not in (e.payer, e.payee) and any(_meets(s, b.rect, 4) for s in _segments(points)):
                return False
        for _, others in routes[i + 1:]:
            if min(_apart(s, t) for s in _segments(points) for t in _segments(others)) < 6:
                return False
    return True


SPOTS = (0.5, 0.62, 0.38, 0.72, 0.28, 0.8, 0.2, 0.86, 0.14)


def _label_size(e: Flow) -> tuple[float, float]:
    return text_width(money(e.amount), LABEL_SIZE) + 10, LABEL_HEIGHT


def _candidates(e: Flow, points):
    """Where a label may go, with what each place costs: on its arrow costs least, then beside it;
    near the middle of its longest stretch least, farther along more."""
    w, h = _label_size(e)
    stretches = sorted(_segments(points), key=lambda s: -((s[1][0] - s[0][0]) ** 2 + (s[1][1] - s[0][1]) ** 2))
    for rank, ((ax, ay), (bx, by)) in enumerate(stretches):
        length = ((bx - ax) ** 2 + (by - ay) ** 2) ** 0.5 or 1
        ux, uy = (bx - ax) / length, (by - ay) / length
        nx, ny = -uy, ux
        beside = w / 2 * abs(nx) + h / 2 * abs(ny) + CLEAR
        for t in SPOTS:
            x, y = ax + (bx - ax) * t, ay + (by - ay) * t
            cost = 10 * rank + 30 * abs(t - 0.5)
            for extra, (cx, cy) in ((0, (x, y)), (12, (x + nx * beside, y + ny * beside)),
                                    (12, (x - nx * beside, y - ny * beside))):
                yield (cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2), cost + extra


ROOM = (3, 6, 10, 15, 20)  # how far a label is from other arrows and labels, in steps


def _place_labels(routes, boxes: dict[str, Box], height: float):
    """A label for each arrow, or None if one of them finds no place.

    Of the places clear of every box, label and other arrow, each label takes
    the cheapest, less what it gains by standing farther from other arrows
    and labels, so a label beside its arrow is not taken for another's.
    """
    placed = []
    taken = [b.rect for b in boxes.values()]
    order = sorted(range(len(routes)), key=lambda i: sum(
        ((b[0] - a[0]) ** 2 + (b[1] - a[1]) ** 2) ** 0.5 for a, b in _segments(routes[i][1])))
    found = {}
    for i in order:
        e, points = routes[i]
        (ax, ay), (bx, by) = points[-2], points[-1]
        length = ((bx - ax) ** 2 + (by - ay) ** 2) ** 0.5 or 1
        head = ((bx - (bx - ax) * HEAD / length, by - (by - ay) * HEAD / length), (bx, by))
        others = [s for j, (_, p) in enumerate(routes) if j != i for s in _segments(p)]

        def clear(r, gap):
            return (not any(_overlaps(r, o, gap) for o in placed)
                    and not any(_meets(s, r, gap) for s in others))

        best = None
        for r, cost in _candidates(e, points):
            if (r[0] >= 1 and r[2] <= WIDTH - 1 and r[1] >= 1 and r[3] <= height - 1
                    and not any(_overlaps(r, o, CLEAR) for o in taken)
                    and clear(r, CLEAR) and not _meets(head, r, 1)):
                room = max(g for g in ROOM if clear(r, g))
                if best is None or cost - room < best[0]:
                    best = (cost - room, r)
        if best is None:
            return None
        placed.append(best[1])
        found[i] = best[1]
    return [(routes[i][0], found[i]) for i in range(len(routes))]


def layout(flows: MoneyFlows) -> Drawing:
    """Boxes, arrows and labels, none in another's way: the rows are moved apart until they fit."""
    layered = rows(flows)
    row_of = {o: i for i, row in enumerate(layered) for o in row}
    sides = {_lane_side(e, layered) for e in flows.edges if _long(e, row_of, len(layered))}
    margin = (LANE_MARGIN if "left" in sides else EDGE, LANE_MARGIN if "right" in sides else EDGE)
    for extra in range(0, 200, 20):
        boxes, texts, height = _boxes(flows, layered, ROW_GAP + extra, margin)
        routes = _routes(flows, layered, boxes, margin)
        if not _arrows_clear(routes, boxes):
            continue
        labels = _place_labels(routes, boxes, height)
        if labels is not None:
            return Drawing(boxes, texts, routes, labels, height)
    raise ValueError(f"no layout of the {flows.arrangement} diagram keeps its arrows and labels apart")


# --- drawing ----------------------------------------------------------------

def _path(points) -> str:
    return "M" + " L".join(f"{x:.1f},{y:.1f}" for x, y in points)


def _label(e: Flow, rect, colour: str) -> str:
    x1, y1, x2, y2 = rect
    return (f'<g class="money-flow-label" data-payer="{escape(e.payer)}" data-payee="{escape(e.payee)}">'
            f'<rect x="{x1:.1f}" y="{y1:.1f}" width="{x2 - x1:.1f}" height="{y2 - y1:.1f}" rx="3" fill="#ffffff" '
            f'stroke="{colour}" stroke-width="0.8"/>'
            f'<text x="{(x1 + x2) / 2:.1f}" y="{(y1 + y2) / 2 + LABEL_SIZE * 0.35:.1f}" text-anchor="middle" '
            f'font-size="{LABEL_SIZE}" font-weight="600" fill="{colour}">{escape(money(e.amount))}</text></g>')


def svg(flows: MoneyFlows, uid: str = "") -> str:
    """The diagram as a standalone, accessible SVG element."""
    uid = uid or flows.arrangement
    d = layout(flows)
    title_id, desc_id = f"mf-{uid}-title", f"mf-{uid}-desc"
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="money-flow-diagram" viewBox="0 0 {WIDTH} {d.height:.0f}" '
        f'width="100%" role="img" aria-labelledby="{title_id} {desc_id}" '
        f'data-arrangement="{escape(flows.arrangement)}" '
        f'font-family="system-ui, -apple-system, \'Segoe UI\', Roboto, Arial, sans-serif" '
        f'style="max-width: 480px; height: auto; display: block; margin: 0 auto; background: #ffffff">',
        f'<title id="{title_id}">{escape(flows.title)}: who pays whom in a year</title>',
        f'<desc id="{desc_id}">{escape(" ".join(text_alternative(flows)))}</desc>',
        "<defs>",
    ]
    for kind, colour in INK.items():
        out.append(f'<marker id="mf-{uid}-{kind}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="5.5" '
                   f'markerHeight="5.5" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" '
                   f'fill="{colour}"/></marker>')
    out.append("</defs>")
    out.append(f'<rect width="{WIDTH}" height="{d.height:.0f}" fill="#ffffff"/>')

    out.append('<g class="money-flow-edges">')
    for e, points in d.arrows:
        colour = INK.get(e.kind, INK["payment"])
        out.append(
            f'<g class="money-flow-edge" data-payer="{escape(e.payer)}" data-payee="{escape(e.payee)}" '
            f'data-kind="{escape(e.kind)}" data-amount="{e.amount!r}">'
            f'<path d="{_path(points)}" fill="none" stroke="{colour}" stroke-width="2" '
            f'marker-end="url(#mf-{uid}-{e.kind})"/></g>')
    out.append("</g>")

    out.append('<g class="money-flow-parties">')
    for party in (OUTSIDE, SHARE):
        if party in d.boxes:
            b = d.boxes[party]
            out.append(
                f'<g class="money-flow-party" data-party="{party}">'
                f'<rect x="{b.x:.1f}" y="{b.y:.1f}" width="{b.w:.1f}" height="{b.h:.1f}" rx="6" '
                f'fill="#eef3f8" stroke="{INK["funding"] if party == OUTSIDE else INK["share"]}" stroke-width="1.5"/>'
                f'<text x="{b.cx:.1f}" y="{b.y + b.h / 2 + NAME_SIZE * 0.35:.1f}" text-anchor="middle" '
                f'font-size="{NAME_SIZE}" font-weight="700" fill="#1b1b1b">{escape(BAR_TEXT[party])}</text></g>')
    for p in flows.positions:
        b = d.boxes[p.organisation]
        stroke, stroke_w, dash, _ = KEEPS[p.keeps]
        text = d.texts[p.organisation]
        parts = [f'<g class="money-flow-party" data-party="{escape(p.organisation)}" data-keeps="{p.keeps}" '
                 f'data-surplus="{p.surplus!r}" data-care-cost="{p.care_cost!r}">',
                 f'<rect x="{b.x:.1f}" y="{b.y:.1f}" width="{b.w:.1f}" height="{b.h:.1f}" rx="8" fill="#ffffff" '
                 f'stroke="{stroke}" stroke-width="{stroke_w}"' + (f' stroke-dasharray="{dash}"' if dash else "") + "/>"]
        y = b.y + (b.h - text.height) / 2
        for line, size, bold, colour in text.lines:
            weight = ' font-weight="700"' if bold else ""
            parts.append(f'<text x="{b.cx:.1f}" y="{y + size * 0.8:.1f}" text-anchor="middle" font-size="{size}" '
                         f'fill="{colour}"{weight}>{escape(line)}</text>')
            y += size + 3
        out.append("".join(parts) + "</g>")
    out.append("</g>")
    out.append('<g class="money-flow-labels">'
               + "".join(_label(e, r, INK.get(e.kind, INK["payment"])) for e, r in d.labels) + "</g>")
    out.append("</svg>")
    return "\n".join(out)


def diagrams_html(flows_list: list[MoneyFlows], uid: str) -> str:
    """One or more diagrams side by side (stacked on a narrow screen), each under its
    arrangement's short name when there are several."""
    cells = []
    for i, flows in enumerate(flows_list):
        short = ARRANGEMENT_LABELS.get(flows.arrangement, flows.title)
        heading = (f'<p style="text-align: center; font-weight: 600; margin: 0 0 0.3em">{escape(short)}</p>'
                   if len(flows_list) > 1 else "")
        cells.append(f'<div class="money-flow-cell" style="flex: 1 1 300px; min-width: 0; max-width: 560px">'
                     f'{heading}{svg(flows, f"{uid}-{i}")}</div>')
    return f'<div style="display: flex; flex-wrap: wrap; gap: 1em; justify-content: center">{"".join(cells)}</div>'


def words_html(flows_list: list[MoneyFlows]) -> str:
    """The same flows in words, folded under the caption."""
    words = []
    for flows in flows_list:
        sentences = text_alternative(flows)
        words.append(f"<p>{escape(sentences[0])}</p><ul>"
                     + "".join(f"<li>{escape(s)}</li>" for s in sentences[1:]) + "</ul>")
    return (f'<details class="money-flow-in-words"><summary>The flows in words</summary>{"".join(words)}'
            f"</details>")
