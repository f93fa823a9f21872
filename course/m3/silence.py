"""Monitoring that notices silence and slices: freshness, row counts and drift, per grain.

Ledgerly (fictional), a payments company, feeds its fraud model from four sources:

- ``payments``: a stream, one row per payment, tagged with the merchant and the app version
  the customer paid from;
- ``device signals``: a stream, one row per payment from the app's SDK, carrying the device
  feature the model uses (recorded here as one of ``BINS`` bins, equally likely in normal
  weeks) and tagged like the payment;
- ``merchant profiles``: a nightly batch job that rewrites one profile row per merchant;
- ``model``: the deployed model, retrained and redeployed every Monday.

The simulation covers ``HOURS`` hours (4 weeks, hour 0 = Monday 00:00). Week 1 is the
*baseline* the monitors learn "normal" from; weeks 2-4 are watched, with six injected
incidents (``INCIDENTS``): a merchant whose feed goes silent, a merchant losing most of its
payments, a batch job that stops (every profile is yesterday's), an app release that sends a
default value, a model version that never got deployed, and a device feed that delivers
nothing for six night hours.

Three monitors, each computed per *group* of one grain (``GRAINS``: "global", "per source",
"per merchant", "per app version"):

- **freshness** (checked every hour): a group's *age* is the hours since its newest update
  (a stream updates at the end of each hour that delivered a row; a batch when its job
  finishes; the model when it is deployed). It alerts when the age exceeds the group's
  schedule (1 hour for a group fed by a stream, 24 for the nightly batch, 168 for the weekly
  deploy) plus ``freshness_slack_hours``;
- **row count** (every hour, stream rows only: all stream rows for the global group, each
  stream's own for a source, the payments of a merchant or of an app version, whose device
  signals belong to the device source): rows in the last ``ROW_WINDOW_HOURS`` hours
  against the baseline's expectation for those hours of the day (the mean of the baseline
  week's 7 days, hour by hour); it alerts when the drop is at least ``row_drop_pct`` percent;
- **drift** (once a day, at midnight, device signals only): PSI (``course.m3.monitoring``'s
  convention: shares floored at 1e-4, natural log) of the day's device-feature shares
  against the group's baseline-week shares; it alerts at ``drift_threshold`` or above.

Checks run at every hour ``t`` from ``FIRST_CHECK`` (169) to ``HOURS`` (672) inclusive; a
check at ``t`` sees the hours before ``t``. Consecutive alerting checks of one monitor on one
group are one *page* (an episode). A page *catches* an incident when its monitor is one whose signal
the incident moves (``Incident.symptoms``), its group contains data the incident touched, and
it starts between the incident's start and
``GRACE_HOURS`` after its end; the delay is the page's start minus the incident's start, in
hours. A page that catches nothing is a *false alarm*; false alarms per week are counted over
the ``WATCHED_WEEKS`` (3) watched weeks.

The world, drawn in this order from ``rng = numpy.random.default_rng(seed)``:

1. payments per hour, merchant and app version,
   ``rng.poisson(BASE_RATE * day_profile(hour) * merchant share * version share)``;
2. during incident "Fernway loses 65%", each of Fernway Pharmacy's hourly counts is
   replaced by ``rng.binomial(count, 0.35)``;
3. the device-feature bins of each hour/merchant/version,
   ``rng.multinomial(device rows, [1 / BINS] * BINS)``;
4. the nightly job's finishing delay each day, ``rng.integers(0, 7, DAYS)`` hours after
   03:00; 5. the weekly deploy's delay each week, ``rng.integers(0, 5, 4)`` hours after
   Monday 10:00.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd

from course.m3.monitoring import psi_from_shares

# --- the stream ------------------------------------------------------------------------------

HOURS = 672
DAYS = HOURS // 24
BASELINE_HOURS = 168
FIRST_CHECK = BASELINE_HOURS + 1
WATCHED_WEEKS = 3
#: Payments per hour at the busiest hour of the day (before merchant and version shares).
BASE_RATE = 900.0
MERCHANTS = {"Bramble Books": 0.30, "Copperpot Kitchens": 0.22, "Dune Outfitters": 0.18,
             "Fernway Pharmacy": 0.14, "Gale Cycles": 0.10, "Harbor Tea": 0.06}
APP_VERSIONS = {"5.1": 0.55, "5.2": 0.37, "5.3": 0.08}
SOURCES = ("payments", "device signals", "merchant profiles", "model")
#: Each source's schedule: the most hours that pass between two updates in a normal week.
SCHEDULE_HOURS = {"payments": 1, "device signals": 1, "merchant profiles": 24, "model": 168}
BINS = 10
#: The nightly job starts at 03:00 and finishes 0-6 hours later; the deploy is on Mondays at
#: 10:00, 0-4 hours late.
BATCH_HOUR, BATCH_MAX_DELAY = 3, 6
DEPLOY_HOUR, DEPLOY_MAX_DELAY = 10, 4
ROW_WINDOW_HOURS = 3
GRACE_HOURS = 6
SEED = 5

GRAINS = ("global", "per source", "per merchant", "per app version")
MONITORS = ("freshness", "row count", "drift")
#: The explorer's grids of alert settings.
SLACK_GRID = (1, 2, 3, 4, 6, 12, 24)
DROP_GRID = (10, 20, 30, 40, 50, 60, 70, 80, 90)
DRIFT_GRID = (0.02, 0.05, 0.1, 0.25)


@dataclass(frozen=True)
class Incident:
    """One injected incident: hours ``start`` (inclusive) to ``end`` (exclusive), what it
    touched (``sources``, and ``merchant`` / ``version`` when it is confined to one), the
    monitors whose signal it moves (``symptoms``), and who should be paged (``owner``)."""

    name: str
    what: str
    start: int
    end: int
    sources: tuple[str, ...]
    symptoms: tuple[str, ...]
    merchant: str | None = None
    version: str | None = None
    owner: str = ""


def _at(day: int, hour: int) -> int:
    return 24 * day + hour


#: The incidents, by start. ``end`` of the stale batch is filled in per seed (the job's next
#: successful run); ``HOURS`` means "still broken at the end of the log".
INCIDENTS = (
    Incident("Harbor Tea silent", "one merchant's feed delivers nothing for 30 hours",
             _at(9, 10), _at(10, 16), ("payments", "device signals"), ("freshness", "row count"),
             merchant="Harbor Tea",
             owner="merchant integrations"),
    Incident("profiles stale", "the nightly merchant-profile job stops: every profile is "
             "yesterday's (or older) for three days", _at(12, BATCH_HOUR), -1,
             ("merchant profiles",), ("freshness",), owner="data engineering"),
    Incident("Fernway loses 65%", "a checkout-plugin timeout drops about 2 in 3 of one merchant's "
             "payments for 8 hours", _at(15, 10), _at(15, 18),
             ("payments", "device signals"), ("row count",), merchant="Fernway Pharmacy",
             owner="merchant integrations"),
    Incident("app 5.3 sends a default", "app 5.3 sends the default device value for every "
             "payment after an OS update", _at(18, 0), HOURS, ("device signals",), ("drift",),
             version="5.3", owner="mobile app team"),
    Incident("model v7 not deployed", "the weekly deploy fails silently: the week-3 model "
             "keeps serving", _at(21, DEPLOY_HOUR), HOURS, ("model",), ("freshness",),
             owner="ML platform"),
    Incident("device feed outage", "the device-signal feed delivers nothing from 02:00 to "
             "08:00", _at(24, 2), _at(24, 8), ("device signals",),
             ("freshness", "row count"), owner="data engineering"),
)
_STALE_DAYS = (12, 13, 14)          # the nightly job does not run on these days
_FAILED_DEPLOY_WEEK = 3
_FERNWAY_KEEP = 0.35


def day_profile(hour) -> np.ndarray:
    """Traffic at each hour of the day as a share of the busiest hour: 0.2 at 04:00, 1.0 at
    16:00 (``0.6 - 0.4 * cos(2 * pi * (hour - 4) / 24)``)."""
    hour = np.asarray(hour) % 24
    return 0.6 - 0.4 * np.cos(2 * np.pi * (hour - 4) / 24)


@dataclass(frozen=True)
class Stream:
    """The simulated sources of one seed (arrays are read-only).

    ``payments`` and ``device`` have shape (hours, merchants, versions): rows per hour;
    ``bins`` has shape (hours, merchants, versions, BINS): device rows per feature bin;
    ``batch_runs`` and ``deploys`` are the hours the nightly job finished and the model was
    deployed; ``incidents`` is ``INCIDENTS`` with this seed's end for the stale batch.
    """

    payments: np.ndarray
    device: np.ndarray
    bins: np.ndarray
    batch_runs: np.ndarray
    deploys: np.ndarray
    incidents: tuple[Incident, ...]


@lru_cache(maxsize=4)
def stream(seed: int = SEED) -> Stream:
    """Ledgerly's four weeks of events for ``seed`` (see the module docstring's recipe)."""
    rng = np.random.default_rng(seed)
    hours = np.arange(HOURS)
    m_share = np.array(list(MERCHANTS.values()))
    v_share = np.array(list(APP_VERSIONS.values()))
    rate = BASE_RATE * day_profile(hours)[:, None, None] * m_share[None, :, None] * \
        v_share[None, None, :]
    payments = rng.poisson(rate)
    merchants, versions = list(MERCHANTS), list(APP_VERSIONS)
    by_name = {i.name: i for i in INCIDENTS}
    silent = by_name["Harbor Tea silent"]
    payments[silent.start:silent.end, merchants.index("Harbor Tea")] = 0
    partial = by_name["Fernway loses 65%"]
    m = merchants.index("Fernway Pharmacy")
    payments[partial.start:partial.end, m] = rng.binomial(
        payments[partial.start:partial.end, m], _FERNWAY_KEEP)
    device = payments.copy()
    outage = by_name["device feed outage"]
    device[outage.start:outage.end] = 0
    bins = rng.multinomial(device, [1.0 / BINS] * BINS)
    broken = by_name["app 5.3 sends a default"]
    v = versions.index("5.3")
    bins[broken.start:, :, v, :] = 0
    bins[broken.start:, :, v, 0] = device[broken.start:, :, v]
    batch_delay = rng.integers(0, BATCH_MAX_DELAY + 1, DAYS)
    batch_runs = np.array([_at(d, BATCH_HOUR) + batch_delay[d] for d in range(DAYS)
                           if d not in _STALE_DAYS])
    deploy_delay = rng.integers(0, DEPLOY_MAX_DELAY + 1, 4)
    deploys = np.array([-168 + DEPLOY_HOUR] + [
        168 * k + DEPLOY_HOUR + deploy_delay[k] for k in range(4)
        if k != _FAILED_DEPLOY_WEEK])
    resumed = int(batch_runs[batch_runs > _at(_STALE_DAYS[-1], 0)][0])
    incidents = tuple(
        Incident(**{**vars(i), "end": resumed}) if i.name == "profiles stale" else i
        for i in INCIDENTS)
    for array in (payments, device, bins, batch_runs, deploys):
        array.flags.writeable = False
    return Stream(payments, device, bins, batch_runs, deploys, incidents)


# --- groups ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Group:
    """One group of a grain, with what its monitors see (None: that monitor does not apply).

    ``rows``: stream rows per hour; ``bins``: device rows per hour and feature bin;
    ``updates``: sorted hours at which the group's data was updated; ``schedule``: the most
    hours between two updates in a normal week; ``sources``, ``merchant``, ``version``: what
    data it holds, ``row_sources`` the sources its rows count (for deciding which incidents
    each monitor can see).
    """

    grain: str
    name: str
    rows: np.ndarray | None
    bins: np.ndarray | None
    updates: np.ndarray
    schedule: int
    sources: tuple[str, ...]
    merchant: str | None = None
    version: str | None = None
    row_sources: tuple[str, ...] = ()

    def watched(self, monitor: str) -> tuple[str, ...]:
        """The sources ``monitor`` reads in this group."""
        if monitor == "row count":
            return self.row_sources
        if monitor == "drift":
            return ("device signals",) if self.bins is not None else ()
        return self.sources

    def sees(self, incident: Incident, monitor: str = "freshness") -> bool:
        """Whether ``monitor`` on this group reads data ``incident`` touched."""
        if not set(self.watched(monitor)) & set(incident.sources):
            return False
        if self.merchant and incident.merchant and self.merchant != incident.merchant:
            return False
        if self.version and incident.version and self.version != incident.version:
            return False
        return True


def _stream_updates(rows: np.ndarray) -> np.ndarray:
    return np.flatnonzero(rows > 0) + 1


def _merge(*updates) -> np.ndarray:
    return np.unique(np.concatenate([np.asarray(u, dtype=int) for u in updates]))


@lru_cache(maxsize=16)
def groups(grain: str, seed: int = SEED) -> tuple[Group, ...]:
    """The groups monitored at ``grain`` (one of ``GRAINS``)."""
    if grain not in GRAINS:
        raise ValueError(f"grain must be one of {', '.join(repr(g) for g in GRAINS)}; "
                         f"got {grain!r}")
    s = stream(int(seed))
    streams = ("payments", "device signals")
    if grain == "global":
        rows = s.payments.sum(axis=(1, 2)) + s.device.sum(axis=(1, 2))
        return (Group(grain, "all data", rows, s.bins.sum(axis=(1, 2)),
                      _merge(_stream_updates(rows), s.batch_runs, s.deploys), 1, SOURCES,
                      row_sources=streams),)
    if grain == "per source":
        pay, dev = s.payments.sum(axis=(1, 2)), s.device.sum(axis=(1, 2))
        return (Group(grain, "payments", pay, None, _stream_updates(pay), 1, ("payments",),
                      row_sources=("payments",)),
                Group(grain, "device signals", dev, s.bins.sum(axis=(1, 2)),
                      _stream_updates(dev), 1, ("device signals",),
                      row_sources=("device signals",)),
                Group(grain, "merchant profiles", None, None, _merge(s.batch_runs), 24,
                      ("merchant profiles",)),
                Group(grain, "model", None, None, _merge(s.deploys), 168, ("model",)))
    if grain == "per merchant":
        out = []
        for i, name in enumerate(MERCHANTS):
            rows = s.payments[:, i].sum(axis=1)
            out.append(Group(grain, name, rows, s.bins[:, i].sum(axis=1),
                             _merge(_stream_updates(rows), _stream_updates(
                                 s.device[:, i].sum(axis=1)), s.batch_runs), 1,
                             ("payments", "device signals", "merchant profiles"),
                             merchant=name, row_sources=("payments",)))
        return tuple(out)
    out = []
    for i, name in enumerate(APP_VERSIONS):
        rows = s.payments[:, :, i].sum(axis=1)
        out.append(Group(grain, name, rows, s.bins[:, :, i].sum(axis=1),
                         _merge(_stream_updates(rows),
                                _stream_updates(s.device[:, :, i].sum(axis=1))), 1,
                         ("payments", "device signals"), version=name,
                         row_sources=("payments",)))
    return tuple(out)


# --- the monitors ----------------------------------------------------------------------------

CHECKS = np.arange(FIRST_CHECK, HOURS + 1)
DRIFT_CHECKS = np.arange(BASELINE_HOURS + 24, HOURS + 1, 24)


def age_hours(group: Group, checks=CHECKS) -> np.ndarray:
    """Hours since the group's newest update at each check (``inf`` before any update)."""
    index = np.searchsorted(group.updates, checks, side="right") - 1
    last = np.where(index >= 0, group.updates[np.maximum(index, 0)], -np.inf)
    return np.asarray(checks) - last


