"""Hidden checks of reading_sources: judged by the grader, never sent to a student."""

from carepool.exercises.kit import mapping, need
from carepool.exercises.reading_sources import assignment as public, thursdays

# The visible checks (carepool.exercises.reading_sources) and, added here, the hidden ones.
assignment = public.extended()
hidden = assignment.hidden


@hidden("sources_placed_in_the_aco_debate", placed="in_the_2017_18_debate")
def the_other_sources(a, f):
    placed = mapping(a["placed"], "in_the_2017_18_debate")
    need(placed.get("liverpool-aco-blog") is True, "the ACS vocabulary and the 11 January meeting place it in 2017-18")
    need(placed.get("reworking-the-nhs") is False, "it names none of the arrangements; probably 2013-2015")
    # kf-comments: undated comments on the King's Fund's ACO explainer, so either answer is defensible.


@hidden("likely_year_of_liverpool_post", years="thursday_11_january_years({first}, {last})",
        none="thursday_11_january_years(2019, 2023)")
def the_calendar_on_another_window(a, f):
    need(a["years"] == thursdays(f["first"], f["last"]),
         "thursday_11_january_years should work for any window of years, not only 1995 to 2030")
    need(a["none"] == [], "a window with no such year gives an empty list")


@hidden("claims_and_evidence", given="verdicts")
def the_campaign_and_the_column(a, f):
    given = mapping(a["given"], "verdicts")
    need(given.get("acos_let_companies_profit") == "shows only a claim", "a campaign's argument, without sources")
    need(given.get("acos_modelled_on_pcts") == "shows only a claim",
         "Lilley reports what an American 'policy wonk' said")
