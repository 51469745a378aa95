# nbgrader's settings for a student: released beside every assignment's notebook (in its folder, its
# LMS zip and the book's download), so that `nbgrader validate` run there prints only what concerns
# the student. The course's own settings, for the instructor, are in ../nbgrader_config.py.
import os

c = get_config()  # noqa: F821 (nbgrader defines it when it reads this file)

if os.name == "posix":
    # Validate's kernel talks to nbgrader over Unix sockets, not an unencrypted TCP port on the
    # machine, and so prints no warning about eavesdropping. (Windows has no such sockets.)
    c.KernelManager.transport = "ipc"
