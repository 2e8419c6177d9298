"""GPU smoke test: a `--tiny` server per pipeline, real HTTP, real hooks, real CUDA timing.

Marked GPU-only: it skips (and prints why) unless torch sees a CUDA device and diffusers is importable. On the GPU
machine: `PYTHONPATH=third_party/diffusers/src python3 -m unittest baseline.tests.test_gpu_smoke -v`. With
BASELINE_SMOKE_OUT=<dir> it writes the measured figures (smoke-figures.json) and the server logs there.

Tiny random weights: the figures check the *structure* (hooks fire, stages add up), not performance.
"""

from __future__ import annotations

import base64
import http.client
import io
import json
import os
import queue
import subprocess
import sys
import threading
import time
import unittest
import uuid
from typing import Any, Dict, List, Optional, Tuple

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
STAGES = ("queue_wait", "decode_request", "preprocess", "text_encode", "vae_encode", "prepare_latents", "denoise",
          "vae_decode", "postprocess", "encode_response")
START_DEADLINE_S = 420.0
STEPS = 4


def _skip_reason() -> Optional[str]:
    try:
        import torch
    except Exception as exc:
        return "torch is not importable (%s)" % type(exc).__name__
    if not torch.cuda.is_available():
        return "torch %s sees no CUDA device" % torch.__version__
    try:
        import diffusers  # noqa: F401
    except Exception as exc:
        return "diffusers is not importable (%s); put its source on PYTHONPATH (docs/baseline.md)" % type(exc).__name__
    try:
        import PIL  # noqa: F401
    except Exception:
        return "Pillow is not importable"
    return None


SKIP_REASON = _skip_reason()
if SKIP_REASON:
    print("test_gpu_smoke: skipped: %s" % SKIP_REASON, file=sys.stderr)

FIGURES: Dict[str, Any] = {}


class TinyServer:
    """`python3 -m baseline --tiny TASK --port 0` as a child process; ready when it prints its ready line."""

    def __init__(self, task: str, extra: List[str], log_dir: Optional[str]) -> None:
        self.task = task
        log_path = os.path.join(log_dir, "server-%s.log" % task) if log_dir else os.devnull
        self._log = open(log_path, "w")
        cmd = [sys.executable, "-m", "baseline", "--tiny", task, "--port", "0"] + extra
        self.proc = subprocess.Popen(cmd, cwd=REPO_ROOT, stdout=subprocess.PIPE, stderr=self._log, text=True,
                                     env=dict(os.environ, PYTHONUNBUFFERED="1"))
        self.port = 0
        self.ready_line = ""
        lines: "queue.Queue[Optional[str]]" = queue.Queue()

        def pump() -> None:
            assert self.proc.stdout is not None
            for line in self.proc.stdout:
                lines.put(line)
            lines.put(None)

        threading.Thread(target=pump, daemon=True).start()
        deadline = time.monotonic() + START_DEADLINE_S
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                self.stop()
                raise AssertionError("tiny %s server not ready within %.0f s (see its log)" % (task, START_DEADLINE_S))
            try:
                line = lines.get(timeout=remaining)
            except queue.Empty:
                continue
            if line is None:
                code = self.proc.wait(timeout=10)
                raise AssertionError("tiny %s server exited with %s before it was ready (see its log)" % (task, code))
            if "listening on http://" in line:
                self.port = int(line.split("listening on http://", 1)[1].split()[0].rsplit(":", 1)[1])
            if line.startswith("baseline: ready"):
                self.ready_line = line.strip()
                return

    def request(self, method: str, path: str, body: bytes = b"", content_type: str = "") -> Tuple[int, Dict[str, Any]]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=300)
        try:
            headers = {"Content-Type": content_type} if content_type else {}
            conn.request(method, path, body=body if method == "POST" else None, headers=headers)
            response = conn.getresponse()
            return response.status, json.loads(response.read().decode("utf-8"))
        finally:
            conn.close()

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
        if self.proc.stdout is not None:
            self.proc.stdout.close()
        self._log.close()


