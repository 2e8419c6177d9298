"""The HTTP layer over loopback with the fake pipeline: routes, error shapes, loading state, the single worker."""

from __future__ import annotations

import base64
import http.client
import json
import socket
import threading
import unittest
from typing import Any, Dict, List, Optional, Tuple

from baseline.fake import FakeCuda, FakeDeviceOps
from baseline.images import PngCodec, encode_png_rgb, png_size
from baseline.loader import LoadedPipeline, load_fake
from baseline.server import ServerHandle
from baseline.settings import Limits, Settings
from baseline.tests.test_parsing import multipart

PNG = encode_png_rgb(64, 48, (10, 20, 30))
WAIT_S = 10.0


class ServerCase(unittest.TestCase):
    task = "edit"
    limits: Optional[Limits] = None

    def setUp(self) -> None:
        self.cuda = FakeCuda(real_time=True)
        self.ops = FakeDeviceOps(self.cuda)
        self.settings = Settings(port=0, limits=self.limits or Limits(max_queue=4, request_timeout_s=30.0))
        self.handle = ServerHandle(self.settings, self.ops, PngCodec())
        self.handle.start()
        self.addCleanup(self.handle.stop)
        self.loaded: Optional[LoadedPipeline] = None

    def load(self) -> LoadedPipeline:
        def loader() -> LoadedPipeline:
            self.loaded = load_fake(self.task, self.cuda)
            return self.loaded

        self.handle.load(loader, background=False)
        assert self.loaded is not None
        return self.loaded

    def request(self, method: str, path: str, body: bytes = b"", headers: Optional[Dict[str, str]] = None,
                conn: Optional[http.client.HTTPConnection] = None) -> Tuple[int, Dict[str, Any], Dict[str, str]]:
        own = conn is None
        conn = conn or http.client.HTTPConnection("127.0.0.1", self.handle.port, timeout=WAIT_S)
        try:
            conn.request(method, path, body=body or None, headers=headers or {})
            response = conn.getresponse()
            raw = response.read()
            payload = json.loads(raw.decode("utf-8")) if raw else {}
            return response.status, payload, dict(response.getheaders())
        finally:
            if own:
                conn.close()

    def post_edit(self, fields: Optional[Dict[str, str]] = None, files: Optional[List[Tuple[str, str, bytes]]] = None) -> Tuple[int, Dict[str, Any]]:
        body, ctype = multipart(fields if fields is not None else {"prompt": "p", "num_inference_steps": "2", "size": "64x64"},
                                files if files is not None else [("image", "in.png", PNG)])
        status, payload, _ = self.request("POST", "/v1/images/edits", body, {"Content-Type": ctype})
        return status, payload


class LoadingStateTest(ServerCase):
    def test_health_is_503_while_loading_then_200(self) -> None:
        release = threading.Event()
        started = threading.Event()

        def slow_loader() -> LoadedPipeline:
            started.set()
            release.wait(WAIT_S)
            return load_fake("edit", self.cuda)

        self.handle.load(slow_loader, background=True)
        self.assertTrue(started.wait(WAIT_S))
        status, payload, _ = self.request("GET", "/health")
        self.assertEqual((status, payload["status"]), (503, "loading"))
        status, payload = self.post_edit()
        self.assertEqual(status, 503)
        self.assertEqual(payload, {"detail": "Model is loading; retry when GET /health returns 200"})
        status, payload, _ = self.request("GET", "/v1/models")
        self.assertEqual(status, 503)
        release.set()
        self.assertTrue(self.handle.app.ready.wait(WAIT_S))
        status, payload, _ = self.request("GET", "/health")
        self.assertEqual((status, payload), (200, {"status": "healthy"}))

    def test_load_failure_is_reported_not_raised(self) -> None:
        def broken_loader() -> LoadedPipeline:
            raise RuntimeError("no such checkpoint: /models/missing")

        with self.assertLogs("baseline.server", level="ERROR"):
            self.handle.load(broken_loader, background=False)
        status, payload, _ = self.request("GET", "/health")
        self.assertEqual(status, 503)
        self.assertEqual(payload["status"], "unhealthy")
        self.assertIn("no such checkpoint", payload["detail"])
        status, payload = self.post_edit()
        self.assertEqual(status, 503)
        self.assertIn("Model failed to load: RuntimeError: no such checkpoint", payload["detail"])


