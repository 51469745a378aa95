"""Cheating submissions, built from the real notebooks: what a student who games the tests would hand in.

Two attacks, each applied to every assignment:

- ``alwaysequal``: every name an answer cell defines is bound to an object
  that compares equal to everything, is true, pretends to be a float
  (``__class__``), has every attribute, item and call return itself, and
  whose metaclass says it is an instance and a subclass of everything.
- ``patched``: the same answers, and before them the comparison helpers a
  test might call are replaced: ``math.isclose``, NumPy's ``isclose``,
  ``allclose`` and ``array_equal``, the testing asserts of NumPy and pandas,
  and the builtins (``abs``, ``round``, ``isinstance``, ``type``, ``all``,
  ``any``, ``min``, ``max``, ``sorted``, ``len``, ``float``, ``int``,
  ``str``, ``bool``, ``set``, ``list``, ``sum``): in the notebook's namespace,
  where a test cell looks them up first, by liars that make a naive test
  pass; and the functions among them in the ``builtins`` module too, by
  liars that lie only about the always-equal object, so that the libraries
  the notebook uses keep working.

Both must score no more than a blank submission.
"""

from __future__ import annotations

import ast

from tests.exercises.kit import cells_by_id, reference_answers

ALWAYS_EQUAL = '''
class _EqualMeta(type):
    def __eq__(cls, other): return True
    def __ne__(cls, other): return False
    __hash__ = type.__hash__
    def __instancecheck__(cls, obj): return True
    def __subclasscheck__(cls, sub): return True


class Anything(metaclass=_EqualMeta):
    """Equal to everything, and whatever else a test may ask of it."""
    __class__ = property(lambda self: float)
    def __eq__(self, other): return True
    def __ne__(self, other): return False
    def __lt__(self, other): return True
    __le__ = __gt__ = __ge__ = __lt__
    def __hash__(self): return 0
    def __bool__(self): return True
    def __len__(self): return 3
    def __iter__(self): return iter(())
    def __contains__(self, item): return True
    def __getattr__(self, name):
        if name.startswith("_"):
            raise AttributeError(name)
        return self
    def __getitem__(self, key): return self
    def __call__(self, *args, **kwargs): return self
    def __float__(self): return 0.0
    def __int__(self): return 0
    __index__ = __int__
    def __round__(self, ndigits=None): return self
    def __abs__(self): return self
    def __neg__(self): return self
    __pos__ = __invert__ = __neg__
    def __add__(self, other): return self
    __radd__ = __sub__ = __rsub__ = __mul__ = __rmul__ = __truediv__ = __rtruediv__ = __add__
    __floordiv__ = __rfloordiv__ = __mod__ = __rmod__ = __pow__ = __rpow__ = __and__ = __rand__ = __add__
    __or__ = __ror__ = __xor__ = __rxor__ = __add__
    def __repr__(self): return "Anything()"
    __str__ = __repr__
    def __format__(self, spec): return "Anything()"
'''

PATCHES = '''
import builtins as _builtins
import math as _math
import numpy as _np
import pandas as _pd

_true = lambda *args, **kwargs: True
_nothing = lambda *args, **kwargs: None
_math.isclose = _np.isclose = _np.allclose = _np.array_equal = _np.array_equiv = _true
_np.testing.assert_allclose = _np.testing.assert_array_equal = _np.testing.assert_almost_equal = _nothing
_pd.testing.assert_frame_equal = _pd.testing.assert_series_equal = _pd.testing.assert_index_equal = _nothing
_pd.DataFrame.equals = _pd.Series.equals = _true

# In the notebook's namespace (where a test cell's names are found first): liars.
_real = {name: getattr(_builtins, name) for name in
         ["abs", "round", "isinstance", "issubclass", "type", "all", "any", "min", "max", "sorted", "len",
          "float", "int", "str", "bool", "set", "list", "sum", "repr", "callable", "hasattr"]}
abs = lambda x: 0
round = lambda x, ndigits=None: x
isinstance = issubclass = callable = hasattr = _true
type = lambda *args: Anything
all = any = bool = _true
min = max = lambda *args, **kwargs: args[0] if len(args) == 1 else Anything()
sorted = lambda x, *args, **kwargs: x
float = int = str = set = list = lambda x=None, *args: x
sum = lambda *args, **kwargs: Anything()

# In the builtins module (seen by every function, libraries too): liars that lie only about
# Anything, so that the kernel keeps working. The types (float, int, str, ...) stay: replacing
# a type there with a function breaks every isinstance() check in the libraries.
def _make(original, lie, _type=_real["type"]):
    def liar(*args, **kwargs):
        if [a for a in args if _type(a) is Anything] != []:
            return lie(*args, **kwargs)
        return original(*args, **kwargs)
    return liar

for _name, _lie in {"abs": lambda x: 0, "round": lambda x, n=None: x, "isinstance": _true, "issubclass": _true,
                    "all": _true, "any": _true, "min": lambda *a, **k: a[0], "max": lambda *a, **k: a[0],
                    "sorted": lambda x, *a, **k: x, "len": lambda x: 3}.items():
    setattr(_builtins, _name, _make(_real[_name], _lie))
'''


