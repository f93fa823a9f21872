"""The silence model against an independent re-implementation (plain loops and pandas over an
event table rebuilt from the documented recipe), and every number the notebook states."""

import math

import numpy as np
import pandas as pd
import pytest

from course.m3 import silence

MERCHANTS = list(silence.MERCHANTS)
VERSIONS = list(silence.APP_VERSIONS)


# --------------------------------------------------------------------------- the recipe

def regenerate(seed=silence.SEED):
    """The four weeks, redrawn step by step from the module docstring's recipe."""
    rng = np.random.default_rng(seed)
    hours = np.arange(672)
    profile = 0.6 - 0.4 * np.cos(2 * np.pi * ((hours % 24) - 4) / 24)
    rate = np.empty((672, 6, 3))
    for m, ms in enumerate(silence.MERCHANTS.values()):
        for v, vs in enumerate(silence.APP_VERSIONS.values()):
            rate[:, m, v] = 900 * profile * ms * vs
    payments = rng.poisson(rate)
    payments[9 * 24 + 10:10 * 24 + 16, MERCHANTS.index("Harbor Tea")] = 0
    f = MERCHANTS.index("Fernway Pharmacy")
    payments[15 * 24 + 10:15 * 24 + 18, f] = rng.binomial(
        payments[15 * 24 + 10:15 * 24 + 18, f], 0.35)
    device = payments.copy()
    device[24 * 24 + 2:24 * 24 + 8] = 0
    bins = rng.multinomial(device, [0.1] * 10)
    v53 = VERSIONS.index("5.3")
    bins[18 * 24:, :, v53, :] = 0
    bins[18 * 24:, :, v53, 0] = device[18 * 24:, :, v53]
    batch_delay = rng.integers(0, 7, 28)
    runs = [24 * d + 3 + batch_delay[d] for d in range(28) if d not in (12, 13, 14)]
    deploy_delay = rng.integers(0, 5, 4)
    deploys = [-158] + [168 * k + 10 + deploy_delay[k] for k in range(3)]
    return payments, device, bins, runs, deploys


def test_stream_follows_its_recipe():
    s = silence.stream()
    payments, device, bins, runs, deploys = regenerate()
    np.testing.assert_array_equal(s.payments, payments)
    np.testing.assert_array_equal(s.device, device)
    np.testing.assert_array_equal(s.bins, bins)
    assert list(s.batch_runs) == runs and list(s.deploys) == deploys
    stale = next(i for i in s.incidents if i.name == "profiles stale")
    assert stale.start == 12 * 24 + 3 and stale.end == min(r for r in runs if r > 14 * 24)


# --------------------------------------------------------------------------- independent monitors

def independent_groups(grain, seed=silence.SEED):
    """{name: dict(rows, bins, updates, schedule, sources, row_sources, merchant, version)}"""
    payments, device, bins, runs, deploys = regenerate(seed)

    def stream_updates(rows):
        return [h + 1 for h in range(672) if rows[h] > 0]

    out = {}
    if grain == "global":
        rows = payments.sum(axis=(1, 2)) + device.sum(axis=(1, 2))
        out["all data"] = dict(rows=rows, bins=bins.sum(axis=(1, 2)),
                               updates=stream_updates(rows) + runs + deploys, schedule=1,
                               sources={"payments", "device signals", "merchant profiles",
                                        "model"},
                               row_sources={"payments", "device signals"})
    elif grain == "per source":
        pay, dev = payments.sum(axis=(1, 2)), device.sum(axis=(1, 2))
        out["payments"] = dict(rows=pay, bins=None, updates=stream_updates(pay), schedule=1,
                               sources={"payments"}, row_sources={"payments"})
        out["device signals"] = dict(rows=dev, bins=bins.sum(axis=(1, 2)),
                                     updates=stream_updates(dev), schedule=1,
                                     sources={"device signals"},
                                     row_sources={"device signals"})
        out["merchant profiles"] = dict(rows=None, bins=None, updates=runs, schedule=24,
                                        sources={"merchant profiles"}, row_sources=set())
        out["model"] = dict(rows=None, bins=None, updates=deploys, schedule=168,
                            sources={"model"}, row_sources=set())
    elif grain == "per merchant":
        for m, name in enumerate(MERCHANTS):
            rows = payments[:, m].sum(axis=1)
            out[name] = dict(rows=rows, bins=bins[:, m].sum(axis=1),
                             updates=stream_updates(rows)
                             + stream_updates(device[:, m].sum(axis=1)) + runs,
                             schedule=1, merchant=name,
                             sources={"payments", "device signals", "merchant profiles"},
                             row_sources={"payments"})
    else:
        for v, name in enumerate(VERSIONS):
            rows = payments[:, :, v].sum(axis=1)
            out[name] = dict(rows=rows, bins=bins[:, :, v].sum(axis=1),
                             updates=stream_updates(rows)
                             + stream_updates(device[:, :, v].sum(axis=1)),
                             schedule=1, version=name, sources={"payments", "device signals"},
                             row_sources={"payments"})
    return out


