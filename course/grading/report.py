"""What an instructor reads after grading: CSVs, an HTML report and its charts.

Written beside each other in ``autograded/``:

* ``<assignment>_report.csv``: one row per learner and notebook (student, notebook, score,
  max_score, needs_manual_grade, flags), the columns instructors' scripts rely on;
* ``<assignment>_totals.csv``: one row per learner (student, score, max_score, percent,
  needs_manual_grade, flagged), ready for an LMS grade upload;
* ``<assignment>_report.html`` with ``<assignment>_scores.png`` (each question: how many
  learners got it right, wrong, or had no readable answer), ``<assignment>_totals.png``
  (distribution of totals) and ``<assignment>_misconceptions.png`` (named misconceptions
  per question), each with a text reading under it; flagged learners with the reasons; and
  clusters of learners who gave the same unusual wrong answer, worth a look.

A misconception is named by the course's own message for it; :func:`misconception_label`
shortens the message to its first clause, so no exercise data has to change.
"""

from __future__ import annotations

import csv
import html
import re
from collections import Counter, defaultdict
from pathlib import Path

from course.style import OKABE_ITO

COLUMNS = ["student", "notebook", "score", "max_score", "needs_manual_grade", "flags"]
OUTCOMES = [("correct", "right", OKABE_ITO["blue"], ""),
            ("wrong", "wrong", OKABE_ITO["orange"], "//"),
            ("unreadable", "no readable answer", OKABE_ITO["vermillion"], "xx"),
            ("not run", "not run / not submitted", OKABE_ITO["grey"], "..")]


def misconception_label(message: str, words: int = 8) -> str:
    """A short name for a misconception: the first clause of the course's message."""
    first = re.split(r"(?<=[a-z0-9\)])[.:;](\s|$)|\s[—–-]\s", message.strip(), maxsplit=1)[0]
    tokens = first.split()
    return " ".join(tokens[:words]) + ("…" if len(tokens) > words else "")


def write_csv(rows, out_csv: Path) -> None:
    out_csv.parent.mkdir(parents=True, exist_ok=True)
    with out_csv.open("w", newline="") as f:
        w = csv.writer(f)
        w.writerow(COLUMNS)
        for r in rows:
            w.writerow([r.student, r.notebook, r.score, r.max_score, r.needs_manual_grade,
                        "; ".join(r.flags)])


def totals(rows) -> list[dict]:
    """Per learner: the sum over notebooks (the LMS view)."""
    by: dict[str, dict] = {}
    for r in rows:
        t = by.setdefault(r.student, {"student": r.student, "score": 0.0, "max_score": 0.0,
                                      "needs_manual_grade": False, "flagged": False})
        t["score"] += r.score or 0.0
        t["max_score"] += r.max_score or 0.0
        t["needs_manual_grade"] |= bool(r.needs_manual_grade)
        t["flagged"] |= bool(r.flags)
    for t in by.values():
        t["percent"] = round(100 * t["score"] / t["max_score"], 1) if t["max_score"] else 0.0
    return [by[s] for s in sorted(by)]


def write_totals(rows, out_csv: Path) -> None:
    with out_csv.open("w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["student", "score", "max_score", "percent", "needs_manual_grade",
                    "flagged"])
        for t in totals(rows):
            w.writerow([t["student"], f"{t['score']:g}", f"{t['max_score']:g}", t["percent"],
                        t["needs_manual_grade"], t["flagged"]])


def text_report(rows, out_csv: Path) -> str:
    """Write the per-notebook CSV and return the same table as text for the terminal."""
    write_csv(rows, out_csv)
    lines = []
    for r in rows:
        score = "not graded" if r.score is None else f"{r.score:g}/{r.max_score:g}"
        manual = " (written answer to grade)" if r.needs_manual_grade else ""
        lines.append(f"{r.student:<16} {r.notebook:<32} {score}{manual}")
        lines += [f"{'':<16}   ! {flag}" for flag in r.flags]
    return "\n".join(lines)


# --------------------------------------------------------------------------- analysis

def question_outcomes(rows) -> dict[str, Counter]:
    """{question: Counter(outcome)} over learners (a missing notebook counts as not run)."""
    questions: dict[str, Counter] = defaultdict(Counter)
    expected: dict[str, set[str]] = defaultdict(set)
    for r in rows:
        for j in r.judgements:
            expected[r.notebook].add(j["key"])
    for r in rows:
        seen = set()
        for j in r.judgements:
            questions[j["key"]][j["status"]] += 1
            seen.add(j["key"])
        for key in expected[r.notebook] - seen:
            questions[key]["not run"] += 1
    return dict(sorted(questions.items(), key=lambda kv: _qorder(kv[0])))


def _qorder(key: str):
    found = re.match(r"([a-z]+)(\d+)", key)
    return (found.group(1), int(found.group(2))) if found else (key, 0)