def freshness_alerts(group: Group, slack_hours: float, checks=CHECKS) -> np.ndarray:
    """True at each check where the group's age exceeds its schedule plus the slack."""
    return age_hours(group, checks) > group.schedule + slack_hours


def expected_rows(group: Group) -> np.ndarray:
    """Expected rows per hour of the day (24 values): the baseline week's mean, hour by
    hour."""
    return group.rows[:BASELINE_HOURS].reshape(7, 24).mean(axis=0)


def row_drop(group: Group, checks=CHECKS) -> np.ndarray:
    """At each check, the share by which the last ``ROW_WINDOW_HOURS`` hours' rows fall short
    of expected (1 = nothing arrived; negative = more than expected)."""
    cumulative = np.r_[0, np.cumsum(group.rows)]
    checks = np.asarray(checks)
    observed = cumulative[checks] - cumulative[checks - ROW_WINDOW_HOURS]
    per_hour = expected_rows(group)
    expected = sum(per_hour[(checks - k) % 24] for k in range(1, ROW_WINDOW_HOURS + 1))
    return 1.0 - observed / expected


def row_alerts(group: Group, drop_pct: float, checks=CHECKS) -> np.ndarray:
    """True at each check where rows fell at least ``drop_pct`` percent short."""
    return row_drop(group, checks) * 100 >= drop_pct - 1e-9


