"""Session-wide test settings."""

import os

import pytest


@pytest.fixture(autouse=True, scope="session")
def _progress_file_outside_home(tmp_path_factory):
    """Checks record progress to a file; keep the tests' records out of the tester's home.

    Set in os.environ so that every kernel a test starts (nbclient, nbgrader) inherits it.
    """
    path = tmp_path_factory.mktemp("progress") / "progress.json"
    old = os.environ.get("PM_ML_PROGRESS_FILE")
    os.environ["PM_ML_PROGRESS_FILE"] = str(path)
    yield path
    if old is None:
        os.environ.pop("PM_ML_PROGRESS_FILE", None)
    else:
        os.environ["PM_ML_PROGRESS_FILE"] = old