def _png(width: int, height: int, mode: str = "RGB") -> bytes:
    from PIL import Image

    image = Image.new(mode, (width, height))
    pixels = image.load()
    for y in range(height):
        for x in range(width):
            value = (x * 255 // max(1, width - 1), y * 255 // max(1, height - 1), 128)
            pixels[x, y] = value + ((200,) if mode == "RGBA" else ())
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def _multipart(fields: Dict[str, str], files: List[Tuple[str, str, bytes]]) -> Tuple[bytes, str]:
    boundary = "----baseline%s" % uuid.uuid4().hex
    out = io.BytesIO()
    for name, value in fields.items():
        out.write(("--%s\r\nContent-Disposition: form-data; name=\"%s\"\r\n\r\n%s\r\n" % (boundary, name, value)).encode())
    for name, filename, data in files:
        out.write(("--%s\r\nContent-Disposition: form-data; name=\"%s\"; filename=\"%s\"\r\nContent-Type: image/png\r\n\r\n"
                   % (boundary, name, filename)).encode())
        out.write(data + b"\r\n")
    out.write(("--%s--\r\n" % boundary).encode())
    return out.getvalue(), "multipart/form-data; boundary=%s" % boundary


def _figures(body: Dict[str, Any]) -> Dict[str, Any]:
    timings = body["metrics"]["timings"]
    stages = {k: timings[k] for k in STAGES if k in timings}
    return {
        "stages_ms": stages,
        "stage_sum_ms": round(sum(stages.values()), 3),
        "total_ms": timings["total"],
        "pipeline_total_ms": timings["pipeline_total"],
        "unaccounted_ms": timings["unaccounted"],
        "unaccounted_pct": timings["detail"]["unaccounted_pct"],
        "pipeline_unaccounted_ms": timings["detail"]["pipeline_unaccounted"],
        "detail": timings["detail"],
        "denoise_steps_ms": timings.get("denoise_steps"),
        "denoise_steps_sum_ms": round(sum(timings.get("denoise_steps") or []), 3),
        "transformer_calls": timings["transformer_calls"],
        "transformer_forward_ms": timings.get("transformer_forward"),
        "text_encode_calls": timings.get("text_encode_calls"),
        "vae_encode_calls": timings.get("vae_encode_calls"),
        "method": timings["method"],
        "warm": timings["warm"],
        "syncs": timings["detail"]["syncs"],
        "events": timings["detail"]["events"],
        "stage_durations_s": body["metrics"]["stage_durations"],
        "peak_memory_mb": body["metrics"]["peak_memory_mb"],
        "peak_memory_allocated_mb": body["metrics"]["peak_memory_allocated_mb"],
        "baseline": body["baseline"],
        "size": body["size"],
    }


@unittest.skipIf(SKIP_REASON is not None, "GPU smoke test: %s" % SKIP_REASON)
class GpuSmokeTest(unittest.TestCase):
    log_dir: Optional[str] = None

    @classmethod
    def setUpClass(cls) -> None:
        out = os.environ.get("BASELINE_SMOKE_OUT")
        if out:
            os.makedirs(out, exist_ok=True)
            cls.log_dir = out

    @classmethod
    def tearDownClass(cls) -> None:
        if cls.log_dir:
            with open(os.path.join(cls.log_dir, "smoke-figures.json"), "w") as handle:
                json.dump(FIGURES, handle, indent=1, sort_keys=True)

    def assertAddsUp(self, body: Dict[str, Any], label: str, max_unaccounted_pct: float = 5.0) -> Dict[str, Any]:
        figures = _figures(body)
        FIGURES[label] = figures
        timings = body["metrics"]["timings"]
        # By construction the stages and `unaccounted` partition `total`; what must be small is `unaccounted`.
        self.assertAlmostEqual(figures["stage_sum_ms"] + timings["unaccounted"], timings["total"], delta=0.05)
        self.assertGreaterEqual(timings["unaccounted"], -0.5, label)
        self.assertLess(abs(figures["unaccounted_pct"]), max_unaccounted_pct, "%s: %s" % (label, json.dumps(figures)))
        for key in ("text_encode", "denoise", "vae_decode", "postprocess"):
            self.assertGreater(timings[key], 0.0, "%s: stage %s did not register" % (label, key))
        return figures

    def _decode(self, body: Dict[str, Any]) -> Any:
        from PIL import Image

        return Image.open(io.BytesIO(base64.b64decode(body["data"][0]["b64_json"])))

    def test_edit_server(self) -> None:
        # The warm-up matches the first request's shapes (output size, steps, CFG and the input's size).
        server = TinyServer("edit", ["--warmup", "256x256:%d:cfg:320x240" % STEPS], self.log_dir)
        try:
            FIGURES["edit_ready_line"] = server.ready_line
            status, info = server.request("GET", "/v1/baseline/info")
            self.assertEqual(status, 200, info)
            FIGURES["edit_info"] = info
            self.assertEqual(info["pipeline"], "QwenImageEditPipeline")
            self.assertTrue(info["tiny"])

            fields = {"prompt": "put a red hat on it", "negative_prompt": " ", "num_inference_steps": str(STEPS),
                      "size": "256x256", "seed": "42"}
            body, ctype = _multipart(fields, [("image", "in.png", _png(320, 240, "RGBA"))])
            status, result = server.request("POST", "/v1/images/edits", body, ctype)
            self.assertEqual(status, 200, result)
            self.assertEqual(self._decode(result).size, (256, 256))
            figures = self.assertAddsUp(result, "edit_sync")
            timings = result["metrics"]["timings"]
            self.assertTrue(timings["warm"], "warm-up 256x256:%d:cfg:320x240 should make this request warm" % STEPS)
            self.assertEqual(timings["transformer_calls"], 2 * STEPS)  # CFG: cond + uncond per step
            self.assertEqual(len(timings["denoise_steps"]), STEPS)
            self.assertEqual([c["branch"] for c in timings["text_encode_calls"]], ["positive", "negative"])
            self.assertGreater(timings["vae_encode"], 0.0)
            self.assertEqual(len(timings["transformer_forward"]["cond"]), STEPS)
            self.assertEqual(len(timings["transformer_forward"]["uncond"]), STEPS)
            # Per-step events vs the synchronised denoise stage: same interval measured two ways.
            self.assertLess(abs(figures["denoise_steps_sum_ms"] - timings["denoise"]), max(1.0, 0.25 * timings["denoise"]))

            for mode in ("events", "off", "sync"):
                fields_mode = dict(fields, timing=mode)
                body, ctype = _multipart(fields_mode, [("image", "in.png", _png(320, 240))])
                status, result_mode = server.request("POST", "/v1/images/edits", body, ctype)
                self.assertEqual(status, 200, result_mode)
                FIGURES["edit_%s" % mode if mode != "sync" else "edit_sync_again"] = _figures(result_mode)

            # Same request without CFG: one transformer call per step, one text encode.
            body, ctype = _multipart({"prompt": "put a red hat on it", "num_inference_steps": str(STEPS), "size": "256x256",
                                      "seed": "42"}, [("image", "in.png", _png(320, 240))])
            status, result = server.request("POST", "/v1/images/edits", body, ctype)
            self.assertEqual(status, 200, result)
            # The smallest request of the set (~150 ms): the pipeline's fixed overhead weighs most here.
            self.assertAddsUp(result, "edit_nocfg_sync", max_unaccounted_pct=10.0)
            self.assertEqual(result["metrics"]["timings"]["transformer_calls"], STEPS)
            self.assertEqual(len(result["metrics"]["timings"]["text_encode_calls"]), 1)

            # Error shapes from the real server.
            body, ctype = _multipart({"prompt": "x"}, [("image", "a.png", _png(32, 32)), ("image", "b.png", _png(32, 32))])
            status, error = server.request("POST", "/v1/images/edits", body, ctype)
            self.assertEqual((status, sorted(error)), (400, ["detail"]))
            body, ctype = _multipart({"negative_prompt": "x"}, [("image", "a.png", _png(32, 32))])
            status, error = server.request("POST", "/v1/images/edits", body, ctype)
            self.assertEqual((status, sorted(error)), (422, ["detail"]))
        finally:
            server.stop()

    def test_generate_server(self) -> None:
        server = TinyServer("generate", [], self.log_dir)
        try:
            payload = {"prompt": "a lighthouse at dusk", "num_inference_steps": STEPS, "size": "256x256", "seed": 7}
            status, result = server.request("POST", "/v1/images/generations", json.dumps(payload).encode(), "application/json")
            self.assertEqual(status, 200, result)
            self.assertEqual(self._decode(result).size, (256, 256))
            self.assertFalse(result["metrics"]["timings"]["warm"])
            self.assertAddsUp(result, "generate_cold", max_unaccounted_pct=10.0)
            status, result = server.request("POST", "/v1/images/generations", json.dumps(payload).encode(), "application/json")
            self.assertEqual(status, 200, result)
            timings = result["metrics"]["timings"]
            self.assertTrue(timings["warm"])
            self.assertAddsUp(result, "generate_sync", max_unaccounted_pct=10.0)
            self.assertEqual(timings["transformer_calls"], STEPS)
            self.assertNotIn("vae_encode", timings)
            self.assertEqual(len(timings["text_encode_calls"]), 1)
        finally:
            server.stop()

    def test_edit_plus_server(self) -> None:
        # Also checks that the optional mm_token_type_ids pre-hook runs on transformers 5.x without breaking anything.
        server = TinyServer("edit-plus", ["--mm-token-type-ids-fix"], self.log_dir)
        try:
            image = base64.b64encode(_png(256, 192)).decode()
            payload = {"prompt": "combine them", "images": [image, "data:image/png;base64," + image],
                       "num_inference_steps": STEPS, "size": "256x256", "seed": 3}
            status, result = server.request("POST", "/v1/images/edits", json.dumps(payload).encode(), "application/json")
            self.assertEqual(status, 200, result)
            self.assertEqual(self._decode(result).size, (256, 256))
            # Tiny totals (tens of ms) make the pipeline's fixed per-call overhead a larger share: 10 % here.
            self.assertAddsUp(result, "edit_plus_cold", max_unaccounted_pct=10.0)
            status, result = server.request("POST", "/v1/images/edits", json.dumps(payload).encode(), "application/json")
            self.assertEqual(status, 200, result)
            timings = result["metrics"]["timings"]
            self.assertAddsUp(result, "edit_plus_sync", max_unaccounted_pct=10.0)
            self.assertEqual(timings["transformer_calls"], STEPS)
            self.assertEqual(len(timings.get("vae_encode_calls") or []), 2)
            status, info = server.request("GET", "/v1/baseline/info")
            self.assertTrue(info["mm_token_type_ids_fix"])
            self.assertIn("text_encoder mm_token_type_ids fix", info["timing"]["hooks"])
        finally:
            server.stop()

    @unittest.skipUnless(os.environ.get("BASELINE_SMOKE_COMPILE") == "1", "set BASELINE_SMOKE_COMPILE=1 (slow: torch.compile)")
    def test_compiled_edit_server(self) -> None:
        server = TinyServer("edit", ["--compile", "--warmup", "256x256:%d:nocfg:256x256" % STEPS], self.log_dir)
        try:
            status, info = server.request("GET", "/v1/baseline/info")
            self.assertTrue(info["compiled"])
            FIGURES["compiled_warmup"] = info["timing"]["warmup"]
            body, ctype = _multipart({"prompt": "p", "num_inference_steps": str(STEPS), "size": "256x256", "seed": "1"},
                                     [("image", "in.png", _png(256, 256))])
            status, result = server.request("POST", "/v1/images/edits", body, ctype)
            self.assertEqual(status, 200, result)
            timings = result["metrics"]["timings"]
            self.assertTrue(timings["warm"])
            self.assertEqual(timings["transformer_calls"], STEPS)  # hooks on the compiled wrapper still fire
            self.assertAddsUp(result, "edit_compiled_sync")
        finally:
            server.stop()


if __name__ == "__main__":
    unittest.main()
