"""What the tests share that is not a fixture: paths, processes, servers, files and clocks.

Test files import from here (`from helpers.paths import CORPUS`), never from `conftest` or from
one another; fixtures stay in the `conftest.py` files. pytest puts `tests/` on `sys.path`
(pyproject.toml); a script a test runs in a child process puts it there itself
(`helpers.processes.SYS_PATH`).
"""