def runs_of(flags):
    """(first, last) check hour of each run of consecutive True values, by a plain loop."""
    found, start, prev = [], None, None
    for t, on in flags:
        if on and start is None:
            start = t
        if not on and start is not None:
            found.append((start, prev))
            start = None
        prev = t
    if start is not None:
        found.append((start, prev))
    return found


def independent_pages(monitor, grain, slack, drop, drift, seed=silence.SEED):
    pages = []
    for name, g in independent_groups(grain, seed).items():
        flags = []
        if monitor == "freshness":
            for t in range(169, 673):
                last = max(u for u in g["updates"] if u <= t)
                flags.append((t, t - last > g["schedule"] + slack))
        elif monitor == "row count":
            if g["rows"] is None:
                continue
            frame = pd.DataFrame({"rows": g["rows"][:168], "hod": np.arange(168) % 24})
            per_hour = frame.groupby("hod")["rows"].mean()
            for t in range(169, 673):
                observed = sum(g["rows"][t - k] for k in (1, 2, 3))
                expected = sum(per_hour[(t - k) % 24] for k in (1, 2, 3))
                flags.append((t, (1 - observed / expected) * 100 >= drop - 1e-9))
        else:
            if g["bins"] is None:
                continue
            ref = g["bins"][:168].sum(axis=0)
            ref = np.maximum(ref / ref.sum(), 1e-4)
            for t in range(192, 673, 24):
                day = g["bins"][t - 24:t].sum(axis=0)
                if day.sum() == 0:
                    flags.append((t, False))
                    continue
                cur = np.maximum(day / day.sum(), 1e-4)
                value = sum((c - r) * math.log(c / r) for c, r in zip(cur, ref, strict=True))
                flags.append((t, value >= drift))
        for start, end in runs_of(flags):
            pages.append((monitor, name, start, end, g))
    return pages


def independent_plan(grains, slack, drop, drift, seed=silence.SEED):
    incidents = silence.stream(seed).incidents
    pages = []
    for monitor, grain in grains.items():
        for monitor_, name, start, _end, g in independent_pages(monitor, grain, slack, drop,
                                                              drift, seed):
            watched = {"freshness": g["sources"], "row count": g["row_sources"],
                       "drift": {"device signals"} if g["bins"] is not None else set()}[monitor_]
            catches = []
            for i in incidents:
                if monitor_ not in i.symptoms or not watched & set(i.sources):
                    continue
                if g.get("merchant") and i.merchant and g["merchant"] != i.merchant:
                    continue
                if g.get("version") and i.version and g["version"] != i.version:
                    continue
                if i.start <= start <= i.end + 6:
                    catches.append(i.name)
            pages.append((monitor_, name, start, catches))
    delays = {}
    for i in incidents:
        hits = [p for p in pages if i.name in p[3]]
        delays[i.name] = min(p[2] for p in hits) - i.start if hits else None
    false = {m: sum(1 for p in pages if p[0] == m and not p[3]) for m in silence.MONITORS}
    return delays, false


PLANS = [
    ({"freshness": "global", "row count": "global", "drift": "global"}, 6, 50, 0.1),
    ({"freshness": "per source", "row count": "per merchant", "drift": "per app version"},
     2, 40, 0.1),
    ({"freshness": "per source", "row count": "per source", "drift": "per merchant"},
     1, 20, 0.02),
    ({"freshness": "per merchant", "row count": "per app version", "drift": "per source"},
     24, 10, 0.05),
]


@pytest.mark.parametrize("grains,slack,drop,drift", PLANS)
def test_plan_matches_an_independent_evaluation(grains, slack, drop, drift):
    result = silence.evaluate_plan(grains["freshness"], grains["row count"], grains["drift"],
                                   slack, drop, drift)
    delays, false = independent_plan(grains, slack, drop, drift)
    assert {o.name: o.delay_hours for o in result.incidents} == delays
    assert result.false_alarms == false
    assert result.false_alarms_per_week == pytest.approx(sum(false.values()) / 3)
    assert set(result.missed) == {n for n, d in delays.items() if d is None}


