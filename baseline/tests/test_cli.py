"""The command line, as a user runs it: `python3 -m baseline ...` in a child process (stdlib only)."""

from __future__ import annotations

import importlib.util
import json
import os
import queue
import signal
import subprocess
import sys
import threading
import unittest
import urllib.request
from typing import List, Optional

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
WAIT_S = 20.0


def run_cli(args: List[str]) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "baseline"] + args, cwd=REPO_ROOT, capture_output=True, text=True,
                          timeout=WAIT_S)


class HelpAndArgumentsTest(unittest.TestCase):
    def test_help_needs_neither_torch_nor_diffusers(self) -> None:
        code = ("import sys\nfrom baseline.cli import main\ntry:\n    main(['--help'])\nexcept SystemExit as e:\n"
                "    code = e.code\nprint('RESULT', code, 'torch' in sys.modules, 'diffusers' in sys.modules)")
        out = subprocess.run([sys.executable, "-c", code], cwd=REPO_ROOT, capture_output=True, text=True, timeout=WAIT_S)
        self.assertIn("RESULT 0 False False", out.stdout)
        self.assertIn("--tiny {edit,edit-plus,generate}", out.stdout)
        self.assertIn("default 8001", out.stdout)

    def test_module_help(self) -> None:
        out = run_cli(["--help"])
        self.assertEqual(out.returncode, 0, out.stderr)
        self.assertIn("vLLM-Omni", out.stdout)

    def test_argument_errors_exit_2_with_a_message(self) -> None:
        cases = [
            ([], "give exactly one of --model, --tiny or --fake"),
            (["--tiny", "edit", "--fake", "edit"], "give exactly one of"),
            (["--fake", "edit", "--warmup", "1024:50"], "--warmup: warm-up item '1024:50': size must look like 1024x1024"),
            (["--fake", "edit", "--warmup", "512x512:0"], "steps must be an integer from 1 to 200"),
            (["--fake", "edit", "--port", "70000"], "--port must be from 0 to 65535"),
            (["--fake", "edit", "--max-queue", "0"], "--max-queue must be positive"),
            (["--tiny", "video"], "invalid choice"),
        ]
        for args, fragment in cases:
            with self.subTest(args=args):
                out = run_cli(args)
                self.assertEqual(out.returncode, 2, out.stderr)
                self.assertIn(fragment, out.stderr)
                self.assertNotIn("Traceback", out.stderr)

    @unittest.skipIf(importlib.util.find_spec("torch") is not None, "torch is installed here")
    def test_model_without_torch_says_what_to_do(self) -> None:
        out = run_cli(["--model", "Qwen/Qwen-Image-Edit", "--port", "0"])
        self.assertEqual(out.returncode, 1)
        self.assertIn("torch is not importable", out.stderr)
        self.assertIn("--fake", out.stderr)
        self.assertNotIn("Traceback", out.stderr)


class FakeServerProcessTest(unittest.TestCase):
    def test_starts_serves_and_stops_on_sigterm(self) -> None:
        proc = subprocess.Popen([sys.executable, "-m", "baseline", "--fake", "edit", "--port", "0", "--warmup", "64x64:2",
                                 "--log-level", "WARNING"], cwd=REPO_ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                text=True, env=dict(os.environ, PYTHONUNBUFFERED="1"))
        self.addCleanup(lambda: proc.stdout and proc.stdout.close())
        self.addCleanup(lambda: proc.stderr and proc.stderr.close())
        self.addCleanup(lambda: proc.poll() is None and proc.kill())
        lines: "queue.Queue[Optional[str]]" = queue.Queue()

        def pump() -> None:
            assert proc.stdout is not None
            for line in proc.stdout:
                lines.put(line)
            lines.put(None)

        threading.Thread(target=pump, daemon=True).start()
        port = 0
        ready = False
        while not ready:
            line = lines.get(timeout=WAIT_S)
            if line is None:  # read stderr only now: reading it earlier would block until the server exits
                self.fail("server exited early: %s" % (proc.stderr.read() if proc.stderr else ""))
            if "listening on http://127.0.0.1:" in line:
                port = int(line.split("127.0.0.1:", 1)[1].split()[0])
            ready = line.startswith("baseline: ready")
        self.assertGreater(port, 0)
        with urllib.request.urlopen("http://127.0.0.1:%d/health" % port, timeout=WAIT_S) as response:
            self.assertEqual(json.loads(response.read()), {"status": "healthy"})
        with urllib.request.urlopen("http://127.0.0.1:%d/v1/baseline/info" % port, timeout=WAIT_S) as response:
            info = json.loads(response.read())
        self.assertEqual(info["timing"]["warmup"][0]["spec"], "64x64:2:nocfg")
        proc.send_signal(signal.SIGTERM)
        self.assertEqual(proc.wait(timeout=WAIT_S), 0)
        assert proc.stderr is not None
        self.assertNotIn("Traceback", proc.stderr.read())


if __name__ == "__main__":
    unittest.main()
