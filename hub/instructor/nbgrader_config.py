"""nbgrader's settings in the instructor's server on the course's JupyterHub (hub/jupyterhub_config.py).

The course's own settings (the sandbox, the checks, the seed) stay in the course folder's
nbgrader_config.py, which nbgrader reads from `CourseDirectory.root` after this file.
The hub's spawner says where the course and the exchange are (COURSE_ROOT, COURSE_EXCHANGE).
"""

import os

c = get_config()  # noqa: F821 (provided by nbgrader when it loads this file)

c.CourseDirectory.course_id = "who-holds-the-budget"
# The course folder, the instructor's own (nbgrader's "One Class, One Grader" set-up).
c.CourseDirectory.root = os.environ.get("COURSE_ROOT", os.path.expanduser("~/course"))
# The exchange every server of the class shares (it must exist, writable by everyone).
c.Exchange.root = os.environ.get("COURSE_EXCHANGE", "/srv/nbgrader/exchange")