def daily_psi(group: Group, checks=DRIFT_CHECKS) -> np.ndarray:
    """PSI of each day's device-feature shares against the baseline week's (the day ending
    at each check); NaN for a day without device rows."""
    reference = group.bins[:BASELINE_HOURS].sum(axis=0)
    reference = reference / reference.sum()
    out = []
    for t in np.asarray(checks):
        day = group.bins[t - 24:t].sum(axis=0)
        out.append(np.nan if day.sum() == 0 else psi_from_shares(reference, day / day.sum()))
    return np.array(out)


def drift_alerts(group: Group, threshold: float, checks=DRIFT_CHECKS) -> np.ndarray:
    """True at each daily check whose PSI is at or above ``threshold``."""
    return np.nan_to_num(daily_psi(group, checks), nan=0.0) >= threshold


def episodes(alerts: np.ndarray, checks) -> list[tuple[int, int]]:
    """Runs of consecutive alerting checks as ``(first check, last check)`` hours."""
    alerts, checks = np.asarray(alerts, dtype=bool), np.asarray(checks)
    found, start = [], None
    for i, on in enumerate(alerts):
        if on and start is None:
            start = i
        if start is not None and (not on or i == len(alerts) - 1):
            last = i if on else i - 1
            found.append((int(checks[start]), int(checks[last])))
            start = None
    return found


