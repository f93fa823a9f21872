"""Shared view machinery for the course's explorers (interactive trade-off widgets).

An explorer is a view over a pure model module that has ``compute(**settings)`` and
``reading(result)``. The view only wires controls to the model:

- ``controls`` maps each *keyword of the model's* ``compute`` to one keyboard-operable
  control, so the current settings are always ``compute(**explorer.values())``;
- ``figure`` is a plain ``matplotlib.figure.Figure`` made once (no pyplot, no global style);
  each update moves its artists and re-renders it as a PNG into ``image``, which displays the
  same way in classic Jupyter, JupyterLab and Voila without a matplotlib widget backend;
- rendering blits: axes, ticks, legends and slow-changing curves are drawn once into a
  background; an update restores that background and draws only the artists registered
  with ``animate`` (the ones the primary control moves). Ticks and legends are most of
  matplotlib's drawing time, so this keeps a slider step to a few milliseconds of drawing.
  The background is redrawn whenever an axis range or ``background_key(result)`` changes;
- ``reading`` is the model's one-line reading, announced politely to screen readers;
- ``errors`` receives the traceback if an update fails; the callback itself never raises.

Constructors never call ``display()``: a notebook shows an explorer by ending a cell with it.
"""

from __future__ import annotations

import html
import math
import traceback
from io import BytesIO
from typing import Any

import ipywidgets as widgets
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from PIL import Image as PILImage

#: Default chart size (inches) and resolution (dots per inch); about 770 x 290 pixels.
FIGSIZE = (9.0, 3.4)
DPI = 85
#: zlib level for the PNG: 1 is several times faster than the default 6 for a few KB more.
PNG_COMPRESS_LEVEL = 1
_DESCRIPTION_STYLE = {"description_width": "14em"}
_CONTROL_LAYOUT = {"width": "32em"}


def _styled(control_class, description: str, tooltip: str, **options) -> widgets.Widget:
    options.setdefault("style", dict(_DESCRIPTION_STYLE))
    options.setdefault("layout", widgets.Layout(**_CONTROL_LAYOUT))
    return control_class(description=description, tooltip=tooltip, **options)


def float_slider(description: str, tooltip: str, **options) -> widgets.FloatSlider:
    """A float slider that updates on release (or on each arrow-key step)."""
    return _styled(widgets.FloatSlider, description, tooltip, continuous_update=False, **options)


def int_slider(description: str, tooltip: str, **options) -> widgets.IntSlider:
    """An integer slider that updates on release (or on each arrow-key step)."""
    return _styled(widgets.IntSlider, description, tooltip, continuous_update=False, **options)


def log_slider(description: str, tooltip: str, *, low: float, high: float, value: float,
               steps_per_decade: int = 10, readout_format: str = ".1%") -> widgets.FloatLogSlider:
    """A base-10 log slider from ``low`` to ``high`` (values, not exponents)."""
    return _styled(widgets.FloatLogSlider, description, tooltip, continuous_update=False,
                   base=10, min=math.log10(low), max=math.log10(high),
                   step=1 / steps_per_decade, value=value, readout_format=readout_format)


def reading_html(text: str) -> str:
    """Wrap a plain-text reading as a live region that screen readers announce."""
    return f'<p role="status" aria-live="polite">{html.escape(text)}</p>'


