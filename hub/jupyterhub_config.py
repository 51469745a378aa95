"""JupyterHub for trying the course as a class on one machine (`make hub`; the tests in tests/hub).

Everyone logs in with a local account and password (PAM), and each person's JupyterLab runs as
their own Unix user (LocalProcessSpawner) from the course's virtualenv, which holds nbgrader,
JupyterLab and carepool. nbgrader's exchange is one shared folder. The instructor's server has
nbgrader's formgrader and the other instructor parts; a student's has the Assignment List and
Validate only. Which is which, and where the course and exchange are, comes from the class that
hub/classroom.py made (class.json in COURSE_HUB_DIR). The instructor guide's "The course on
JupyterHub" page says which of these settings carry over to Zero to JupyterHub.
"""

import json
import os
import pwd
import sys
from pathlib import Path

from jupyterhub.spawner import LocalProcessSpawner

sys.path.insert(0, str(Path(__file__).resolve().parent))
import classroom  # noqa: E402 (hub/classroom.py: the class's accounts, and running as one of them)

c = get_config()  # noqa: F821 (provided by JupyterHub when it loads this file)

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
VENV_BIN = Path(sys.executable).parent  # the course's virtualenv: the hub runs from it too
STATE = Path(os.environ["COURSE_HUB_DIR"])
CLASS = json.loads((STATE / "class.json").read_text(encoding="utf-8"))

# --- where it listens: this machine only --------------------------------------------------
c.JupyterHub.bind_url = f"http://127.0.0.1:{CLASS['port']}"
c.JupyterHub.hub_bind_url = f"http://127.0.0.1:{CLASS['hub_port']}"
c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{CLASS['proxy_api_port']}"
c.ConfigurableHTTPProxy.command = [str(REPO / "node_modules" / ".bin" / "configurable-http-proxy")]
c.ConfigurableHTTPProxy.pid_file = str(STATE / "hub" / "proxy.pid")
# The hub's own files (its database, cookie secret), readable by root only.
c.JupyterHub.db_url = f"sqlite:///{STATE / 'hub' / 'jupyterhub.sqlite'}"
c.JupyterHub.cookie_secret_file = str(STATE / "hub" / "jupyterhub_cookie_secret")
# On stopping, the hub stops every user's server and the proxy it started (JupyterHub's default).
c.JupyterHub.cleanup_servers = True
c.JupyterHub.cleanup_proxy = True

# --- who may log in: the class's accounts, with their passwords ------------------------------
c.JupyterHub.authenticator_class = "pam"
c.Authenticator.allowed_users = {CLASS["instructor"], *CLASS["students"]}
c.PAMAuthenticator.open_sessions = False  # no login session (utmp, systemd) for a web login
c.JupyterHub.load_groups = {"instructors": {"users": [CLASS["instructor"]]},
                            "students": {"users": list(CLASS["students"])}}

# --- each person's JupyterLab: their own Unix user, the course's environment -----------------
SINGLEUSER = str(VENV_BIN / "jupyterhub-singleuser")


class CourseSpawner(LocalProcessSpawner):
    """LocalProcessSpawner, able to run a Python that lives in a folder only root may pass.

    Where the virtualenv's Python is in such a folder (pyenv's, in /root), each server starts as
    root in a mount namespace of its own in which that folder shows only the way to the Python, and
    drops to its user with setpriv (classroom.as_user). Elsewhere (a Debian Python in /usr) it is
    LocalProcessSpawner as it is.
    """

    def make_preexec_fn(self, name):
        if classroom.hidden_folder() is None:
            return super().make_preexec_fn(name)
        home = pwd.getpwnam(name).pw_dir
        return lambda: os.chdir(home)  # still root here: the command drops to the user

    async def start(self):
        if classroom.hidden_folder() is not None:
            self.cmd = classroom.as_user(self.user.name, [SINGLEUSER], STATE)
        return await super().start()


c.JupyterHub.spawner_class = CourseSpawner
c.Spawner.cmd = [SINGLEUSER]
c.Spawner.default_url = "/lab"
c.Spawner.notebook_dir = "~"
c.Spawner.http_timeout = 120  # a first JupyterLab on a busy 2-core machine is slow to answer
c.Spawner.start_timeout = 180


def role(spawner) -> str:
    return "instructor" if spawner.user.name == CLASS["instructor"] else "student"


# Jupyter's settings for the role ranked above the environment's own (hub/instructor or
# hub/student: nbgrader's config, which nbgrader parts JupyterLab and the server switch on).
c.Spawner.environment = {
    "PATH": f"{VENV_BIN}:/usr/local/bin:/usr/bin:/bin",
    "JUPYTER_CONFIG_PATH": lambda spawner: str(HERE / role(spawner)),
    "COURSE_EXCHANGE": CLASS["exchange"],
    "COURSE_ROOT": lambda spawner: CLASS["course"] if role(spawner) == "instructor" else "",
}
