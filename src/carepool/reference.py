"""The "Model reference" page: every parameter with its value, unit and source,
and the model's equations, rendered as MyST Markdown from the parameter files."""

from __future__ import annotations

from carepool.levers import all_levers
from carepool.parameters import PARAMETER_FILES, Parameter, load_parameters

GROUP_TITLES = {
    "place": "The place",
    "services": "Service lines",
    "links": "Links between service lines",
    "payments": "National payment rules",
    "arrangements": "Arrangements",
    "simulation": "Runs",
}

EQUATIONS = r"""
## Equations

Years are $t = 1, \dots, T$; year $0$ is the baseline year. For service line
$s$ with baseline activity $a_s$ per 1,000 people, population $N$, trend
growth $g_s$ and unit cost $c_s$, expected activity and its cost are

$$
\bar{A}_{s,t} = a_s \, \frac{N}{1000} \, (1 + g_s)^t, \qquad \bar{C}_{s,t} = c_s \, \bar{A}_{s,t}.
$$

**Demand shocks.** In draw $d$ a common factor $z_0$ and a factor of each line
$z_s$ (independent standard normals) give, with correlation $\rho$ and
volatility $\sigma_s$,

$$
\varepsilon_{s} = \sqrt{\rho}\, z_0 + \sqrt{1-\rho}\, z_s, \qquad
A_{s,t,d} = \bar{A}_{s,t} \exp\!\left(\sigma_s \varepsilon_{s} - \tfrac{1}{2}\sigma_s^2\right),
$$

so activity stays positive and its expected value stays on trend.

**Link 1: upstream spending avoids emergency admissions.** Spending $I$ a year
upstream avoids $k I$ of emergency cost, a fraction of each year's emergency
activity (allowed only while that fraction is below 1):

$$
A_{\text{em},t,d} \leftarrow A_{\text{em},t,d} \left(1 - \frac{k I}{\bar{C}_{\text{em},t}}\right).
$$

**Link 2: unmet social care becomes delayed bed-days.** The council buys care
up to a capacity $K_t = \bar{A}_{\text{sc},t} (1 + h)$; unmet need becomes
delayed bed-days $B$ at the acute trust, at $b$ bed-days per care-week and
$c_B$ per bed-day:

$$
B_{t,d} = b \, \max\!\left(A_{\text{sc},t,d} - K_t,\ 0\right), \qquad \text{delayed cost} = c_B\, B_{t,d}.
$$

**Funding.** The NHS allocation and the council budget are the expected cost of
the lines each pays for, times $(1 + \text{funding headroom})$.

**Payment mechanisms.** For activity $A$, price $p$ (the unit cost), baseline
$A_0$ and marginal rate $r$:

$$
\text{tariff} = p A, \qquad
\text{marginal rate} = p \min(A, A_0) + r\, p \max(A - A_0, 0), \qquad
\text{capitation} = N \times \text{rate per head}.
$$

A block contract pays a fixed sum whatever the activity. Under shared
savings with benchmark $S_0$, actual spending $S$, sharing rate $\lambda$ and
minimum savings rate $m$, the ACO receives

$$
\text{shared savings} = \begin{cases} \lambda (S_0 - S) & \text{if } S_0 - S \ge m S_0, \\ 0 & \text{otherwise,} \end{cases}
$$

and with two-sided risk also pays back a share of losses beyond the minimum
loss rate. A withhold $w$ on an amount $X$ with outcome achievement
$q \in [0, 1]$ pays $X(1 - w) + X w q$.

**Risk and gain share.** Partners with positions $s_i$ and shares
$\theta_i \ge 0$, $\sum_i \theta_i = 1$, each end with $\theta_i \sum_j s_j$,
through transfers $\theta_i \sum_j s_j - s_i$ that sum to zero.

**Money is moved, never made.** Payments are one organisation's cost and
another's income, so in every arrangement, year and draw

$$
\sum_{\text{organisations}} \text{surplus} = \text{total funding} - \text{total cost of care}.
$$

**Why pooling lowers risk, and when.** If each partner's position has standard
deviation $\sigma B_i$ (equal volatility per pound of budget $B_i$) and shares
are proportional to budgets, $\theta_i = B_i / \sum_j B_j$, then

$$
\operatorname{Var}\!\Big(\theta_i \sum_j s_j\Big) \le \theta_i^2 \Big(\sum_j \sigma B_j\Big)^2 = \sigma^2 B_i^2
= \operatorname{Var}(s_i),
$$

with equality only when all positions move perfectly together. With other
shares a partner can take on more risk than it had alone.
"""


def _cell(text: object) -> str:
    """Text safe inside a Markdown table cell."""
    return " ".join(str(text).split()).replace("|", "\\|")


def _value(p: Parameter) -> str:
    v = p.value
    if isinstance(v, bool):
        return "yes" if v else "no"
    if isinstance(v, (int, float)):
        return f"{v:,}" if isinstance(v, int) or float(v).is_integer() and abs(v) >= 1000 else f"{v:g}"
    return str(v)


def _lever_text(key: str) -> str:
    """A lever's allowed values and the range a reader is offered, or nothing for a fixed parameter."""
    spec = all_levers().get(key)
    if spec is None:
        return ""
    if spec.choices is not None:
        return " (lever: " + " or ".join(_choice(c) for c in spec.choices) + ")"
    low = f"above {spec.minimum:g}" if spec.minimum_exclusive else f"{spec.minimum:g}"
    return (f" (lever: allowed {low} to {spec.maximum:g}; "
            f"explore {spec.explore_min:g} to {spec.explore_max:g} in steps of {spec.step:g})")


def _choice(c) -> str:
    return ("yes" if c else "no") if isinstance(c, bool) else str(c)


def parameter_table(group: str) -> str:
    """One Markdown table of the parameters in a group (one YAML file)."""
    rows = ["| parameter | value | unit | description | source |", "|---|---|---|---|---|"]
    for p in load_parameters().values():
        if p.group != group:
            continue
        value = _value(p) + _lever_text(f"{p.group}.{p.key}")
        rows.append("| " + " | ".join(_cell(x) for x in (f"`{p.key}`", value, p.unit, p.description,
                                                         p.source_text())) + " |")
    return "\n".join(rows)


def markdown() -> str:
    """The whole Model reference page body as MyST Markdown."""
    parts = [
        "Every default of the model, from the files in `src/carepool/parameters/`. "
        "A value marked *Illustrative* is a teaching choice, not an estimate; "
        "vary it and see what changes.",
    ]
    for group in PARAMETER_FILES:
        parts.append(f"## {GROUP_TITLES.get(group, group)}\n\n{parameter_table(group)}")
    parts.append(EQUATIONS.strip())
    return "\n\n".join(parts) + "\n"