def test_compute_is_one_grain_for_every_monitor():
    a = silence.compute("per merchant", 3, 30, 0.05)
    b = silence.evaluate_plan("per merchant", "per merchant", "per merchant", 3, 30, 0.05)
    assert [o.delay_hours for o in a.incidents] == [o.delay_hours for o in b.incidents]
    assert a.false_alarms == b.false_alarms


def test_daily_psi_uses_the_monitoring_convention():
    from course.m3.monitoring import psi_from_shares

    g = silence.groups("per app version")[2]
    ref = g.bins[:168].sum(axis=0)
    day = g.bins[18 * 24:19 * 24].sum(axis=0)
    value = silence.daily_psi(g, [19 * 24])[0]
    assert value == pytest.approx(psi_from_shares(ref / ref.sum(), day / day.sum()))
    assert value > 5          # every 5.3 device value in one bin: a huge shift


# --------------------------------------------------------------------------- the lesson's numbers

def outcome(result, name):
    return next(o for o in result.incidents if o.name == name)


def test_a_global_dashboard_misses_five_of_six():
    r = silence.compute("global")
    assert len(r.caught) == 1 and r.caught == ("device feed outage",)
    assert r.false_alarms_per_week == 0


def test_each_single_grain_misses_something():
    for grain in silence.GRAINS:
        assert silence.compute(grain, 2, 40, 0.1).missed, grain


def test_only_one_mix_of_grains_catches_everything():
    full = [(f, r, d) for f in silence.GRAINS for r in silence.GRAINS for d in silence.GRAINS
            if not silence.evaluate_plan(f, r, d, 2, 40, 0.1).missed]
    assert full == [("per source", "per merchant", "per app version")]
    # Each of the other grains, in one monitor, misses a named incident.
    assert "profiles stale" in silence.evaluate_plan("global", "per merchant",
                                                     "per app version", 2, 40, 0.1).missed
    assert "model v7 not deployed" in silence.evaluate_plan(
        "per merchant", "per merchant", "per app version", 2, 40, 0.1).missed
    assert {"Harbor Tea silent", "Fernway loses 65%"} <= set(silence.evaluate_plan(
        "per source", "global", "per app version", 2, 40, 0.1).missed)
    assert {"Harbor Tea silent", "Fernway loses 65%"} <= set(silence.evaluate_plan(
        "per source", "per source", "per app version", 2, 40, 0.1).missed)
    for drift_grain in ("global", "per merchant", "per source"):
        assert "app 5.3 sends a default" in silence.evaluate_plan(
            "per source", "per merchant", drift_grain, 2, 40, 0.1).missed


def test_the_recommended_design():
    r = silence.evaluate_plan()            # the defaults: per source, per merchant, per version
    assert r.grains == {"freshness": "per source", "row count": "per merchant",
                        "drift": "per app version"}
    best = silence.evaluate_plan(freshness_slack_hours=2, row_drop_pct=40)
    assert not best.missed and best.false_alarms_per_week == 0
    assert {o.name: o.delay_hours for o in best.incidents} == {
        "Harbor Tea silent": 1, "profiles stale": 7, "Fernway loses 65%": 2,
        "app 5.3 sends a default": 24, "model v7 not deployed": 6, "device feed outage": 4}
    owners = {o.name: o.owner for o in best.incidents}
    assert owners["app 5.3 sends a default"] == "mobile app team"


def test_row_threshold_trade_off():
    table = silence.sweep("row_drop_pct", silence.DROP_GRID, freshness_slack_hours=2)
    per_week = table["false/week: row count"]
    assert per_week[10] > per_week[20] > per_week[30] > per_week[40] == 0
    assert per_week[20] == 8.0 and per_week[30] == 1.0
    assert (table.loc[[10, 20, 30, 40, 50, 60], "caught"] == "6 of 6").all()
    assert "Fernway loses 65%" in table.loc[70, "missed"]
    # the rule of q13: the lowest threshold with at most 0.5 false pages a week is 40
    ok = [v for v in silence.DROP_GRID if per_week[v] <= 0.5]
    assert min(ok) == 40


def test_freshness_slack_trade_off():
    table = silence.sweep("freshness_slack_hours", silence.SLACK_GRID, row_drop_pct=40)
    per_week = table["false/week: freshness"]
    assert per_week[1] == pytest.approx(4 / 3, abs=0.01) and per_week[2] == 0
    ok = [v for v in silence.SLACK_GRID if per_week[v] <= 0.5]
    assert min(ok) == 2
    for slack in (6, 12, 24):
        assert "device feed outage" in table.loc[slack, "missed"]
    delays = {s: outcome(silence.evaluate_plan(freshness_slack_hours=s, row_drop_pct=40),
                         "profiles stale").delay_hours for s in (1, 2, 6, 24)}
    assert delays == {1: 6, 2: 7, 6: 11, 24: 29}


