"""Checks shared by the headless explorer tests (tests/test_widgets_*.py).

Plain functions over an explorer, its model module and control values; each asserts and
returns nothing. Test files import them with ``from widget_checks import ...`` (pytest puts
``tests/`` on ``sys.path``) and keep their own cases, fixtures and module-specific tests.
"""

from __future__ import annotations

import inspect
import subprocess
import sys
from io import BytesIO
from pathlib import Path

import ipywidgets
import numpy as np
from matplotlib.figure import Figure
from PIL import Image

from course.widgets import Explorer

ROOT = Path(__file__).resolve().parents[1]
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
#: The largest chart a lesson page has room for (inches).
MAX_FIGSIZE = (10, 3.8)
#: What an artist-change check looks at: lines, patches (bars, spans, step histograms)
#: and texts. ``("lines",)`` asks for a line to move.
ALL_ARTISTS = ("lines", "patches", "texts")
#: Modules a pure model must not import.
VIEW_STACK = ("ipywidgets", "matplotlib.pyplot", "matplotlib", "IPython")


def png_bytes(explorer) -> bytes:
    """The chart's PNG (ipywidgets keeps the bytes as a memoryview)."""
    return bytes(explorer.image.value)


def pixels(explorer) -> np.ndarray:
    """The chart's pixels, decoded from its PNG."""
    return np.asarray(Image.open(BytesIO(png_bytes(explorer))))


def _patch_data(patch) -> np.ndarray:
    if hasattr(patch, "get_data"):                  # StepPatch (histograms)
        return np.asarray(patch.get_data().values, dtype=float).copy()
    if hasattr(patch, "get_bbox"):                  # rectangles, bars, spans
        return np.array(patch.get_bbox().bounds)
    return patch.get_path().vertices.copy()


def artist_data(figure, artists=ALL_ARTISTS) -> list[np.ndarray]:
    """Positions of every artist of the given kinds: what a data update moves."""
    data = []
    for ax in figure.axes:
        if "lines" in artists:
            data += [line.get_xydata().copy() for line in ax.get_lines()]
        if "patches" in artists:
            data += [_patch_data(patch) for patch in ax.patches]
        if "texts" in artists:
            data += [np.array([*text.get_position(), hash(text.get_text())], dtype=float)
                     for text in ax.texts]
    return data


def changed(before, after) -> bool:
    """Whether any artist moved between two ``artist_data`` snapshots."""
    return any(a.shape != b.shape or not np.array_equal(a, b, equal_nan=True)
               for a, b in zip(before, after, strict=True))


def check_structure(explorer, model, *, primary_types=None, cls=None,
                    max_figsize=None) -> None:
    """An explorer's widgets, classes, live-region reading, first chart and first reading.

    ``primary_types``: the widget classes the primary control may be; ``cls``: the
    explorer's own class; ``max_figsize``: (width, height) in inches the figure must fit
    (e.g. ``MAX_FIGSIZE``).
    """
    assert isinstance(explorer, ipywidgets.VBox) and isinstance(explorer, Explorer)
    if cls is not None:
        assert isinstance(explorer, cls)
    assert isinstance(explorer.figure, Figure)
    assert isinstance(explorer.image, ipywidgets.Image) and explorer.image.format == "png"
    png = png_bytes(explorer)
    assert png.startswith(PNG_SIGNATURE) and len(png) > 1000
    assert "course-chart" in explorer.image._dom_classes
    assert isinstance(explorer.reading, ipywidgets.HTML)
    assert "course-reading" in explorer.reading._dom_classes
    assert 'role="status"' in explorer.reading.value
    assert 'aria-live="polite"' in explorer.reading.value
    assert isinstance(explorer.errors, ipywidgets.Output) and not explorer.errors.outputs
    assert explorer.caption.value.strip()
    assert explorer.primary in explorer.controls
    if primary_types is not None:
        assert isinstance(explorer.controls[explorer.primary], primary_types)
    assert explorer.reading_text == model.reading(model.compute(**explorer.values()))
    for node in (explorer.image, explorer.reading, explorer.errors):
        assert node in explorer.children
    if max_figsize is not None:
        width, height = explorer.figure.get_size_inches()
        assert width <= max_figsize[0] and height <= max_figsize[1]


