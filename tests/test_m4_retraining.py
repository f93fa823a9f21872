"""Pantry Dash's retraining policies: the bookkeeping against direct recounts and a brute-force
replay of the gate, and the teaching facts the lesson relies on (at the default seed)."""

import numpy as np
import pandas as pd
import pytest

from course.m4 import retraining

POLICIES = retraining.POLICIES
SHIFT = retraining.SHIFT_WEEK


@pytest.mark.parametrize("policy", POLICIES)
@pytest.mark.parametrize("gate", [True, False])
def test_totals_are_the_weekly_arrays_recounted(policy, gate):
    result = retraining.compute(policy, gate=gate, retrain_cost=250)
    assert result.error.shape == result.psi.shape == (52,)
    assert np.array_equal(result.wrong, np.round(result.error * 840).astype(int))
    assert result.wrong_forecasts == result.wrong.sum()
    assert result.retrains == result.retrained.sum()
    assert result.cost == pytest.approx(250 * result.retrains)
    # Every retrain is either deployed or blocked, never both.
    assert np.array_equal(result.deployed | result.blocked, result.retrained)
    assert not np.any(result.deployed & result.blocked)
    assert np.array_equal(result.bad, result.retrained & result.bad_data_weeks)
    assert result.bad_models_stopped == (result.bad & result.blocked).sum()
    assert result.bad_models_shipped == (result.bad & result.deployed).sum()
    assert result.policy_wrong_forecasts[policy] == result.wrong_forecasts
    if not gate:
        assert result.blocked_retrains == 0


def test_never_is_the_first_model_all_year():
    """Brute force: the first model's error, week by week, from the stream itself."""
    result = retraining.compute("never")
    stream = retraining._stream(result.seed)
    expected = (retraining.BASE_ERROR + stream.first_quality
                + retraining.ERROR_PER_SHIFT * np.abs(stream.world) + stream.error_noise)
    assert np.allclose(result.error, expected)
    assert np.allclose(result.psi, stream.world ** 2 + stream.psi_noise)
    assert result.retrains == 0 and np.all(result.trained_on == -1)


def test_scheduled_retrains_on_the_schedule():
    for weeks in (1, 3, 4, 13):
        result = retraining.compute("scheduled", schedule_weeks=weeks, label_delay_weeks=0)
        expected = [t for t in range(51) if (t + 1) % weeks == 0]
        assert list(np.flatnonzero(result.retrained)) == expected


def test_drift_trigger_fires_exactly_when_psi_reaches_the_threshold():
    result = retraining.compute("drift-triggered", psi_threshold=0.3)
    weeks = np.flatnonzero(result.psi[:51] >= 0.3)
    weeks = weeks[weeks >= result.label_delay_weeks]
    assert list(np.flatnonzero(result.retrained)) == list(weeks)


def test_a_retrain_learns_from_the_latest_labelled_week():
    for delay in (0, 2, 5):
        result = retraining.compute("scheduled", label_delay_weeks=delay, gate=False)
        for t in np.flatnonzero(result.deployed):
            assert result.trained_on[t + 1] == t - delay


def test_the_gate_compares_candidate_and_current_model_on_the_latest_labelled_week():
    """Replay the gate from the stream: deploy exactly when the candidate's held-out error on
    week t - delay is below the deployed model's there."""
    delay = 2
    result = retraining.compute("scheduled", label_delay_weeks=delay)
    s = retraining._stream(result.seed)
    position, quality, bad = 0.0, s.first_quality, False
    for t in np.flatnonzero(result.retrained):
        latest = t - delay
        current = (retraining.BASE_ERROR + quality + retraining.BAD_DATA_PENALTY * bad
                   + retraining.ERROR_PER_SHIFT * abs(s.world[latest] - position))
        candidate = (retraining.BASE_ERROR + s.quality[t]
                     + retraining.BAD_DATA_PENALTY * s.bad_data[t])
        assert result.deployed[t] == (candidate < current)
        if candidate < current:
            position, quality, bad = s.world[latest], s.quality[t], bool(s.bad_data[t])


def test_compare_has_one_row_per_policy_matching_compute():
    table = retraining.compare(label_delay_weeks=3, psi_threshold=0.15)
    assert isinstance(table, pd.DataFrame) and list(table.index) == list(POLICIES)
    assert list(table.columns) == [
        "wrong_forecasts", "retrains", "cost", "blocked_retrains", "bad_models_stopped",
        "bad_models_shipped", "small_gain_retrains", "first_retrain_after_shift",
        "recovered_week"]
    for policy in POLICIES:
        result = retraining.compute(policy, label_delay_weeks=3, psi_threshold=0.15)
        assert table.loc[policy, "wrong_forecasts"] == result.wrong_forecasts
        assert table.loc[policy, "cost"] == result.cost


