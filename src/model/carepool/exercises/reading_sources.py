"""Reading the sources: placing, dating and weighing the five primary documents.

The sources and the judgements about them are the same for every student.
What differs is the calendar window on which the grader calls
`thursday_11_january_years`: each student's is drawn from their own figures,
which the notebook does not need to show.
"""

from __future__ import annotations

import datetime

from carepool.exercises.kit import Assignment, Figure, mapping, need, number

assignment = Assignment("reading_sources", {
    "first": Figure(1995, 1980, 2005, 1, "the first year of the grader's calendar window"),
    "last": Figure(2030, 2020, 2040, 1, "the last year of the grader's calendar window"),
})
your_figures, check = assignment.your_figures, assignment.check
visible = assignment.visible
SOURCES = ["guardian-letters-2018", "liverpool-aco-blog", "lilley-deja-vu-2011", "reworking-the-nhs", "kf-comments"]
VERDICTS = ["shows it", "shows only a claim", "cannot show"]


def thursdays(first: int, last: int) -> list[int]:
    return [year for year in range(first, last + 1) if datetime.date(year, 1, 11).weekday() == 3]


@visible("sources_placed_in_the_aco_debate", placed="in_the_2017_18_debate")
def placed_in_the_debate(a, f):
    placed = mapping(a["placed"], "in_the_2017_18_debate (a dict from source id to True or False)")
    for source in SOURCES:
        need(placed.get(source) is True or placed.get(source) is False, f"give True or False for {source!r}")
    need(placed.get("guardian-letters-2018") is True,
         "the Guardian letters are dated 25 February 2018 and answer 'NHS England's decision to delay the use of "
         "the controversial ACO (accountable care organisation) contract': are they part of the debate?")
    need(placed.get("lilley-deja-vu-2011") is False,
         "Lilley wrote on 17 November 2011, years before NHS England's plans: he can show how ACOs were seen "
         "from the United States in 2011, not how people answered the plans of 2017-18")


@visible("acs_vocabulary_dates_a_source", window="acs_term_years")
def the_terms_window(a, f):
    window = a["window"]
    need(type(window) is list and len(window) == 2,
         f"acs_term_years should be a pair (first, last) of years; it is {window!r}")
    first, last = (number(v, "a year of acs_term_years") for v in window)
    need(first in (2016, 2017), "accountable care systems were named in Next Steps on the NHS Five Year Forward View "
                                "(March 2017); the term may have circulated a little earlier. Check your first year")
    need(last == 2018, "when were accountable care systems renamed integrated care systems? Check your last year")


@visible("likely_year_of_liverpool_post", year="likely_year", years="thursday_11_january_years(1995, 2030)")
def the_meetings_year(a, f):
    need(a["years"] == thursdays(1995, 2030),
         "thursday_11_january_years(first, last) should list, in order, the years from first to last (both "
         "included) in which 11 January fell on a Thursday (Monday is weekday 0)")
    year = number(a["year"], "likely_year")
    need(year == 2018, "of the years in which 11 January fell on a Thursday, which falls while accountable care "
                       f"systems were spoken of under that name? likely_year is {a['year']!r}")


@visible("claims_and_evidence", given="verdicts")
def claims_and_evidence(a, f):
    given = mapping(a["given"], "verdicts (a dict from claim to verdict)")
    for claim in ["ham_questioned_the_contract", "acos_let_companies_profit", "acos_modelled_on_pcts"]:
        need(given.get(claim) in VERDICTS, f"the verdict for {claim!r} should be one of VERDICTS; it is "
                                           f"{given.get(claim)!r}")
    need(given.get("ham_questioned_the_contract") == "shows it",
         "Chris Ham's letter is signed 'Chief executive, The King's Fund' and dated 25 February 2018; asking "
         "'whether it is needed at all at this stage' in print is the very act the claim describes")


@visible("what_a_source_cannot_show", given="verdicts")
def what_it_cannot_show(a, f):
    given = mapping(a["given"], "verdicts (a dict from claim to verdict)")
    need(given.get("comments_by_project_team") in VERDICTS,
         "the verdict for 'comments_by_project_team' should be one of VERDICTS")
    need(given.get("comments_by_project_team") == "cannot show",
         "the comments are unsigned; the header names Kevin Fenton and the project team as the writers of the "
         "blog post above them: does anything in the comments say who wrote them?")