def check_controls(explorer, model=None) -> None:
    """Every control has a description and a tooltip and updates on release (sliders) or
    once per click (checkboxes, buttons); with ``model``, every control is a keyword of the
    model's ``compute``."""
    if model is not None:
        assert set(explorer.controls) <= set(inspect.signature(model.compute).parameters)
    for name, control in explorer.controls.items():
        assert control.description.strip(), name
        assert control.tooltip, name
        if isinstance(control, (ipywidgets.Checkbox, ipywidgets.ToggleButtons)):
            assert getattr(control, "continuous_update", False) is False, name
        else:
            assert control.continuous_update is False, name


def check_update(explorer, model, name, value, *, artists=ALL_ARTISTS) -> None:
    """Setting control ``name`` to ``value`` changes the reading (to the model's reading of
    ``compute(**values)``), the PNG and at least one artist of the kinds in ``artists``."""
    reading, png = explorer.reading_text, png_bytes(explorer)
    before = artist_data(explorer.figure, artists)
    explorer.controls[name].value = value
    assert not explorer.errors.outputs
    assert explorer.reading_text != reading, name
    assert explorer.reading_text == model.reading(model.compute(**explorer.values()))
    new_png = png_bytes(explorer)
    assert new_png != png and new_png.startswith(PNG_SIGNATURE)
    assert changed(before, artist_data(explorer.figure, artists))
    assert explorer.result is not None


def check_figure_reused(explorer, name, value) -> None:
    """An update moves artists on the same figure and axes; it never makes new ones."""
    figure, axes = explorer.figure, list(explorer.figure.axes)
    explorer.controls[name].value = value
    assert explorer.figure is figure and explorer.figure.axes == axes


def check_errors_reported(explorer, model, monkeypatch, name, value) -> None:
    """A failing ``compute`` is reported in the reading and ``errors`` (never raised), the
    last good chart stays, and the next good update clears the error."""
    png = png_bytes(explorer)

    def broken(*args, **kwargs):
        raise ValueError("simulated failure")

    monkeypatch.setattr(model, "compute", broken)
    explorer.controls[name].value = value    # must not raise
    assert "Could not update the chart: simulated failure" in explorer.reading.value
    assert explorer.reading_text.startswith("Could not update the chart")
    assert explorer.errors.outputs
    assert "simulated failure" in explorer.errors.outputs[-1]["text"]
    assert png_bytes(explorer) == png                   # last good chart stays
    monkeypatch.undo()
    explorer.update()
    assert not explorer.errors.outputs
    assert not explorer.reading_text.startswith("Could not")


def check_pure_modules(*modules: str, forbidden=VIEW_STACK) -> None:
    """Importing the model modules (in a fresh interpreter) imports none of ``forbidden``."""
    code = (f"import {', '.join(modules)}, sys; "
            f"print(*[m in sys.modules for m in {list(forbidden)!r}])")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                         text=True, check=True).stdout.split()
    assert out == ["False"] * len(forbidden)


def check_no_pyplot(module: str, *factories: str, warnings_as_errors: bool = False) -> None:
    """Building the explorers of ``module`` (the named factories, or all of ``EXPLORERS``) in
    a fresh interpreter never imports pyplot; with ``warnings_as_errors``, nor warns."""
    calls = "; ".join(f"e.{f}()" for f in factories) or "[f() for f in e.EXPLORERS.values()]"
    code = f"import {module} as e, sys; {calls}; print('matplotlib.pyplot' in sys.modules)"
    flags = ["-W", "error"] if warnings_as_errors else []
    run = subprocess.run([sys.executable, *flags, "-c", code], cwd=ROOT, capture_output=True,
                         text=True, check=True)
    assert run.stdout.split() == ["False"]
    if warnings_as_errors:
        assert not run.stderr


def check_blit_matches_fresh(explorer, factory, moves) -> None:
    """After the ``(control, value)`` moves, the blitted chart equals the chart of a fresh
    explorer at the same settings: a stale background would show up here."""
    for name, value in moves:
        explorer.controls[name].value = value
    fresh = factory(**explorer.values())
    assert np.array_equal(pixels(explorer), pixels(fresh))
