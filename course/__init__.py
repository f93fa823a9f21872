"""The course package: explorers, scenario generators, metric helpers and learner feedback.

Importing ``course`` is cheap and has no side effects (no global matplotlib styling, no file
reads, no widgets). Each module's material lives in a subpackage, e.g. ``course.m1``.
"""

__version__ = "0.1.0"