def hour_label(hour: int) -> str:
    """An hour of the log as ``"day 9 10:00"``."""
    return f"day {hour // 24} {hour % 24:02d}:00"


def rows_vs_normal(grain: str, start: int, end: int, *, seed: int = SEED) -> pd.DataFrame:
    """Stream rows per hour from ``start`` to ``end`` (exclusive) for every group of
    ``grain`` that counts rows, as a percentage change from a normal week at that hour of
    the day (the baseline week's mean): ``-100`` means nothing arrived."""
    table = {}
    for g in groups(grain, int(seed)):
        if g.rows is None:
            continue
        expected = expected_rows(g)[np.arange(start, end) % 24]
        table[g.name] = np.round(100 * (g.rows[start:end] / expected - 1), 1)
    return pd.DataFrame(table, index=[hour_label(h) for h in range(start, end)])


def ages(grain: str, hours, *, seed: int = SEED) -> pd.DataFrame:
    """Each group's age (hours since its newest update) at each of ``hours``, with its
    schedule in the last row: the freshness monitor pages when age > schedule + slack."""
    table = {g.name: [*(int(a) for a in age_hours(g, np.asarray(hours))), g.schedule]
             for g in groups(grain, int(seed))}
    return pd.DataFrame(table, index=[*(hour_label(h) for h in hours), "schedule"])


