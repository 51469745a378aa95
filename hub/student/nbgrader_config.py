"""nbgrader's settings in a student's server on the course's JupyterHub (hub/jupyterhub_config.py):
the one course they fetch from and submit to, and where its exchange is."""

import os

c = get_config()  # noqa: F821 (provided by nbgrader when it loads this file)

c.CourseDirectory.course_id = "who-holds-the-budget"
c.Exchange.root = os.environ.get("COURSE_EXCHANGE", "/srv/nbgrader/exchange")
