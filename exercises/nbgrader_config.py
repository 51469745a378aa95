"""nbgrader configuration for the course's graded exercises.

Run every nbgrader command from this folder (``cd exercises``), as nbgrader
expects; ``make release``, ``make autograde`` and the other targets do so.
"""

from pathlib import Path

c = get_config()  # noqa: F821 (provided by nbgrader when it loads this file)

c.CourseDirectory.course_id = "who-holds-the-budget"
c.CourseDirectory.root = str(Path(__file__).resolve().parent)

# The gradebook is SQLite in this folder by default. For several graders
# sharing one gradebook, point it at PostgreSQL instead, e.g.
#   c.CourseDirectory.db_url = "postgresql://grader@dbhost/who_holds_the_budget"
# (the book's "For instructors" part says how).

# A student's cell may run for at most this many seconds when autograded;
# a cell that runs longer is interrupted, marked with a CellTimeoutError,
# and the rest of the notebook still runs.
c.Execute.timeout = 60
c.Execute.interrupt_on_timeout = True
# After a cell's reply nbgrader waits this long for its last outputs before failing the
# whole notebook (4 s by default): on a machine busy grading several at once they lag.
c.Execute.iopub_timeout = 60

# Students' code runs in the sandbox (coursegrading.sandbox: bubblewrap, no
# network, no instructor file, the unprivileged user nobody) whenever this
# course autogrades: `make autograde`, `nbgrader autograde` and formgrader's
# autograde button alike. `make autograde ... SANDBOX=off` (or the command
# line's --no-sandbox) turns it off for one run; see the instructor guide.
c.Execute.kernel_manager_class = "coursegrading.sandbox.SandboxedKernelManager"

# The kernel computes, the grader judges (coursegrading.judge): the student's notebook runs with its
# test cells left empty, each graded cell's answers are read out of the kernel as plain data, and
# the checks (visible and hidden, in checks/<assignment>.py, never released) run in the grader's
# own process against the expected answers for that student's own figures. nbgrader's own steps
# follow, in its order.
c.Autograde.autograde_preprocessors = [
    "coursegrading.judge.JudgeAnswers",
    "nbgrader.preprocessors.IgnorePattern",
    "nbconvert.preprocessors.ClearMetadataPreprocessor",
    "nbgrader.preprocessors.LimitOutput",
    "nbgrader.preprocessors.SaveAutoGrades",
    "nbgrader.preprocessors.AssignLatePenalties",
    "nbgrader.preprocessors.CheckCellMetadata",
]
# Every student's figures are drawn from this seed, the assignment and the student's id: change it
# for each new run of the course (a variant is reproducible from the seed alone; it is not a secret).
c.JudgeAnswers.course_seed = "who-holds-the-budget/2026-27"
c.JudgeAnswers.checks_dir = "checks"

# Released notebooks keep their tests visible but never the hidden ones.
c.ClearSolutions.code_stub = {"python": "# YOUR CODE HERE\nraise NotImplementedError()"}
c.ClearSolutions.text_stub = "YOUR ANSWER HERE"
c.ClearHiddenTests.enforce_metadata = True

# A student's deleted graded cell is not put back for them: the submission is
# reported as broken before grading (see coursegrading.submissions).
c.OverwriteCells.add_missing_cells = False

# Editor checkpoints and Python caches never belong in a release.
c.CourseDirectory.ignore = [".ipynb_checkpoints", "*.pyc", "__pycache__", "feedback", "autograde_status"]

# `nbgrader zip_collect` (make collect): an LMS download holds one file per
# student named <student>_<notebook>.ipynb, e.g. jdoe42_paying_providers.ipynb
# (student ids without underscores). The regexp sees each file's full path.
c.FileNameCollectorPlugin.named_regexp = r".*/(?P<student_id>[A-Za-z0-9.\-]+)_(?P<file_id>[A-Za-z0-9_]+\.ipynb)$"

# `nbgrader export` (make export): every student on the roster, each with a status
# (graded, failed to run, missing), even one whose notebook was too broken to grade.
c.ExportApp.plugin_class = "coursegrading.export.RosterCsvExportPlugin"

# Feedback is made from the autograded notebook, which holds the hidden tests:
# strip them, and any error that quotes them, before students see it.
c.GenerateFeedback.preprocessors = [
    "nbgrader.preprocessors.GetGrades",
    "coursegrading.feedback.RedactHiddenTests",
    "coursegrading.offline.OfflineAssets",
    "nbconvert.preprocessors.CSSHTMLHeaderPreprocessor",
]

# Feedback files and formgrader's pages load nothing from outside (no CDN): nbconvert's
# MathJax macro is replaced by one that loads nothing, and the course's own MathJax goes in
# the page when it has maths (coursegrading.offline). And nothing a student's kernel made runs
# there (coursegrading.safe_html): charts become SVG pictures, the HTML of outputs and Markdown
# is sanitised, and a Content-Security-Policy lets only the page's own scripts run.
from coursegrading.offline import template_paths  # noqa: E402

c.HTMLExporter.sanitize_html = True
c.HTMLExporter.filters = {"clean_html": "coursegrading.safe_html.clean",
                          "strip_files_prefix": "coursegrading.safe_html.strip_files_prefix_and_clean"}

c.GenerateFeedback.HTMLExporter.template_name = "offline_feedback"
c.GenerateFeedback.HTMLExporter.template_paths = template_paths("feedback")
c.HTMLExporter.template_name = "offline_formgrade"  # formgrader's exporter
c.HTMLExporter.template_paths = template_paths("formgrade")
c.HTMLExporter.preprocessors = ["coursegrading.offline.OfflineAssets"]