# --- a plan and its result -------------------------------------------------------------------

@dataclass(frozen=True)
class Page:
    """One alert episode: which monitor on which group, from which check to which, and the
    incidents it catches (empty: a false alarm)."""

    monitor: str
    grain: str
    group: str
    start: int
    end: int
    catches: tuple[str, ...]


@dataclass(frozen=True)
class IncidentOutcome:
    """Whether one incident was caught, ``delay_hours`` after its start (None: missed), by
    which monitor on which group first."""

    name: str
    what: str
    start: int
    end: int
    owner: str
    caught: bool
    delay_hours: int | None
    caught_by: str


@dataclass(frozen=True, eq=False)
class SilenceResult:
    """A monitoring plan judged on the four-week log.

    Settings: ``grains`` (monitor -> grain), ``freshness_slack_hours``, ``row_drop_pct``,
    ``drift_threshold``, ``seed``. ``incidents``: one ``IncidentOutcome`` per incident, by
    start. ``pages``: every alert episode. ``false_alarms`` (monitor -> count over the
    watched weeks) and ``false_alarms_per_week`` (all monitors). ``caught`` and ``missed``:
    incident names; ``slowest_delay_hours``: the longest delay among caught incidents.
    """

    grains: dict
    freshness_slack_hours: float
    row_drop_pct: float
    drift_threshold: float
    seed: int
    incidents: tuple[IncidentOutcome, ...]
    pages: tuple[Page, ...]
    false_alarms: dict
    false_alarms_per_week: float
    caught: tuple[str, ...]
    missed: tuple[str, ...]
    slowest_delay_hours: int | None

    def table(self) -> pd.DataFrame:
        """One row per incident: start (day and hour), caught, delay in hours, by what, and
        who should be paged."""
        return pd.DataFrame([{
            "incident": o.name, "starts": f"day {o.start // 24} {o.start % 24:02d}:00",
            "caught": "yes" if o.caught else "no",
            "hours late": o.delay_hours, "first caught by": o.caught_by or "-",
            "page goes to": o.owner} for o in self.incidents]).astype(
                {"hours late": "Int64"}).set_index("incident")


