"""Hidden checks of integrated_care: judged by the grader, never sent to a student."""

from carepool.exercises.integrated_care import assignment as public, under_icb
from carepool.exercises.kit import close, mapping, need

# The visible checks (carepool.exercises.integrated_care) and, added here, the hidden ones.
assignment = public.extended()
hidden = assignment.hidden


@hidden("absence_of_evidence", given="verdicts")
def absence_is_not_evidence_of_absence(a, f):
    given = mapping(a["given"], "verdicts")
    need(given.get("integration_never_saves") == "cannot show",
         "absence of evidence from one programme's first year is not evidence of absence")


@hidden("the_wrong_pocket_outlives_the_icb", nhs="nhs_gain_under_icb")
def the_nhs_gain(a, f):
    moves = under_icb(f["amount"])
    close(a["nhs"], moves.drop("local_authority").sum(), "nhs_gain_under_icb",
          "the NHS's gain is the sum of every organisation's change but the council's", within=1)