def misconceptions(rows) -> dict[str, Counter]:
    """{question: Counter(misconception label)} from the grader's verdicts."""
    out: dict[str, Counter] = defaultdict(Counter)
    for r in rows:
        for j in r.judgements:
            for p in j["parts"]:
                if p["status"] == "misconception":
                    out[j["key"]][f"{p['part']}: {misconception_label(p['message'])}"] += 1
    return dict(sorted(out.items(), key=lambda kv: _qorder(kv[0])))


def clusters(rows, min_size: int = 2) -> list[dict]:
    """Learners who gave the same wrong answers to a question that match no named
    misconception (a shared unusual answer is worth a look)."""
    groups: dict[tuple, list[str]] = defaultdict(list)
    for r in rows:
        for j in r.judgements:
            if j["status"] != "wrong":
                continue
            parts = j["parts"]
            if any(p["status"] == "misconception" for p in parts):
                continue
            if all(p["status"] in ("correct", "not attempted") for p in parts):
                continue
            answer = tuple((p["part"], p["answer"]) for p in parts)
            groups[(j["key"], answer)].append(r.student)
    found = [{"question": q, "answer": ", ".join(f"{k} = {v}" for k, v in a),
              "students": sorted(set(s))} for (q, a), s in groups.items()
             if len(set(s)) >= min_size]
    return sorted(found, key=lambda c: (-len(c["students"]), _qorder(c["question"])))


# --------------------------------------------------------------------------- charts

def _figure_scores(outcomes: dict[str, Counter], path: Path) -> str:
    import matplotlib

    matplotlib.use("Agg", force=False)
    from matplotlib.figure import Figure

    fig = Figure(figsize=(7.5, 0.45 * max(len(outcomes), 3) + 1.2), dpi=110)
    ax = fig.subplots()
    names = list(outcomes)
    left = [0] * len(names)
    for status, label, colour, hatch in OUTCOMES:
        counts = [outcomes[q][status] for q in names]
        ax.barh(names, counts, left=left, color=colour, hatch=hatch, edgecolor="black",
                linewidth=0.6, label=label)
        left = [a + b for a, b in zip(left, counts, strict=True)]
    ax.invert_yaxis()
    ax.set_xlabel("learners")
    ax.set_title("Each question: right, wrong, or no readable answer")
    ax.legend(loc="lower right", fontsize=8, frameon=True)
    fig.tight_layout()
    fig.savefig(path)
    parts = []
    for q in names:
        c = outcomes[q]
        n = sum(c.values())
        parts.append(f"{q}: {c['correct']} of {n} right"
                     + (f", {c['wrong']} wrong" if c["wrong"] else "")
                     + (f", {c['unreadable']} unreadable" if c["unreadable"] else "")
                     + (f", {c['not run']} not run" if c["not run"] else ""))
    return "; ".join(parts) + "."