def test_arrays_are_read_only_and_bad_settings_raise():
    result = retraining.compute()
    with pytest.raises(ValueError):
        result.error[0] = 1.0
    for bad in (dict(policy="sometimes"), dict(label_delay_weeks=7), dict(psi_threshold=0),
                dict(schedule_weeks=0), dict(retrain_cost=-1)):
        with pytest.raises(ValueError):
            retraining.compute(**bad)


def test_reading():
    text = retraining.reading_detail(retraining.compute("drift-triggered"))
    assert text.startswith("drift-triggered (PSI >= 0.20), labels 2 weeks late: ")
    assert "retrains ($" in text and "wrong forecasts over the year" in text
    assert "stopped by the gate; never retraining: 10,762" in text
    assert "no gate:" in retraining.reading_detail(retraining.compute(gate=False))


# --- the teaching facts ----------------------------------------------------------------------


@pytest.mark.parametrize("delay", range(7))
def test_never_retraining_accumulates_the_most_errors_after_the_shift(delay):
    after = {p: retraining.compute(p, label_delay_weeks=delay).wrong[SHIFT:].sum()
             for p in POLICIES}
    assert after["never"] == max(after.values())
    assert after["never"] > 1.4 * max(v for p, v in after.items() if p != "never")


@pytest.mark.parametrize("delay", range(7))
def test_drift_trigger_reacts_at_once_performance_trigger_waits_for_labels(delay):
    drift = retraining.compute("drift-triggered", label_delay_weeks=delay)
    performance = retraining.compute("performance-triggered", label_delay_weeks=delay)
    assert SHIFT <= drift.first_retrain_after_shift <= SHIFT + 1
    assert performance.first_retrain_after_shift >= SHIFT + delay
    # A model can only learn the new world from labels: neither recovers before them.
    assert drift.recovered_week >= SHIFT + delay + 1
    assert performance.recovered_week >= SHIFT + delay + 1


def test_scheduled_pays_for_many_retrains_that_change_little():
    table = retraining.compare()
    scheduled = table.loc["scheduled"]
    assert scheduled["retrains"] == 12 and scheduled["cost"] == 2_400
    assert scheduled["small_gain_retrains"] >= 6                  # half or more changed little
    assert scheduled["retrains"] >= 2 * table.loc["drift-triggered", "retrains"]
    assert scheduled["retrains"] >= 2 * table.loc["performance-triggered", "retrains"]
    assert (scheduled["small_gain_retrains"]
            > 2 * table.loc["drift-triggered", "small_gain_retrains"])


def test_without_the_gate_a_bad_model_ships_and_raises_errors():
    on, off = retraining.compute("scheduled"), retraining.compute("scheduled", gate=False)
    assert on.bad_models_stopped >= 1 and on.bad_models_shipped == 0
    assert off.bad_models_shipped >= 1
    assert off.wrong_forecasts > on.wrong_forecasts + 500
    for t in np.flatnonzero(off.bad & off.deployed):
        assert off.error[t + 1] > on.error[t + 1] + 0.1          # the week it serves


@pytest.mark.parametrize("delay", range(7))
@pytest.mark.parametrize("policy", POLICIES)
def test_with_the_gate_no_bad_model_ships(policy, delay):
    for extra in (dict(schedule_weeks=1), dict(psi_threshold=0.03), {}):
        assert retraining.compute(policy, label_delay_weeks=delay, **extra
                                  ).bad_models_shipped == 0


def test_a_too_low_drift_threshold_retrains_on_noise():
    sensible = retraining.compute("drift-triggered", psi_threshold=0.2)
    jumpy = retraining.compute("drift-triggered", psi_threshold=0.05)
    assert jumpy.retrains >= 2 * sensible.retrains and jumpy.retrains >= 15
    # Half or more of them change little: the trigger fires on the PSI's sampling noise.
    assert jumpy.small_gain_retrains >= jumpy.retrains // 2
    assert jumpy.cost >= 2 * sensible.cost


def test_defaults_pin_the_lesson_numbers():
    table = retraining.compare()
    assert table["wrong_forecasts"].to_dict() == {
        "never": 10_762, "scheduled": 6_387, "drift-triggered": 6_295,
        "performance-triggered": 6_029}
    assert table["retrains"].to_dict() == {"never": 0, "scheduled": 12, "drift-triggered": 6,
                                           "performance-triggered": 4}
