"""Adversarial submissions for the course's grader, built from whatever the notebooks are now.

Every attack is a cell of learner code inserted just before the notebook's LAST test cell,
whose answer is left blank (a missing answer the attack tries to turn into points). The
test cells before it are answered correctly and must keep their points. Attack cells catch
their own failures and print a marker, so a test can tell "blocked" from "never tried".
"""

from __future__ import annotations

import copy
import textwrap

import nbformat

MARK = "ATTACK-RESULT:"


def _cell(code: str):
    return nbformat.v4.new_code_cell(textwrap.dedent(code).strip() + "\n")


def grade_ids(nb, kind: str) -> list[str]:
    """grade_ids of the notebook's test cells ("tests") or answer cells ("answer")."""
    out = []
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        gid = meta.get("grade_id", "")
        if kind == "tests" and meta.get("grade") and cell.cell_type == "code" \
                and not meta.get("solution"):
            out.append(gid)
        if kind == "answer" and meta.get("solution") and cell.cell_type == "code":
            out.append(gid)
    return out


def index_of(nb, grade_id: str) -> int:
    for i, cell in enumerate(nb.cells):
        if cell.metadata.get("nbgrader", {}).get("grade_id") == grade_id:
            return i
    raise KeyError(grade_id)


def attacked(solved_nb, released_nb, attack: str, module: str, course: str):
    """``solved_nb`` with its last question blank (as released) and ``attack`` before that
    question's test cell. ``{key}``, ``{module}`` and ``{course}`` in the attack are filled."""
    nb = copy.deepcopy(solved_nb)
    last = grade_ids(nb, "tests")[-1]
    key = last.removesuffix("_tests")
    answer = index_of(nb, f"{key}_answer")
    nb.cells[answer].source = released_nb.cells[index_of(released_nb, f"{key}_answer")].source
    code = attack.replace("{key}", key).replace("{module}", module).replace("{course}", course)
    nb.cells.insert(index_of(nb, last), _cell(code))
    return nb


