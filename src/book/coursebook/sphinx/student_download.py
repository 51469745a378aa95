"""The ``student-download <assignment>`` directive: what a student needs to work an exercise.

Everything comes from the book itself, with no copy of the course's repository:
the assignment's zip (the notebook and the settings its *Validate* reads), the
wheel of ``carepool`` that the build makes beside it (the model the notebook
imports), and the three commands that make an environment, install both and
open the notebook. The build (scripts/build_book.py) puts the wheel and the
zips in book/exercises/student/; a page whose files are missing fails the build.
"""

from __future__ import annotations

from pathlib import Path

from docutils import nodes
from docutils.statemachine import StringList
from sphinx.application import Sphinx
from sphinx.util.docutils import SphinxDirective

# Where the release and the wheel land, relative to the exercise pages (book/exercises/).
STUDENT_FOLDER = "student"
NBGRADER = "nbgrader>=0.9.6,<0.10"


class StudentDownload(SphinxDirective):
    required_arguments = 1
    has_content = False

    def run(self) -> list[nodes.Node]:
        assignment = self.arguments[0]
        folder = Path(self.env.doc2path(self.env.docname)).parent / STUDENT_FOLDER
        zipped = folder / f"{assignment}.zip"
        wheels = sorted(folder.glob("carepool-*.whl"))
        if not zipped.is_file() or len(wheels) != 1:
            raise self.error(f"student-download {assignment}: {folder} should hold {zipped.name} and one carepool "
                             f"wheel (the build's release and wheel steps make them); found "
                             f"{sorted(p.name for p in folder.glob('*')) if folder.is_dir() else 'no folder'}")
        wheel = wheels[0].name
        notebook = f"{assignment}/{assignment}.ipynb"
        text = f"""\
**To work it on your own computer** you need Python 3.11 or later and these two files, saved in one
folder:

- {{download}}`{zipped.name} <{STUDENT_FOLDER}/{zipped.name}>`: the notebook, with the settings its
  *Validate* uses; unzip it there (it makes a folder `{assignment}`);
- {{download}}`{wheel} <{STUDENT_FOLDER}/{wheel}>`: `carepool`, the course's model, which the notebook
  imports.

Then, in a terminal in that folder:

```bash
python3 -m venv course-env
course-env/bin/pip install {wheel} jupyterlab "{NBGRADER}"
course-env/bin/jupyter lab {notebook}
```

On Windows, write `course-env\\Scripts\\` where these say `course-env/bin/`. One environment serves
every exercise: for the next, unzip its notebook in the same folder and open it with the third
command. In JupyterLab, *Validate* in the notebook's toolbar runs the checks you can see; from a
terminal in the `{assignment}` folder, `../course-env/bin/nbgrader validate {assignment}.ipynb`
does the same.
"""
        container = nodes.container(classes=["student-download"])
        self.state.nested_parse(StringList(text.splitlines(), source=self.get_source_info()[0]),
                                self.content_offset, container)
        for path in (zipped, wheels[0]):
            self.env.note_dependency(str(path))
        return [container]


def setup(app: Sphinx) -> dict:
    app.add_directive("student-download", StudentDownload)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