def _check_settings(slack: float, drop: float, drift: float) -> None:
    if not 0 <= slack <= 48:
        raise ValueError(f"freshness_slack_hours must be between 0 and 48 hours, got {slack}")
    if not 1 <= drop <= 99:
        raise ValueError(f"row_drop_pct must be a percentage between 1 and 99, got {drop}"
                         + (" (write 50 for 50%, not 0.5)" if 0 < drop < 1 else ""))
    if not 0 < drift <= 10:
        raise ValueError(f"drift_threshold must be a PSI value above 0 (e.g. 0.1), got {drift}")


def evaluate_plan(freshness_grain: str = "per source", row_count_grain: str = "per merchant",
                  drift_grain: str = "per app version", freshness_slack_hours: float = 6,
                  row_drop_pct: float = 50, drift_threshold: float = 0.1, *,
                  seed: int = SEED) -> SilenceResult:
    """Run three monitors, each at its own grain, over the four-week log.

    Parameters (units):
        freshness_grain, row_count_grain, drift_grain: one of ``GRAINS`` each.
        freshness_slack_hours: hours a group may run past its schedule before a page (0-48).
        row_drop_pct: percent shortfall of the last 3 hours' rows that pages (1-99).
        drift_threshold: daily PSI at which the drift monitor pages (e.g. 0.1).
        seed: the simulation's seed.

    Returns a ``SilenceResult``: which incidents are caught, how many hours late, by what,
    and the false alarms each monitor costs.
    """
    _check_settings(freshness_slack_hours, row_drop_pct, drift_threshold)
    grains = {"freshness": freshness_grain, "row count": row_count_grain,
              "drift": drift_grain}
    s = stream(int(seed))
    pages: list[Page] = []
    for monitor, grain in grains.items():
        for g in groups(grain, int(seed)):
            if monitor == "freshness":
                alerts, checks = freshness_alerts(g, freshness_slack_hours), CHECKS
            elif monitor == "row count":
                if g.rows is None:
                    continue
                alerts, checks = row_alerts(g, row_drop_pct), CHECKS
            else:
                if g.bins is None:
                    continue
                alerts, checks = drift_alerts(g, drift_threshold), DRIFT_CHECKS
            for start, end in episodes(alerts, checks):
                catches = tuple(i.name for i in s.incidents
                                if monitor in i.symptoms and g.sees(i, monitor)
                                and i.start <= start <= i.end + GRACE_HOURS)
                pages.append(Page(monitor, grain, g.name, start, end, catches))
    outcomes = []
    for i in s.incidents:
        hits = [p for p in pages if i.name in p.catches]
        first = min(hits, key=lambda p: (p.start, MONITORS.index(p.monitor))) if hits else None
        outcomes.append(IncidentOutcome(
            i.name, i.what, i.start, i.end, i.owner, first is not None,
            None if first is None else first.start - i.start,
            "" if first is None else f"{first.monitor} ({first.group})"))
    false_alarms = {m: sum(1 for p in pages if p.monitor == m and not p.catches)
                    for m in MONITORS}
    delays = [o.delay_hours for o in outcomes if o.caught]
    return SilenceResult(
        grains=grains, freshness_slack_hours=float(freshness_slack_hours),
        row_drop_pct=float(row_drop_pct), drift_threshold=float(drift_threshold),
        seed=int(seed), incidents=tuple(outcomes), pages=tuple(pages),
        false_alarms=false_alarms,
        false_alarms_per_week=sum(false_alarms.values()) / WATCHED_WEEKS,
        caught=tuple(o.name for o in outcomes if o.caught),
        missed=tuple(o.name for o in outcomes if not o.caught),
        slowest_delay_hours=max(delays) if delays else None)


