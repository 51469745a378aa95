"""Hidden checks of pooling_budgets: the exact figures, judged by the grader, never sent to a student."""

from carepool.exercises.kit import close, mapping
from carepool.exercises.pooling_budgets import assignment as public, ARRANGEMENTS, chance, pocket

# The visible checks (carepool.exercises.pooling_budgets) and, added here, the hidden ones.
assignment = public.extended()
hidden = assignment.hidden


@hidden("council_pays_less_when_pooled", council="council_change_pooled")
def the_pools_share_of_the_cost(a, f):
    close(a["council"], pocket(f["amount"]).loc["local_authority", "section75"], "council_change_pooled",
          "read the council's change under the pool from `pocket`", within=1)


@hidden("arrangement_moves_money_never_makes_it", totals="system_change")
def the_systems_total(a, f):
    totals = mapping(a["totals"], "system_change")
    expected = pocket(f["amount"])["silos"].sum()
    for arrangement in ARRANGEMENTS:
        close(totals.get(arrangement), expected, f"system_change[{arrangement!r}]",
              "the system's total is the sum of every organisation's change", within=1)


@hidden("pooling_makes_each_partners_risk_the_systems", pooled="pooled_chances")
def the_pooled_chances(a, f):
    pooled = mapping(a["pooled"], "pooled_chances")
    for organisation, expected in chance(f["seed"])["acs"].items():
        close(pooled.get(organisation), expected, f"pooled_chances[{organisation!r}]",
              "each organisation's chance under the ACS, read from `chance`", within=1e-9)