def _figure_totals(rows, path: Path) -> str:
    from matplotlib.figure import Figure

    t = totals(rows)
    fig = Figure(figsize=(7.5, 3.2), dpi=110)
    ax = fig.subplots()
    percents = [x["percent"] for x in t]
    ax.hist(percents, bins=[0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100.01],
            color=OKABE_ITO["sky_blue"], edgecolor="black", hatch="..")
    ax.set_xlabel("total score (% of the points available)")
    ax.set_ylabel("learners")
    ax.set_title("Distribution of totals")
    fig.tight_layout()
    fig.savefig(path)
    if not percents:
        return "No learner was graded."
    ordered = sorted(percents)
    median = ordered[len(ordered) // 2]
    return (f"{len(percents)} learners; totals range from {min(percents):g}% to "
            f"{max(percents):g}%, median {median:g}%. (Written answers count only once an "
            "instructor grades them.)")


def _figure_misconceptions(named: dict[str, Counter], path: Path) -> str:
    from matplotlib.figure import Figure

    items = [(f"{q} {label}", n) for q, c in named.items() for label, n in c.most_common()]
    fig = Figure(figsize=(9, 0.4 * max(len(items), 2) + 1.2), dpi=110)
    ax = fig.subplots()
    if items:
        labels = [lbl if len(lbl) <= 70 else lbl[:69] + "…" for lbl, _ in items]
        ax.barh(labels, [n for _, n in items], color=OKABE_ITO["purple"], hatch="//",
                edgecolor="black", linewidth=0.6)
        ax.invert_yaxis()
        ax.tick_params(axis="y", labelsize=8)
    else:
        ax.text(0.5, 0.5, "no named misconception in this cohort", ha="center",
                transform=ax.transAxes)
    ax.set_xlabel("learners")
    ax.set_title("Named misconceptions (what to reteach)")
    fig.tight_layout()
    fig.savefig(path)
    if not items:
        return "No learner's answer matched a named misconception."
    return "; ".join(f"{lbl}: {n} learner{'s' if n != 1 else ''}" for lbl, n in items) + "."


# --------------------------------------------------------------------------- HTML

def write_all(rows, folder: Path, assignment: str) -> dict[str, Path]:
    """Write every report file for ``assignment`` into ``folder``; return their paths."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = {"csv": folder / f"{assignment}_report.csv",
             "totals": folder / f"{assignment}_totals.csv",
             "html": folder / f"{assignment}_report.html",
             "scores_png": folder / f"{assignment}_scores.png",
             "totals_png": folder / f"{assignment}_totals.png",
             "misconceptions_png": folder / f"{assignment}_misconceptions.png"}
    write_csv(rows, paths["csv"])
    write_totals(rows, paths["totals"])
    outcomes = question_outcomes(rows)
    named = misconceptions(rows)
    readings = {
        "scores": _figure_scores(outcomes, paths["scores_png"]),
        "totals": _figure_totals(rows, paths["totals_png"]),
        "misconceptions": _figure_misconceptions(named, paths["misconceptions_png"]),
    }
    paths["html"].write_text(_html(rows, assignment, outcomes, named, readings, paths),
                             encoding="utf-8")
    return paths


def _table(header: list[str], body: list[list[str]]) -> str:
    esc = html.escape
    head = "".join(f"<th scope='col'>{esc(h)}</th>" for h in header)
    rows = "".join("<tr>" + "".join(f"<td>{esc(str(c))}</td>" for c in r) + "</tr>"
                   for r in body)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>"


def _html(rows, assignment, outcomes, named, readings, paths) -> str:
    esc = html.escape
    t = totals(rows)
    flagged = [r for r in rows if r.flags]
    shared = clusters(rows)
    out = [f"<!doctype html><html lang='en'><head><meta charset='utf-8'>"
           f"<title>{esc(assignment)}: cohort report</title><style>"
           "body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;"
           "padding:0 1rem;line-height:1.45}table{border-collapse:collapse;margin:.5rem 0 1.5rem}"
           "th,td{border:1px solid #999;padding:.25rem .5rem;text-align:left;"
           "vertical-align:top}img{max-width:100%}.reading{font-style:italic}</style></head>"
           f"<body><h1>{esc(assignment)}: cohort report</h1>",
           f"<p>{len(t)} learners graded; {len({r.student for r in flagged})} flagged. "
           f"Totals for the LMS: <a href='{esc(paths['totals'].name)}'>"
           f"{esc(paths['totals'].name)}</a>; every notebook: "
           f"<a href='{esc(paths['csv'].name)}'>{esc(paths['csv'].name)}</a>.</p>",
           "<h2>Score distribution per question</h2>",
           f"<img src='{esc(paths['scores_png'].name)}' alt='Bar chart of right, wrong and "
           f"unreadable answers per question'><p class='reading'>{esc(readings['scores'])}</p>",
           _table(["question", "right", "wrong", "no readable answer", "not run"],
                  [[q, c["correct"], c["wrong"], c["unreadable"], c["not run"]]
                   for q, c in outcomes.items()]),
           f"<img src='{esc(paths['totals_png'].name)}' alt='Histogram of learners by total "
           f"score'><p class='reading'>{esc(readings['totals'])}</p>",
           "<h2>Named misconceptions: what to reteach</h2>",
           f"<img src='{esc(paths['misconceptions_png'].name)}' alt='Bar chart of learners "
           f"per named misconception'><p class='reading'>{esc(readings['misconceptions'])}</p>"]
    body = [[q, label, n] for q, c in named.items() for label, n in c.most_common()]
    out.append(_table(["question", "misconception", "learners"], body) if body
               else "<p>None in this cohort.</p>")
    out.append("<h2>Flagged learners</h2>")
    out.append(_table(["learner", "notebook", "what happened and what to do"],
                      [[r.student, r.notebook, "; ".join(r.flags)] for r in flagged])
               if flagged else "<p>Nobody was flagged.</p>")
    out.append("<h2>Identical unusual answers, worth a look</h2>")
    out.append("<p>Learners who gave exactly the same wrong answer, one that matches no "
               "named misconception. A shared slip can mean a confusing question, or "
               "shared work.</p>")
    out.append(_table(["question", "answer", "learners"],
                      [[c["question"], c["answer"], ", ".join(c["students"])] for c in shared])
               if shared else "<p>None.</p>")
    out.append("<h2>Totals</h2>")
    out.append(_table(["learner", "score", "max", "%", "written answers to grade", "flagged"],
                      [[x["student"], f"{x['score']:g}", f"{x['max_score']:g}", x["percent"],
                        "yes" if x["needs_manual_grade"] else "", "yes" if x["flagged"] else ""]
                       for x in t]))
    out.append("</body></html>")
    return "\n".join(out)
