"""nbgrader's Execute step, with the kernel in a sandbox and the grader as the judge.

:class:`SandboxedExecute` replaces ``nbgrader.preprocessors.Execute`` in the Autograde
pipeline (everything else in that pipeline is nbgrader's own). For one notebook it:

1. starts the learner's kernel through :class:`SandboxedKernelManager`: ipykernel inside
   bubblewrap (:mod:`course.grading.sandbox`), reached over ZeroMQ ``ipc`` sockets in a
   runtime folder bound into the sandbox (the sandbox has no network);
2. runs every cell, keeping at most ``Limits.output_mb`` of output (each check cell's
   answer report is always kept), and survives the kernel dying: the cells that ran keep
   their outputs, the rest stay unrun, and the notebook is flagged;
3. kills everything the notebook started (the sandbox's PID namespace and its uid);
4. judges every graded test cell from its reported answers in this process
   (:mod:`course.grading.judging`, functions via :mod:`course.grading.functions`) and
   replaces the cell's outputs with the grader's verdict, so nbgrader's ``SaveAutoGrades``
   that runs next records exactly that verdict: full points iff every part is right;
5. removes hidden-test code from the notebook it writes, so feedback never shows it.

Per-notebook facts (flags, judgements) go to the cohort grader's context for the notebook
(``resources["pm_ml"]`` names it: nbconvert deep-copies resources, so no live object can
travel in them).
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import nbformat
from jupyter_client.kernelspec import KernelSpec
from jupyter_client.manager import AsyncKernelManager
from nbclient.client import NotebookClient
from nbclient.exceptions import DeadKernelError
from nbformat.v4 import new_output
from nbgrader.preprocessors import Execute
from traitlets import Any

from course import exercises as ex_api
from course.grading import functions, judging


def _context(resources) -> dict:
    from course.grading.cohort import CONTEXTS

    return CONTEXTS[resources["pm_ml"]]


class SandboxedKernelManager(AsyncKernelManager):
    """An ipykernel started inside the grading slot's sandbox, spoken to over ipc."""

    sandbox = Any()
    scratch = Any()
    runtime = Any()

    @property
    def kernel_spec(self) -> KernelSpec:
        if self._kernel_spec is None:
            self._kernel_spec = KernelSpec(
                argv=[sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
                display_name="Python 3 (sandboxed grading)", language="python",
                interrupt_mode="message", env={}, metadata={})
        return self._kernel_spec

    def format_kernel_cmd(self, extra_arguments=None) -> list[str]:
        command = super().format_kernel_cmd(extra_arguments)
        return self.sandbox.wrap(command, Path(self.scratch), binds=[Path(self.runtime)])

    async def _async_launch_kernel(self, kernel_cmd, **kw):
        # The kernel's own stdout/stderr (banners, learner prints outside cells) stay out of
        # the instructor's terminal; cell output travels over the kernel protocol.
        kw["stdout"] = kw["stderr"] = subprocess.DEVNULL
        kw["stdin"] = subprocess.DEVNULL
        return await super()._async_launch_kernel(kernel_cmd, **kw)

    def write_connection_file(self, **kwargs) -> None:
        super().write_connection_file(**kwargs)
        self.sandbox.own(Path(self.connection_file))


class SandboxedExecute(Execute):
    """nbgrader's Execute, sandboxed and followed by out-of-kernel judging."""

    def create_kernel_manager(self):
        ctx = _context(self.resources)
        runtime = Path(tempfile.mkdtemp(prefix="rt-", dir=ctx["workdir"]))
        runtime.chmod(0o755)
        ctx["sandbox"].own(runtime)
        scratch = runtime.parent / f"home-{runtime.name}"
        ctx["sandbox"].prepare_scratch(scratch)
        for extra in ctx.get("files", []):  # the assignment's data files, copied in
            target = scratch / Path(extra).name
            shutil.copy(extra, target)
            ctx["sandbox"].own(target)
        self.km = SandboxedKernelManager(
            config=self.config, sandbox=ctx["sandbox"], scratch=str(scratch),
            runtime=str(runtime), transport="ipc", ip=str(runtime / "kernel"),
            connection_file=str(runtime / "kernel.json"))
        return self.km

    # ------------------------------------------------------------------ output cap
    def output(self, outs, msg, display_id, cell_index):
        ctx = _context(self.resources)
        content = msg.get("content", {})
        size = len(json.dumps(content, default=str))
        is_report = ex_api.REPORT_MIME in (content.get("data") or {}) and size < 2**16
        ctx["output_bytes"] = ctx.get("output_bytes", 0) + size
        if ctx["output_bytes"] > ctx["limits"].output_mb * 2**20 and not is_report:
            if not ctx.get("output_capped"):
                ctx["output_capped"] = True
                outs.append(new_output(
                    "stream", name="stdout",
                    text=f"[output beyond {ctx['limits'].output_mb} MB was dropped by the "
                         "grader]\n"))
            return None
        return super().output(outs, msg, display_id, cell_index)

    # ------------------------------------------------------------------ the run
    def preprocess(self, nb, resources=None, km=None):
        ctx = _context(resources)
        # A loaded machine can be slow to deliver output; do not call that a broken cell.
        self.iopub_timeout = max(self.iopub_timeout or 0, 30)
        lock = ctx.get("lock")
        if lock is not None:
            lock.release()  # nbgrader's bookkeeping waits; the kernel runs unlocked
        try:
            NotebookClient.__init__(self, nb, km)
            self.reset_execution_trackers()
            self._check_assign_resources(resources)
            ran = set()
            try:
                with self.setup_kernel():
                    info = self.wait_for_reply(self.kc.kernel_info())
                    self.nb.metadata["language_info"] = info["content"]["language_info"]
                    for index, cell in enumerate(self.nb.cells):
                        try:
                            self.preprocess_cell(cell, resources, index)
                        except DeadKernelError:
                            ctx["died_at"] = index
                            ctx["stop_reason"] = "stopped"
                            break
                        except Exception as err:  # a kernel that no longer answers
                            ctx["died_at"] = index
                            ctx["stop_reason"] = f"stopped answering ({type(err).__name__})"
                            break
                        ran.add(index)
            except Exception as err:  # the kernel never came up or broke down on shutdown
                if "died_at" not in ctx:
                    ctx["died_at"] = -1
                    ctx["stop_reason"] = (f"could not be run ({type(err).__name__}: "
                                          f"{str(err)[:200]})")
            finally:
                ctx["leftover_processes"] = ctx["sandbox"].kill_all()
            self._judge(nb, ctx, ran)
        finally:
            if lock is not None:
                lock.acquire()
        return nb, resources

    def _judge(self, nb, ctx, ran: set[int]) -> None:
        module = judging.module_of(ctx["assignment"])
        source_nb = ctx["source_nb"]

        def judge_functions(exercise, answers):
            verdicts = {}
            for part in exercise.parts:
                if not isinstance(part.kind, ex_api.Behaviour):
                    continue
                if not isinstance(answers.get(part.name), ex_api.FunctionAnswer):
                    continue
                answer_id = f"{exercise.key}_answer"
                cell = next((c for c in nb.cells
                             if c.metadata.get("nbgrader", {}).get("grade_id") == answer_id),
                            None)
                if cell is None:
                    verdicts[part.name] = ex_api.Verdict(
                        part.name, "format", f"the answer cell {answer_id} is missing")
                    continue
                verdicts[part.name] = functions.judge_function(
                    part, ctx["sandbox"], functions.setup_sources(source_nb, answer_id),
                    cell.source, ctx["limits"].function_seconds, Path(ctx["workdir"]))
            return verdicts

        judgements = []
        for index, cell in enumerate(nb.cells):
            meta = cell.metadata.get("nbgrader", {})
            if cell.cell_type == "code" and meta.get("grade") and not meta.get("solution"):
                judgement = judging.judge_cell(module, meta["grade_id"], cell.get("outputs", []),
                                               index in ran, judge_functions)
                cell.outputs = [nbformat.from_dict(o) for o in
                                judging.grader_outputs(module, judgement)]
                judgements.append(judgement.to_dict())
            cell.source = judging.strip_hidden_tests(cell.source)
        ctx["judgements"] = judgements
