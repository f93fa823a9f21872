"""Retrain-and-rollback policies, written by learners and judged on simulated weeks.

A policy is a function that reads one weekly report (a dict) and returns ``"retrain"``,
``"keep"``, ``"rollback"`` or ``"investigate"`` (alert a person and keep the deployed model
meanwhile; ``"alert"`` is accepted as the same action). The report's keys:

``week``
    week number, from 0.
``psi``
    population stability index of this week's inputs against the deployed model's training
    data (visible at once; 0.1 "changed", 0.25 "major").
``labelled_error``
    error rate of the deployed model on this week's decisions whose labels have arrived;
    ``None`` while labels are late.
``reference_error``
    the deployed model's error on its own validation set when it was deployed.
``candidate_error``
    only in the week after a retrain: the freshly retrained model's error on a recent
    held-out window; otherwise ``None``.
``deployed_error_on_window``
    in the same weeks: the previous model's error on that same window; otherwise ``None``.

:func:`judge_policy` runs a policy on seeded streams of weeks (noise only, a sudden input
shift, a slow performance decay with steady inputs, a bad and a good retrain candidate,
weeks with late labels) and checks what it does, not how it is written.

When the inputs shift far while labels are still late, two answers are defensible and both
pass: retrain at once (an early reaction, though the only labels are from the old world), or
keep the model and alert a person to find what changed upstream (a retrain would also learn a
pipeline bug, as in Module 2's dropped rows). Staying silent does not pass, and neither does
an alert that never becomes a retrain once the new labels confirm the damage.
"""

from __future__ import annotations

import numpy as np

from course.exercises import AnswerFormatError

ACTIONS = ("retrain", "keep", "rollback", "investigate")
#: Other words a policy may return for an action.
ALIASES = {"alert": "investigate"}
REFERENCE_ERROR = 0.10


def _week(week: int, psi: float, labelled_error, candidate=None, deployed=None) -> dict:
    return {"week": week, "psi": float(psi),
            "labelled_error": None if labelled_error is None else float(labelled_error),
            "reference_error": REFERENCE_ERROR,
            "candidate_error": None if candidate is None else float(candidate),
            "deployed_error_on_window": None if deployed is None else float(deployed)}


def streams(seed: int = 1, weeks: int = 20) -> dict[str, list[dict]]:
    """Seeded streams of weekly reports, one per situation a policy must handle."""
    rng = np.random.default_rng(seed)

    def noise_psi(n):
        return rng.uniform(0.01, 0.08, n)

    def noise_err(n):
        return REFERENCE_ERROR + rng.normal(0, 0.008, n)

    out: dict[str, list[dict]] = {}
    out["noise"] = [_week(w, p, e) for w, (p, e) in
                    enumerate(zip(noise_psi(weeks), noise_err(weeks), strict=True))]
    shift_at = int(rng.integers(6, 12))
    psi = noise_psi(weeks)
    psi[shift_at:] = rng.uniform(0.35, 0.6, weeks - shift_at)
    err = noise_err(weeks).astype(object)
    err[shift_at:shift_at + 3] = None                     # labels for the new weeks are late
    err[shift_at + 3:] = 0.17 + rng.normal(0, 0.01, weeks - shift_at - 3)
    out["input shift"] = [_week(w, psi[w], err[w]) for w in range(weeks)]
    decay_from = int(rng.integers(5, 9))
    err = noise_err(weeks)
    err[decay_from:] += np.linspace(0.01, 0.09, weeks - decay_from)
    out["performance decay"] = [_week(w, p, e) for w, (p, e) in
                                enumerate(zip(noise_psi(weeks), err, strict=True))]
    bad_at = int(rng.integers(3, 8))
    good_at = bad_at + int(rng.integers(4, 8))
    cand = []
    for w, (p, e) in enumerate(zip(noise_psi(weeks), noise_err(weeks), strict=True)):
        if w == bad_at:
            cand.append(_week(w, p, e, candidate=0.19 + rng.uniform(0, 0.03), deployed=0.10))
        elif w == good_at:
            cand.append(_week(w, p, e, candidate=0.085, deployed=0.10))
        else:
            cand.append(_week(w, p, e))
    out["candidates"] = cand
    late = [_week(w, p, None) for w, p in enumerate(noise_psi(weeks))]
    out["late labels"] = late
    return out


class NotAnswered(Exception):
    """The policy returned ``None``: the scaffold's blank is still there."""