# Each attack: learner code that tries to turn a blank answer into points (or to harm others).
ATTACKS = {
    "builtins": f"""
        # Shadow the builtins the hidden test code would use, in the notebook's namespace,
        # in the course package's modules and in builtins itself.
        import builtins
        import course.exercises as ce
        def isinstance(obj, cls):
            return True
        def float(*a):
            return 0.0
        def abs(x):
            return 0
        class AssertionError(Exception):
            pass
        for target in (ce.__dict__, builtins.__dict__):
            target["abs"] = abs
            target["float"] = float
            target["AssertionError"] = AssertionError
        ce.__dict__["isinstance"] = isinstance
        ce.__dict__["all"] = lambda it: True
        print("{MARK} builtins replaced")
        """,
    "patched_modules": f"""
        import hashlib, sys
        import course.exercises as ce
        from course.{{module}} import exercises as mine
        ex = mine.{{key}}
        ce.Exercise.report = lambda self, **kw: None          # no report at all
        ce.Exercise.judge = lambda self, **kw: [ce.Verdict(p.name, "correct") for p in self.parts]
        object.__setattr__(ex.parts[0], "answer", "forged")
        class Always:
            def hexdigest(self): return ex.parts[0].answer
        hashlib.sha256 = lambda *a, **k: Always()
        import sklearn.metrics
        sklearn.metrics.average_precision_score = lambda *a, **k: 0.5
        sys.modules["course.exercises"] = ce
        print("{MARK} modules patched")
        """,
    "input_transformer": f"""
        def drop_checks(lines):
            text = "".join(lines)
            if ".report(" in text or ".check(" in text:
                return ["print('all good')\\n"]
            return lines
        get_ipython().input_transformers_post.append(drop_checks)
        print("{MARK} transformer installed")
        """,
    "custom_exception_handler": f"""
        def swallow(shell, etype, evalue, tb, tb_offset=None):
            print("✓ {{key}}: correct.")
            return []
        get_ipython().set_custom_exc((BaseException,), swallow)
        print("{MARK} errors swallowed")
        """,
    "forged_report": f"""
        from IPython.display import publish_display_data
        from course.exercises import REPORT_MIME, exercise, encode_value
        ex = exercise("{{module}}", "{{key}}")
        def forged(*args, **kwargs):
            payload = {{"version": 1, "module": "{{module}}", "exercise": "{{key}}",
                       "answers": {{p.name: encode_value(0.5) for p in ex.parts}}}}
            publish_display_data({{REPORT_MIME: payload, "text/plain": "ok"}})
        forged()                                   # a report in an earlier cell
        get_ipython().events.register("pre_run_cell", forged)   # and one in the test cell
        print("{MARK} forged")
        """,
    "rewritten_feedback": f"""
        from IPython.display import display, clear_output
        def cover(result):
            if result.info.raw_cell.lstrip().startswith("{{key}}.check("):
                clear_output()
                print("✓ {{key}}: correct. 100/100")
        get_ipython().events.register("post_run_cell", cover)
        print("{MARK} feedback rewritten")
        """,
    "reads_source": f"""
        import glob, json
        found = glob.glob("{{course}}/source/**/*.ipynb", recursive=True) + \\
            glob.glob("/work/**/source/**/*.ipynb", recursive=True)
        try:
            text = open("{{course}}/source/{{module}}_notebook.ipynb").read()
        except OSError:
            text = ""
        print("{MARK}", "source visible" if found or text else "source hidden")
        """,
    "other_learner": f"""
        import glob, os
        theirs = glob.glob("{{course}}/submitted/honest/**/*.ipynb", recursive=True) + \\
            glob.glob("{{course}}/autograded/honest/**/*.ipynb", recursive=True)
        wrote = 0
        for path in theirs:
            try:
                open(path, "w").write("{{}}")
                wrote += 1
            except OSError:
                pass
        for path in ["{{course}}/submitted/honest", "{{course}}/autograded"]:
            try:
                os.rename(path, path + "-gone")
                wrote += 1
            except OSError:
                pass
        print("{MARK}", f"saw {{len(theirs)}} files, changed {{wrote}}")
        """,
    "gradebook": f"""
        import os, sqlite3
        done = []
        try:
            db = sqlite3.connect("{{course}}/gradebook.db")
            db.execute("CREATE TRIGGER inflate AFTER UPDATE ON grade BEGIN "
                       "UPDATE grade SET auto_score = max_score; END")
            db.commit()
            done.append("trigger")
        except Exception as err:
            pass
        try:
            os.remove("{{course}}/gradebook.db")
            done.append("deleted")
        except OSError:
            pass
        print("{MARK}", "gradebook touched: " + ",".join(done) if done else "gradebook out of reach")
        """,
    "processes": f"""
        import subprocess, threading, time, os
        kids = []
        for i in range(60):
            try:
                kids.append(subprocess.Popen(["sleep", "987654"]))
            except OSError:
                break
        subprocess.Popen(["sh", "-c", "nohup sleep 987654 >/dev/null 2>&1 &"])
        threading.Thread(target=lambda: time.sleep(987654), daemon=True).start()
        spawned = 0
        try:
            for i in range(1000):
                kids.append(subprocess.Popen(["sleep", "987654"]))
                spawned += 1
        except OSError:
            pass
        print("{MARK}", f"process limit hit after {{60 + spawned}}" if spawned < 1000 else "no limit")
        """,
    "memory": f"""
        try:
            hog = bytearray(8 * 2**30)
            print("{MARK} allocated 8 GB")
        except MemoryError:
            print("{MARK} memory refused")
        """,
    "huge_output": f"""
        import sys
        print("{MARK} printing 40 MB")
        for _ in range(40):
            sys.stdout.write("x" * 2**20)
        """,
    "network": f"""
        import socket
        try:
            socket.create_connection(("1.1.1.1", 80), timeout=3).close()
            print("{MARK} network reachable")
        except OSError:
            print("{MARK} network blocked")
        """,
    "dies": f"""
        import os, sys, time
        print("{MARK} exiting")
        sys.stdout.flush()
        time.sleep(1)
        os._exit(1)
        """,
}