class RoutesTest(ServerCase):
    def setUp(self) -> None:
        super().setUp()
        self.load()

    def test_models(self) -> None:
        status, payload, _ = self.request("GET", "/v1/models")
        self.assertEqual(status, 200)
        self.assertEqual(payload["object"], "list")
        self.assertEqual(payload["data"][0]["id"], "fake/edit")
        self.assertEqual(payload["data"][0]["owned_by"], "diffusers-baseline")

    def test_info(self) -> None:
        status, info, _ = self.request("GET", "/v1/baseline/info")
        self.assertEqual(status, 200)
        for key in ("pipeline", "dtype", "device", "attention_backend", "versions", "compiled", "cpu_offload",
                    "mm_token_type_ids_fix", "semantics", "timing", "limits"):
            self.assertIn(key, info)
        self.assertEqual(info["pipeline"], "QwenImageEditPipeline")
        self.assertEqual(info["dtype"], "bfloat16")
        self.assertFalse(info["compiled"])
        self.assertTrue(info["fake"])
        self.assertEqual(sorted(info["versions"]), ["baseline", "cuda", "diffusers", "python", "torch", "transformers"])
        self.assertIn("do_convert_rgb", info["semantics"]["rgb_conversion"])
        self.assertEqual(info["semantics"]["max_images"], 1)
        self.assertIn("progress_bar", info["timing"]["hooks"])

    def test_edit_multipart(self) -> None:
        status, payload = self.post_edit({"prompt": "p", "num_inference_steps": "2", "size": "128x96", "seed": "3"})
        self.assertEqual(status, 200, payload)
        image = base64.b64decode(payload["data"][0]["b64_json"])
        self.assertEqual(png_size(image), (128, 96))
        self.assertEqual(payload["size"], "128x96")
        self.assertEqual(payload["baseline"]["seed"], 3)
        timings = payload["metrics"]["timings"]
        self.assertEqual(timings["transformer_calls"], 2)
        self.assertGreaterEqual(timings["queue_wait"], 0.0)
        self.assertGreater(timings["decode_request"], 0.0)

    def test_edit_json(self) -> None:
        body = json.dumps({"prompt": "p", "image": base64.b64encode(PNG).decode(), "num_inference_steps": 1}).encode()
        status, payload, headers = self.request("POST", "/v1/images/edits", body, {"Content-Type": "application/json"})
        self.assertEqual(status, 200, payload)
        self.assertEqual(headers["Content-Type"], "application/json")
        self.assertEqual(payload["size"], "64x48")  # auto: the input's size, floored to 16

    def test_generation_on_an_edit_server(self) -> None:
        status, payload, _ = self.request("POST", "/v1/images/generations", b'{"prompt": "x"}', {"Content-Type": "application/json"})
        self.assertEqual(status, 400)
        self.assertIn("use /v1/images/edits", payload["detail"])

    def test_unknown_paths_and_methods(self) -> None:
        status, payload, _ = self.request("GET", "/v1/nothing")
        self.assertEqual((status, payload), (404, {"detail": "Not Found"}))
        status, payload, _ = self.request("GET", "/v1/images/edits")
        self.assertEqual((status, payload), (405, {"detail": "Method Not Allowed"}))
        status, payload, _ = self.request("POST", "/health", b"{}", {"Content-Type": "application/json"})
        self.assertEqual((status, payload), (405, {"detail": "Method Not Allowed"}))

    def test_validation_errors_keep_vllm_omni_codes(self) -> None:
        status, payload = self.post_edit({"num_inference_steps": "2"})
        self.assertEqual((status, payload), (422, {"detail": "Field 'prompt' is required"}))
        status, payload = self.post_edit({"prompt": "p"}, [])
        self.assertEqual((status, payload), (422, {"detail": "Field 'image' or 'url' is required"}))
        status, payload = self.post_edit({"prompt": "p"}, [("image", "a.png", PNG), ("image", "b.png", PNG)])
        self.assertEqual(status, 400)
        self.assertEqual(payload, {"detail": "Received multiple input images. Only a single image is supported by this model."})

    def test_pipeline_failure_is_500_without_traceback(self) -> None:
        assert self.loaded is not None
        self.loaded.pipe.fail_with = ValueError("height must be divisible by 16")
        with self.assertLogs("baseline.runner", level="ERROR"):
            status, payload = self.post_edit()
        self.assertEqual(status, 500)
        self.assertEqual(payload, {"detail": "Image generation failed: ValueError: height must be divisible by 16"})
        self.assertNotIn("Traceback", json.dumps(payload))
        # The server carries on.
        self.loaded.pipe.fail_with = None
        self.assertEqual(self.post_edit()[0], 200)

    def test_keep_alive_serves_several_requests_on_one_connection(self) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", self.handle.port, timeout=WAIT_S)
        self.addCleanup(conn.close)
        for _ in range(3):
            status, _, _ = self.request("GET", "/health", conn=conn)
            self.assertEqual(status, 200)
        body, ctype = multipart({"prompt": "p", "num_inference_steps": "1"}, [("image", "in.png", PNG)])
        status, payload, _ = self.request("POST", "/v1/images/edits", body, {"Content-Type": ctype}, conn=conn)
        self.assertEqual(status, 200, payload)
        status, _, _ = self.request("GET", "/health", conn=conn)
        self.assertEqual(status, 200)

    def test_chunked_body_is_refused(self) -> None:
        with socket.create_connection(("127.0.0.1", self.handle.port), timeout=WAIT_S) as sock:
            sock.sendall(b"POST /v1/images/edits HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
                         b"Content-Type: application/json\r\n\r\n2\r\n{}\r\n0\r\n\r\n")
            reply = _read_all(sock)
        self.assertTrue(reply.startswith(b"HTTP/1.1 411"), reply[:80])
        self.assertIn(b'"detail": "chunked request bodies are not supported', reply)