def names_defined(code: str) -> list[str]:
    """The top-level names an answer cell's code binds (assignments, functions, classes)."""
    names = []
    for node in ast.parse(code).body:
        targets = node.targets if isinstance(node, ast.Assign) else [node.target] if isinstance(node, ast.AnnAssign) else []
        for target in targets:
            for leaf in ast.walk(target):
                if isinstance(leaf, ast.Name) and leaf.id not in names:
                    names.append(leaf.id)
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)) and node.name not in names:
            names.append(node.name)
    return names


def cheating_answers(source_nb: dict, patch: bool) -> dict[str, str]:
    """Answers in which every name the reference answers define is bound to an always-equal object."""
    answers, first = {}, True
    cells = cells_by_id(source_nb)
    for grade_id, code in reference_answers(source_nb).items():
        if cells[grade_id]["cell_type"] != "code":
            continue  # written answers stay blank
        lines = []
        if first:
            lines.append(ALWAYS_EQUAL)
            if patch:
                lines.append(PATCHES)
            first = False
        lines += [f"{name} = Anything()" for name in names_defined(code)]
        answers[grade_id] = "\n".join(lines) + "\n"
    return answers


# The attack that took full automatic marks from a blank notebook when the kernel judged itself: find the
# IPython shell without naming it (so no word an instructor looks for appears), and add an input
# transformer that cuts every cell after this one down to its last line (a test cell's last line printed
# the proof that it had finished).
CUT_EVERY_CELL = '''
import gc
for _shell in gc.get_objects():
    if type(_shell).__name__ == "ZMQInteractiveShell":
        _shell.input_transformers_post.append(lambda lines: lines[-1:])
        break
'''

# A kernel that lies: whatever the grader asks for, it answers from a table of answers (here, another
# student's, or the practice figures'), and with 0 where the table has nothing. It gains only what
# typing a guess gains. {table} is a dict from expression to its JSON answer.
LIE_ABOUT_EVERY_ANSWER = '''
import ast as _ast
_table = {table!r}
_shell = get_ipython()
def _answer(code):
    inner = _ast.literal_eval(code[code.index("probe_json(") + len("probe_json("):code.rindex(", globals()")])
    return _table.get(inner, '{{"value": 0}}')
def _lying(expressions):
    return {{name: {{"status": "ok", "data": {{"text/plain": repr(_answer(code))}}, "metadata": {{}}}}
            for name, code in expressions.items()}}
_shell.user_expressions = _lying
'''

# A spy: records every expression the grader asks for and every cell it runs, and tries every way out it
# has: printing them (plainly and base64-encoded) as it is asked, writing them to files in its working
# folder, /tmp and home, and a cell run after it. If any of these reached the autograded notebook,
# formgrader or feedback, a hidden check's inputs would leak.
SPY = '''
import base64 as _b64, os as _os
_seen = []
_shell = get_ipython()
_asked = _shell.user_expressions
def _spy(expressions):
    for code in expressions.values():
        _seen.append(code)
        print("SPIED", code, _b64.b64encode(code.encode()).decode())
        for _folder in [_os.getcwd(), "/tmp", _os.path.expanduser("~")]:
            try:
                with open(_os.path.join(_folder, "spied.txt"), "a") as _out:
                    _out.write(code + "\\n")
            except OSError:
                pass
    return _asked(expressions)
_shell.user_expressions = _spy
_shell.events.register("post_run_cell", lambda *args: print("SPIED SO FAR", _seen))
'''