class Explorer(widgets.VBox):
    """Base class: controls on top, the chart as a PNG, the reading, then an error area.

    Subclasses pass the model module, the controls and the name of the ``primary`` control
    (the slider a benchmark or browser test moves), and implement ``setup(figure)`` (create
    axes and artists once, registering the fast-moving ones with ``animate``),
    ``draw(result)`` (move the artists) and, if any non-animated artist changes,
    ``background_key(result)`` (a value that changes whenever such an artist does).
    """

    def __init__(self, model: Any, controls: dict[str, widgets.Widget], *, primary: str,
                 figsize: tuple[float, float] = FIGSIZE, dpi: int = DPI,
                 chart_description: str = "", **initial: Any):
        unknown = sorted(set(initial) - set(controls))
        if unknown:
            raise TypeError(f"unknown setting(s) {unknown}; this explorer has {list(controls)}")
        if primary not in controls:
            raise ValueError(f"primary control {primary!r} is not one of {list(controls)}")
        for name, value in initial.items():
            controls[name].value = value
        self.model = model
        self.controls = controls
        self.primary = primary
        self.dpi = dpi
        self.result = None
        self.reading_text = ""
        self.figure = Figure(figsize=figsize, dpi=dpi)
        FigureCanvasAgg(self.figure)
        self._animated: list = []
        self._background = None
        self._drawn_key = None
        self.setup(self.figure)
        # No tooltip on Image: ipywidgets 8.1.9 fails to render an Image view that has one.
        self.image = widgets.Image(format="png",
                                   layout=widgets.Layout(max_width="100%", height="auto"))
        self.image.add_class("course-chart")
        # What the chart shows, in words, for screen readers and for anyone skimming.
        self.caption = widgets.HTML(
            f'<small>{html.escape(chart_description)}</small>' if chart_description else "")
        self.caption.add_class("course-caption")
        self.reading = widgets.HTML()
        self.reading.add_class("course-reading")
        self.errors = widgets.Output()
        control_box = widgets.Box(list(controls.values()),
                                  layout=widgets.Layout(flex_flow="row wrap"))
        super().__init__(children=[control_box, self.image, self.caption, self.reading,
                                   self.errors])
        self.add_class("course-explorer")
        for control in controls.values():
            control.observe(self.update, names="value")
        self.update()

    # -- for subclasses -------------------------------------------------------------------
    def setup(self, figure: Figure) -> None:
        """Create the axes and every artist that ``draw`` will later move. Called once."""
        raise NotImplementedError

    def draw(self, result: Any) -> None:
        """Move the artists made in ``setup`` to show ``result``."""
        raise NotImplementedError

    def background_key(self, result: Any) -> Any:
        """A value that changes whenever a non-animated artist changes (default: never)."""
        return None

    def animate(self, artist):
        """Register ``artist`` as redrawn on every update (drawn in registration order)."""
        artist.set_animated(True)
        self._animated.append(artist)
        return artist

    # -- the update path ------------------------------------------------------------------
    def values(self) -> dict[str, Any]:
        """Current control values, keyed by the model's ``compute`` keywords."""
        return {name: control.value for name, control in self.controls.items()}

    def render_png(self, key: Any = None) -> bytes:
        """The figure as PNG bytes (at the figure's dpi), redrawing the background if needed.

        ``key`` is the current ``background_key``; the background is redrawn when it or any
        axis range differs from the last drawn one.
        """
        canvas = self.figure.canvas
        key = (key, [(ax.get_xlim(), ax.get_ylim()) for ax in self.figure.axes])
        if self._background is None or key != self._drawn_key:
            canvas.draw()                      # everything except the animated artists
            self._background = canvas.copy_from_bbox(self.figure.bbox)
            self._drawn_key = key
        else:
            canvas.restore_region(self._background)
        for artist in self._animated:
            self.figure.draw_artist(artist)
        rgba = canvas.buffer_rgba()
        height, width = rgba.shape[:2]
        picture = PILImage.frombuffer("RGBA", (width, height), rgba, "raw", "RGBA", 0, 1)
        buffer = BytesIO()
        picture.convert("RGB").save(buffer, format="png", compress_level=PNG_COMPRESS_LEVEL)
        return buffer.getvalue()

    def savefig_png(self) -> bytes:
        """The whole figure through ``Figure.savefig`` (slower; for exporting a chart)."""
        buffer = BytesIO()
        for artist in self._animated:
            artist.set_animated(False)
        try:
            self.figure.savefig(buffer, format="png", dpi=self.dpi)
        finally:
            for artist in self._animated:
                artist.set_animated(True)
        self._background = None   # savefig redraws the canvas; rebuild the background next time
        return buffer.getvalue()

    def _show_reading(self, text: str) -> None:
        self.reading_text = text
        self.reading.value = reading_html(text)

    def update(self, change: Any = None) -> None:
        """Recompute from the controls, move the artists, re-render the chart and the reading.

        Never raises: a failure leaves the last good chart in place, says so in the reading
        and puts the traceback in ``errors``.
        """
        try:
            # Looked up on each call, so a replaced (e.g. monkeypatched) compute is honoured.
            result = self.model.compute(**self.values())
            text = self.model.reading(result)
            self.draw(result)
            png = self.render_png(self.background_key(result))
        except Exception as exc:  # a callback must report, never raise
            message = str(exc) or type(exc).__name__
            self.errors.outputs = ()
            self.errors.append_stderr(traceback.format_exc())
            self._show_reading(f"Could not update the chart: {message}. "
                               "Try another value; the error is shown below.")
            return
        self.result = result
        self.image.value = png
        self._show_reading(text)
        if self.errors.outputs:
            self.errors.outputs = ()