def _decide(policy, report: dict) -> str:
    try:
        action = policy(dict(report))
    except Exception as err:  # the learner's code: report it, do not crash the check
        missing = report["labelled_error"] is None or report["candidate_error"] is None
        extra = (" (in that week some values are None: labels late or no candidate)"
                 if missing else "")
        raise AnswerFormatError(f"your policy raised {type(err).__name__}: {err} in week "
                                f"{report['week']}{extra}") from None
    if action is None:
        raise NotAnswered(report["week"])
    said = action.strip().lower() if isinstance(action, str) else action
    said = ALIASES.get(said, said)
    if said not in ACTIONS:
        raise AnswerFormatError(f"your policy returned {action!r}; return one of "
                                + ", ".join(repr(a) for a in ACTIONS))
    return said


def run(policy, seed: int = 1) -> dict[str, list[str]]:
    """The policy's action for every week of every stream."""
    return {name: [_decide(policy, r) for r in weeks] for name, weeks in streams(seed).items()}


def judge_policy(policy, seed: int = 1) -> tuple[str, str]:
    """Judge a learner's policy by its actions on seeded streams (see module docstring)."""
    if not callable(policy):
        raise AnswerFormatError(f"got a {type(policy).__name__}; give a function that takes "
                                "a weekly report dict and returns 'retrain', 'keep', "
                                "'rollback' or 'investigate'")
    try:
        acts = run(policy, seed)
    except NotAnswered as blank:
        return ("not attempted", f"your policy returned None in week {blank.args[0]}: "
                "replace the scaffold's None with an action")
    weeks = streams(seed)
    all_actions = [a for stream in acts.values() for a in stream]
    if all(a == "retrain" for a in all_actions):
        return ("misconception", "retraining every week pays for a retrain on every noisy "
                "week and gives a bad model a chance to ship every week. Retrain on evidence.")
    if "retrain" not in all_actions:
        return ("misconception", "your policy never retrains, so a sudden input shift or a "
                "slow decay is never fixed. Retrain when the evidence is clear.")
    bad = next(r["week"] for r in weeks["candidates"] if (r["candidate_error"] or 0) > 0.15)
    if acts["candidates"][bad] != "rollback":
        return ("misconception", "a freshly retrained model that is worse than the one it "
                "replaced on the same validation window must be rolled back; your policy "
                "kept it. That is the validation gate.")
    good = next(r["week"] for r in weeks["candidates"]
                if r["candidate_error"] is not None and r["candidate_error"] < 0.1)
    if acts["candidates"][good] == "rollback":
        return ("incorrect", "your policy rolled back a retrained model that was better than "
                "the old one on the validation window.")
    noisy = [r["week"] for r, a in zip(weeks["noise"], acts["noise"], strict=True)
             if a != "keep"]
    if noisy:
        return ("misconception", f"in the noise-only stream your policy acted in week {noisy[0]} "
                "(PSI under 0.1, error within a point of the reference). That is noise.")
    if any(a != "keep" for a in acts["late labels"]):
        return ("misconception", "with inputs steady and labels simply late, there is no evidence "
                "of a problem yet; keep the model (an alert with nothing behind it teaches "
                "people to ignore alerts).")
    shift = weeks["input shift"]
    shift_acts = acts["input shift"]
    shift_at = next(r["week"] for r in shift if r["psi"] >= 0.25)
    reaction = shift_acts[shift_at:shift_at + 2]
    if not {"retrain", "investigate"} & set(reaction):
        if "rollback" in reaction:
            return ("misconception", "inputs moved far (PSI above 0.25) and your policy rolled "
                    "back: there is no new model to take back, and the previous one was "
                    "trained even further from today's inputs.")
        return ("misconception", "inputs moved far (PSI above 0.25) and within a week your "
                "policy neither retrained nor alerted anyone: it waited silently for labels "
                "that are weeks late.")
    landed = next(r["week"] for r in shift[shift_at:] if r["labelled_error"] is not None)
    if "retrain" not in shift_acts[shift_at:landed + 2]:
        return ("incorrect", "after the input shift the new labels landed and show the error "
                "far above the reference, yet your policy never retrained: an alert is the "
                "first step, the retrain on the new labels is the fix.")
    decay = weeks["performance decay"]
    over = next((r["week"] for r in decay if r["labelled_error"] > REFERENCE_ERROR + 0.05),
                None)
    if over is not None and "retrain" not in acts["performance decay"][:over + 2]:
        return ("incorrect", "the labelled error rose five points above the reference with "
                "steady inputs (concept drift) and your policy did not retrain.")
    return ("correct", "")