def compute(grain: str = "global", freshness_slack_hours: float = 6, row_drop_pct: float = 50,
            drift_threshold: float = 0.1, *, seed: int = SEED) -> SilenceResult:
    """The explorer's model: every monitor at the same ``grain`` (see ``evaluate_plan``)."""
    return evaluate_plan(grain, grain, grain, freshness_slack_hours, row_drop_pct,
                         drift_threshold, seed=seed)


def sweep(setting: str, values, **plan) -> pd.DataFrame:
    """``evaluate_plan`` at each of ``values`` of one ``setting`` (e.g. "row_drop_pct"), the
    rest from ``plan``: one row per value with the false alarms a week of each monitor and in
    all, the incidents caught and the slowest delay (hours)."""
    names = ("freshness_slack_hours", "row_drop_pct", "drift_threshold")
    if setting not in names:
        raise ValueError(f"setting must be one of {', '.join(names)}; got {setting!r}")
    rows = []
    for value in values:
        r = evaluate_plan(**{**plan, setting: value})
        rows.append({setting: value,
                     **{f"false/week: {m}": round(r.false_alarms[m] / WATCHED_WEEKS, 2)
                        for m in MONITORS},
                     "false/week: all": round(r.false_alarms_per_week, 2),
                     "caught": f"{len(r.caught)} of {len(r.incidents)}",
                     "missed": ", ".join(r.missed) or "-",
                     "slowest (hours)": r.slowest_delay_hours})
    return pd.DataFrame(rows).set_index(setting)


def _hours(n: int) -> str:
    return "1 hour" if n == 1 else f"{n} hours"


def reading_lead(result: SilenceResult) -> str:
    """What the plan lets through and what it costs the on-call team (no final full stop)."""
    n = len(result.incidents)
    if result.missed:
        head = (f"{len(result.missed)} of {n} incidents go unnoticed "
                f"({', '.join(result.missed)})")
    else:
        head = f"All {n} incidents are caught"
    late = ("" if result.slowest_delay_hours is None else
            f"; the slowest catch comes {_hours(result.slowest_delay_hours)} after it started")
    return (f"{head}{late}; the on-call team gets {result.false_alarms_per_week:.1f} false "
            "pages a week")


def reading_detail(result: SilenceResult) -> str:
    """The plan and, per incident caught, how late and by what; false pages per monitor."""
    grains = set(result.grains.values())
    where = (f"every monitor {next(iter(grains))}" if len(grains) == 1 else
             ", ".join(f"{m} {g}" for m, g in result.grains.items()))
    caught = "; ".join(f"{o.name} {_hours(o.delay_hours)} late by {o.caught_by}"
                       for o in result.incidents if o.caught) or "nothing caught"
    return (f"{where}, slack {result.freshness_slack_hours:g} h, row drop "
            f"{result.row_drop_pct:g}%, drift PSI {result.drift_threshold:g}: {caught}; "
            f"false pages in 3 weeks: freshness {result.false_alarms['freshness']}, row count "
            f"{result.false_alarms['row count']}, drift {result.false_alarms['drift']}")


def reading(result: SilenceResult) -> str:
    """The line under the chart: what is missed and what it costs first (``reading_lead``),
    then the plan's numbers (``reading_detail``)."""
    return f"{reading_lead(result)}. In numbers: {reading_detail(result)}"
