"""nbgrader settings for everyone on the hub: setup.sh installs this file as
<prefix>/env/etc/jupyter/nbgrader_config.py, where every user's nbgrader reads it.

The exchange root is a world-writable folder; @EXCHANGE@ is replaced by setup.sh. Each
instructor's ~/.jupyter/nbgrader_config.py adds CourseDirectory.root (their course folder).
"""

c = get_config()  # noqa: F821  (injected by traitlets)

c.CourseDirectory.course_id = "pm-ml-judgment"
c.Exchange.root = "@EXCHANGE@"
# Notebook checkpoints and caches never travel through the exchange: nbgrader's default,
# stated here because submissions rely on it (tests/test_hub.py checks a collected one).
c.CourseDirectory.ignore = [".ipynb_checkpoints", "*.pyc", "__pycache__", "feedback"]
