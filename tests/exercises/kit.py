"""Helpers for the grading tests: submissions made from the real notebooks, scores read from the gradebook."""

from __future__ import annotations

import copy
import json
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
COURSE = ROOT / "exercises"
ASSIGNMENTS = sorted(p.name for p in (COURSE / "source").iterdir() if p.is_dir())
CELL_TIMEOUT = 30  # seconds a cell may run in these tests: importing pandas and Altair takes over 10 s on a loaded machine

# For each assignment, one plausible wrong answer: the answer cell it replaces,
# the wrong code, and the test cells that should lose their marks because of it.
WRONG_ANSWERS = {
    "paying_providers": (
        "marginal_rate_income_answer",
        # Paying emergency growth at full tariff: the marginal rate forgotten.
        "def marginal_rate_income(activity, baseline, price, rate=0.3):\n"
        "    return np.asarray(activity, dtype=float) * price\n",
        {"mret_payment_above_baseline", "income_from_one_more_admission", "payments_that_make_growth_a_loss"},
    ),
    "comparing_models": (
        "model_table_answer",
        # An ACS taken for an organisation holding the budget, the ACO for a partnership.
        None,  # built from the reference answer by `swap_acs_and_aco_holders`
        {"who_holds_the_budget"},
    ),
    "reading_sources": (
        "dating_answer",
        # Thursday taken as weekday() == 4 (it is 3: Monday is 0): the calendar finds no year in the ACS window.
        None,  # built from the reference answer by replacing the weekday
        {"likely_year_of_liverpool_post"},
    ),
    "pooling_budgets": (
        "more_deficits_answer",
        # The comparison the wrong way round: those whose chance of a deficit falls.
        'more_deficits_when_pooled = sorted(chance.index[chance["acs"] < chance["silos"]])\n',
        {"pooling_raises_risk_for_the_partners_above_the_system"},
    ),
    "integrated_health_organisations": (
        "wrong_pocket_answer",
        # The council's investment read from the wrong column: the 2018 ACO's, where social care was inside the budget.
        'moves = questions.wrong_pocket(investment_line="social_care", amount=AMOUNT, arrangements=ARRANGEMENTS)\n'
        'pocket = moves.pivot(index="organisation", columns="arrangement", values="surplus_change")[ARRANGEMENTS]\n'
        'council_change = {arrangement: float(pocket.loc["local_authority", "aco"]) for arrangement in ARRANGEMENTS}\n'
        'gain_under_iho = sorted(pocket.index[pocket["iho"] > 0.01])\n',
        {"the_wrong_pocket_remains_for_the_council"},
    ),
    "integrated_care": (
        "icb_wrong_pocket_answer",
        # The council's payment counted in the NHS's gain: the whole system's change, not the NHS's.
        'moves = questions.wrong_pocket(investment_line="social_care", amount=AMOUNT, arrangements=["silos", "icb"])\n'
        'under_icb = moves[moves["arrangement"] == "icb"].set_index("organisation")["surplus_change"]\n'
        'council_change_under_icb = under_icb["local_authority"]\n'
        'nhs_gain_under_icb = under_icb.sum()\n',
        {"the_wrong_pocket_outlives_the_icb"},
    ),
}


def make(*args: str, timeout: float = 900) -> subprocess.CompletedProcess:
    """Run a target of the real Makefile from the repository root, without redoing `setup`."""
    return subprocess.run(["make", "--no-print-directory", "-o", "setup", *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=timeout)


def nbgrader(course: Path, *args: str, timeout: float = 600) -> subprocess.CompletedProcess:
    from coursegrading.course import run_nbgrader

    return run_nbgrader(course, *args, timeout=timeout)


def read_nb(path: Path) -> dict:
    return json.loads(Path(path).read_text(encoding="utf-8"))


def text(cell: dict) -> str:
    """A cell's source as one string (notebook files store it as a string or a list of lines)."""
    return cell["source"] if isinstance(cell["source"], str) else "".join(cell["source"])


def cells_by_id(nb: dict) -> dict[str, dict]:
    return {c["metadata"]["nbgrader"]["grade_id"]: c for c in nb["cells"] if "nbgrader" in c["metadata"]}


def autograded_points(source_nb: dict) -> dict[str, float]:
    """The points of each autograded test cell (grade_id -> points)."""
    return {gid: float(c["metadata"]["nbgrader"]["points"]) for gid, c in cells_by_id(source_nb).items()
            if c["metadata"]["nbgrader"].get("grade") and not c["metadata"]["nbgrader"].get("solution")}


def with_answers(released: dict, answers: dict[str, str]) -> dict:
    """A copy of the released notebook with the given cells' sources replaced."""
    nb = copy.deepcopy(released)
    cells = cells_by_id(nb)
    for grade_id, source in answers.items():
        cells[grade_id]["source"] = source
    return nb


def reference_answers(source_nb: dict) -> dict[str, str]:
    """The instructor's answer in every answer cell, without nbgrader's markers (as a student would type it)."""
    answers = {}
    for gid, cell in cells_by_id(source_nb).items():
        meta = cell["metadata"]["nbgrader"]
        if meta.get("solution"):
            src = text(cell)
            answers[gid] = "\n".join(l for l in src.splitlines() if "BEGIN SOLUTION" not in l and "END SOLUTION" not in l)
    return answers


def swap_acs_and_aco_holders(answer: str) -> str:
    return (answer.replace('"commissioners and providers together",', '"@ACS@",')
            .replace('"a provider or alliance of providers"', '"commissioners and providers together"')
            .replace('"@ACS@",', '"a provider or alliance of providers",'))


def wrong_answers(assignment: str, source_nb: dict) -> dict[str, str]:
    grade_id, code, _ = WRONG_ANSWERS[assignment]
    if code is None and assignment == "reading_sources":
        code = reference_answers(source_nb)[grade_id].replace(".weekday() == 3", ".weekday() == 4")
    elif code is None:
        code = swap_acs_and_aco_holders(reference_answers(source_nb)[grade_id])
        assert code != reference_answers(source_nb)[grade_id]
    return {**reference_answers(source_nb), grade_id: code}


def submit(course: Path, student: str, assignment: str, nb: dict | str) -> Path:
    """Put a submission where nbgrader collects them: submitted/<student>/<assignment>/."""
    folder = course / "submitted" / student / assignment
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{assignment}.ipynb"
    target.write_text(nb if isinstance(nb, str) else json.dumps(nb, indent=1), encoding="utf-8")
    return target


def scores(course: Path, assignment: str, student: str) -> dict[str, float]:
    """The autograded score of each graded cell of a student's notebook, from the gradebook."""
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        notebook = gb.find_submission_notebook(assignment, assignment, student)
        return {grade.name: grade.score for grade in notebook.grades}


def total(course: Path, assignment: str, student: str, cells=None) -> float:
    got = scores(course, assignment, student)
    return sum(v for k, v in got.items() if cells is None or k in cells)


def press_validate(page, screenshot: Path) -> str:
    """Press Validate in an open notebook in JupyterLab, as a student does; the dialog's text when done."""
    import re

    page.wait_for_selector(".jp-Notebook", timeout=180_000)
    page.get_by_role("button", name=re.compile("Validate")).first.click(timeout=60_000)
    dialog = page.locator(".jp-Dialog-content")
    dialog.wait_for(timeout=300_000)
    page.wait_for_function("() => !document.querySelector('.jp-Dialog-content').innerText.includes('Validating')",
                           timeout=300_000)
    page.screenshot(path=str(screenshot))
    return dialog.inner_text()
