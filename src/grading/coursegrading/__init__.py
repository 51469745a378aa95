"""The instructor's side of the graded exercises, around nbgrader.

- `course`: running nbgrader commands in the course folder (`exercises/`).
- `submissions`: checking a submitted notebook before it is graded, so a
  broken one is reported as broken rather than scored as empty.
- `autograde`: grading a whole class, several students at once, with progress
  and a summary that tells graded, failed to run (and why) and missing apart.
- `inprocess`: nbgrader's autograder called in-process (nbgrader's start paid
  once per worker, not per student).
- `pool`: the local workers, one process per submission forked from one that
  imported nbgrader; `distributed`: the same on a Dask cluster.
- `sandbox`: the bubblewrap sandbox students' code runs in;
  `warm_kernels`: students' kernels forked, into that sandbox, from one
  that has done the notebooks' imports.
- `status`: what happened to each student's submission, kept for `export`,
  the CSV export listing every student on the roster with a status.
- `feedback`: hidden tests redacted from feedback, visible tests' messages kept.
- `offline`: feedback and formgrader pages with the course's own Vega and
  MathJax, loading nothing from outside.
- `release`: the student version of every assignment, zipped for an LMS and
  copied into the book.
"""
