"""Hidden checks of integrated_health_organisations: judged by the grader, never sent to a student."""

from carepool.exercises.integrated_health_organisations import assignment as public, chance
from carepool.exercises.kit import close, mapping, need

# The visible checks (carepool.exercises.integrated_health_organisations) and, added here, the hidden ones.
assignment = public.extended()
hidden = assignment.hidden


@hidden("the_holder_bears_the_bad_years", table="chance_of_deficit")
def the_whole_table(a, f):
    table = mapping(a["table"], "chance_of_deficit (a dict from arrangement to a dict from organisation to chance)")
    for arrangement in ("aco", "icb", "iho"):
        row = mapping(table.get(arrangement), f"chance_of_deficit[{arrangement!r}]")
        for organisation, expected in chance(arrangement, f["seed"]).items():
            close(row.get(organisation), expected, f"chance_of_deficit[{arrangement!r}][{organisation!r}]",
                  "each organisation's chance of a deficit under each arrangement", within=1e-9)
    need(table["iho"].get("local_authority") == table["icb"].get("local_authority"),
         "the council keeps its own budget under both")
