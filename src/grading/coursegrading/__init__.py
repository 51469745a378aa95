"""The instructor's side of the graded exercises, around nbgrader.

- `course`: running nbgrader commands in the course folder (`exercises/`).
- `submissions`: checking a submitted notebook before it is graded, so a
  broken one is reported as broken rather than scored as empty.
- `autograde`: grading a whole class one student at a time, with progress and
  a summary that tells graded, failed to run (and why) and missing apart.
- `release`: the student version of every assignment, zipped for an LMS and
  copied into the book.
"""