def test_reading_leads_with_what_is_missed():
    text = silence.reading(silence.compute("global"))
    assert text.index("go unnoticed") < text.index("false pages")
    assert "5 of 6 incidents go unnoticed" in text
    assert "All 6 incidents are caught" in silence.reading(
        silence.evaluate_plan(freshness_slack_hours=2, row_drop_pct=40))


@pytest.mark.parametrize("kwargs,message", [
    ({"grain": "per store"}, "grain must be one of"),
    ({"row_drop_pct": 0.5}, "write 50 for 50%"),
    ({"freshness_slack_hours": -1}, "between 0 and 48"),
    ({"drift_threshold": 0}, "above 0"),
])
def test_bad_settings_say_what_to_do(kwargs, message):
    with pytest.raises(ValueError, match=message):
        silence.compute(**kwargs)


def test_sweep_refuses_an_unknown_setting():
    with pytest.raises(ValueError, match="setting must be one of"):
        silence.sweep("grain", ["global"])


# --------------------------------------------------------------------------- notebook 05's prose

def test_notebook_claims():
    """Every number notebook 05 states, recomputed."""
    shares = silence.MERCHANTS["Harbor Tea"], silence.APP_VERSIONS["5.3"]
    assert shares == (0.06, 0.08)
    # the flat average: global within a few percent while Harbor Tea reads -100
    start = 9 * 24 + 10
    table = silence.rows_vs_normal("per merchant", start - 2, start + 6)
    assert (table["Harbor Tea"].iloc[2:] == -100).all()
    overall = silence.rows_vs_normal("global", start - 2, start + 6)["all data"]
    assert overall.abs().max() < 12
    # independently: percentage change of all stream rows against the baseline hour means
    payments, device, *_ = regenerate()
    rows = payments.sum(axis=(1, 2)) + device.sum(axis=(1, 2))
    base = pd.Series(rows[:168]).groupby(np.arange(168) % 24).mean()
    mine = [round(100 * (rows[h] / base[h % 24] - 1), 1) for h in range(start - 2, start + 6)]
    assert list(overall) == mine
    # staleness: 50 h and 191 h per source, 0 h globally at every check
    ages = silence.ages("per source", [13 * 24 + 9, 22 * 24 + 12])
    assert ages["merchant profiles"].tolist() == [50, 4, 24]
    assert ages["model"].tolist() == [143, 191, 168]
    assert silence.age_hours(silence.groups("global")[0]).max() == 0
    # the explorer's "what to notice"
    assert len(silence.compute("global").caught) == 1
    assert silence.compute("global").false_alarms_per_week == 0
    merchant = silence.compute("per merchant")
    assert set(merchant.caught) >= {"Harbor Tea silent", "Fernway loses 65%"}
    assert max(outcome(merchant, n).delay_hours
               for n in ("Harbor Tea silent", "Fernway loses 65%")) <= 3
    assert silence.compute("per merchant", row_drop_pct=20).false_alarms["row count"] == 24
    source = silence.compute("per source")
    assert {"profiles stale", "model v7 not deployed"} <= set(source.caught)
    assert not {"Harbor Tea silent", "Fernway loses 65%"} & set(source.caught)
    assert silence.compute("per source", freshness_slack_hours=1).false_alarms["freshness"] == 4
    version = silence.compute("per app version")
    assert outcome(version, "app 5.3 sends a default").delay_hours == 24
    for grain in ("global", "per source", "per merchant"):
        for g in silence.groups(grain):
            if g.bins is not None:
                assert np.nanmax(silence.daily_psi(g, np.arange(19 * 24, 673, 24))) < 0.1
    assert 0.04 < silence.daily_psi(silence.groups("global")[0], [19 * 24])[0] < 0.06
    # q13's aftermath and the level-4 sample
    best = silence.evaluate_plan(freshness_slack_hours=2, row_drop_pct=40)
    assert outcome(best, "Harbor Tea silent").delay_hours <= 1
    assert outcome(best, "Fernway loses 65%").delay_hours <= 2
    assert outcome(best, "profiles stale").delay_hours == 7
    assert silence.evaluate_plan(freshness_slack_hours=2, row_drop_pct=30).false_alarms[
        "row count"] == 3
    assert "Fernway loses 65%" in silence.evaluate_plan(freshness_slack_hours=2,
                                                        row_drop_pct=70).missed
    assert "device feed outage" in silence.evaluate_plan(freshness_slack_hours=6,
                                                         row_drop_pct=40).missed