class BodyLimitTest(ServerCase):
    limits = Limits(max_body_bytes=1000, request_timeout_s=30.0)

    def test_body_over_the_limit_is_413_and_the_connection_closes(self) -> None:
        self.load()
        with socket.create_connection(("127.0.0.1", self.handle.port), timeout=WAIT_S) as sock:
            sock.sendall(b"POST /v1/images/edits HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                         b"Content-Length: 5000\r\n\r\n" + b"x" * 100)
            reply = _read_all(sock)
        self.assertTrue(reply.startswith(b"HTTP/1.1 413"), reply[:80])
        self.assertIn(b"over the server's limit of 1000 (--max-body-mb)", reply)
        self.assertIn(b"Connection: close", reply)


def _read_all(sock: socket.socket) -> bytes:
    chunks = []
    while True:  # ends when the server closes the connection (or the socket timeout fires)
        chunk = sock.recv(65536)
        if not chunk:
            break
        chunks.append(chunk)
    return b"".join(chunks)


class QueueTest(ServerCase):
    limits = Limits(max_queue=1, request_timeout_s=30.0)

    def test_one_request_at_a_time_in_order_with_queue_wait(self) -> None:
        loaded = self.load()
        entered = threading.Semaphore(0)
        gate = threading.Event()
        order: List[str] = []

        def on_call(pipe: Any) -> None:
            order.append(pipe.calls[-1]["prompt"])
            entered.release()
            gate.wait(WAIT_S)

        loaded.pipe.on_call = on_call
        results: Dict[str, Tuple[int, Dict[str, Any]]] = {}

        def send(prompt: str) -> None:
            results[prompt] = self.post_edit({"prompt": prompt, "num_inference_steps": "1"})

        first = threading.Thread(target=send, args=("first",))
        first.start()
        self.assertTrue(entered.acquire(timeout=WAIT_S))  # the worker is inside the first request
        second = threading.Thread(target=send, args=("second",))
        second.start()
        self.assertTrue(_wait_for(lambda: self.handle.app.worker.depth() == 1))
        # The queue holds one; a third request is turned away at once.
        status, payload = self.post_edit({"prompt": "third", "num_inference_steps": "1"})
        self.assertEqual(status, 503)
        self.assertIn("--max-queue", payload["detail"])
        self.cuda.cpu(250.0)  # the first request "takes" 250 ms more while the second waits
        gate.set()
        first.join(WAIT_S)
        second.join(WAIT_S)
        self.assertEqual(order, ["first", "second"])
        self.assertEqual(self.handle.app.worker.max_running, 1)
        self.assertEqual(results["first"][0], 200)
        self.assertEqual(results["second"][0], 200)
        self.assertGreaterEqual(results["second"][1]["metrics"]["timings"]["queue_wait"], 250.0)
        self.assertLess(results["first"][1]["metrics"]["timings"]["queue_wait"], 250.0)


def _wait_for(predicate: Any, timeout: float = WAIT_S) -> bool:
    """Poll a condition that has no event of its own (queue depth); bounded."""
    done = threading.Event()
    for _ in range(int(timeout / 0.01)):
        if predicate():
            return True
        done.wait(0.01)
    return predicate()


class EditPlusServerTest(ServerCase):
    task = "edit-plus"

    def test_several_images(self) -> None:
        self.load()
        status, payload = self.post_edit({"prompt": "p", "num_inference_steps": "1", "size": "64x64"},
                                         [("image[]", "a.png", PNG), ("image[]", "b.png", PNG)])
        self.assertEqual(status, 200, payload)
        self.assertEqual(payload["baseline"]["input_sizes"], [[64, 48], [64, 48]])
        self.assertEqual(payload["baseline"]["pipeline"], "QwenImageEditPlusPipeline")


class GenerateServerTest(ServerCase):
    task = "generate"

    def test_generation_and_edit_refusal(self) -> None:
        self.load()
        body = json.dumps({"prompt": "a cat", "size": "64x64", "num_inference_steps": 1, "seed": 1}).encode()
        status, payload, _ = self.request("POST", "/v1/images/generations", body, {"Content-Type": "application/json"})
        self.assertEqual(status, 200, payload)
        self.assertEqual(payload["baseline"]["pipeline"], "QwenImagePipeline")
        status, payload = self.post_edit()
        self.assertEqual(status, 400)
        self.assertIn("text to image", payload["detail"])


if __name__ == "__main__":
    unittest.main()
