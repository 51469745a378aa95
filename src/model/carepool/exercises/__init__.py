"""The graded exercises' figures and visible checks, one module per assignment.

A notebook imports its assignment's `your_figures` (the student's own
figures) and `check` (the visible checks a test cell runs, for Validate).
The grade itself is decided outside the student's kernel: see `kit`.
"""
