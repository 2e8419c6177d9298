"""HTTP layer: stdlib ThreadingHTTPServer for I/O and request parsing, ONE worker thread with a FIFO queue for the
pipeline (one request at a time; `queue_wait` measures the wait).

Endpoints (vLLM-Omni's names and shapes): GET /health, GET /v1/models, GET /v1/baseline/info,
POST /v1/images/edits (multipart or JSON), POST /v1/images/generations (JSON). Errors are `{"detail": "..."}`;
tracebacks go to the server log only.

One file over 400 lines on purpose: it is one concept, the HTTP layer and its single pipeline worker. The queue,
the worker and the handler share the one-request-at-a-time invariant that `queue_wait` measures; kept together so
that invariant is visible in one place.
"""

from __future__ import annotations

import json
import logging
import queue
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable, Dict, List, Optional, Tuple
from urllib.parse import urlsplit

from baseline import __version__
from baseline.errors import ApiError
from baseline.loader import LoadedPipeline
from baseline.parsing import ImageRequest, parse_request
from baseline.runner import PipelineRunner, RunResult
from baseline.settings import Settings

log = logging.getLogger("baseline.server")

GET_ROUTES = ("/health", "/v1/models", "/v1/baseline/info")
POST_ROUTES = {"/v1/images/edits": "edit", "/v1/images/generations": "generate"}


class Job:
    def __init__(self, request: ImageRequest, size: Tuple[int, int], arrived: float, decoded: float) -> None:
        self.request = request
        self.size = size
        self.arrived = arrived
        self.decoded = decoded
        self.enqueued = 0.0
        self.done = threading.Event()
        self.result: Optional[RunResult] = None
        self.error: Optional[ApiError] = None


class Worker:
    """The only thread that touches the pipeline. FIFO; bounded queue; stops on request."""

    def __init__(self, clock: Callable[[], float], max_queue: int) -> None:
        self._clock = clock
        self._max_queue = max_queue
        self._submit_lock = threading.Lock()
        self._queue: "queue.Queue[Optional[Job]]" = queue.Queue()
        self._runner: Optional[PipelineRunner] = None
        self._thread = threading.Thread(target=self._loop, name="baseline-worker", daemon=True)
        self._stopping = threading.Event()
        self.running = 0
        self.max_running = 0  # for tests: must stay 1
        self.completed = 0

    def attach(self, runner: PipelineRunner) -> None:
        self._runner = runner

    def start(self) -> None:
        self._thread.start()

    def submit(self, job: Job) -> None:
        with self._submit_lock:
            if self._queue.qsize() >= self._max_queue:
                raise ApiError(503, "server busy: %d requests already wait behind the running one (--max-queue); retry later"
                               % self._max_queue)
            job.enqueued = self._clock() * 1000.0
            self._queue.put_nowait(job)

    def depth(self) -> int:
        return self._queue.qsize()

    def stop(self, timeout: float = 10.0) -> None:
        self._stopping.set()
        self._queue.put_nowait(None)
        if self._thread.is_alive():
            self._thread.join(timeout)
        # Answer whoever still waits in the queue instead of leaving them until --request-timeout.
        while True:
            try:
                job = self._queue.get_nowait()
            except queue.Empty:
                break
            if job is not None:
                job.error = ApiError(503, "server is shutting down; the request was not run")
                job.done.set()

    def _loop(self) -> None:
        while not self._stopping.is_set():
            try:
                job = self._queue.get(timeout=0.5)
            except queue.Empty:
                continue
            if job is None:
                break
            self.running += 1
            self.max_running = max(self.max_running, self.running)
            try:
                if self._runner is None:
                    raise ApiError(503, "Model is loading; retry when GET /health returns 200")
                job.result = self._runner.run(job.request, job.arrived, job.decoded, job.enqueued, size=job.size)
            except ApiError as exc:
                job.error = exc
            except Exception as exc:  # a bug in our code: log it, answer 500 without the traceback
                log.exception("unexpected error while running a request")
                job.error = ApiError(500, "Image generation failed: internal error (%s); see the server log" % type(exc).__name__)
            finally:
                self.running -= 1
                self.completed += 1
                job.done.set()


class BaselineApp:
    """State shared by the handler threads: loading state, the worker, settings, info."""

    def __init__(self, settings: Settings, ops: Any, codec: Any) -> None:
        self.settings = settings
        self.ops = ops
        self.codec = codec
        self.state = "loading"  # loading -> warming_up -> ready | failed
        self.failure: Optional[str] = None
        self.loaded: Optional[LoadedPipeline] = None
        self.runner: Optional[PipelineRunner] = None
        self.worker = Worker(ops.clock, settings.limits.max_queue)
        self.ready = threading.Event()
        self.started_at = time.time()
        self.load_seconds: Optional[float] = None

    # -- lifecycle ------------------------------------------------------------------------------------------------
    def load(self, loader: Callable[[], LoadedPipeline]) -> None:
        """Load (and warm up) on the calling thread; /health answers 503 meanwhile."""
        t0 = time.perf_counter()
        try:
            loaded = loader()
            runner = PipelineRunner(loaded, self.ops, self.codec, self.settings)
            self.loaded, self.runner = loaded, runner
            if self.settings.warmup:
                self.state = "warming_up"
                runner.warmup(self.settings.warmup)
            self.worker.attach(runner)
            self.load_seconds = round(time.perf_counter() - t0, 3)
            self.state = "ready"
        except Exception as exc:
            log.exception("loading the pipeline failed")
            self.failure = "%s: %s" % (type(exc).__name__, exc)
            self.state = "failed"
        finally:
            self.ready.set()

    @property
    def served_model_name(self) -> str:
        if self.settings.served_model_name:
            return self.settings.served_model_name
        return self.loaded.model if self.loaded is not None else ""

    # -- bodies ---------------------------------------------------------------------------------------------------
    def health(self) -> Tuple[int, Dict[str, Any]]:
        if self.state == "ready":
            return 200, {"status": "healthy"}
        if self.state == "failed":
            return 503, {"status": "unhealthy", "detail": "model failed to load: %s" % self.failure}
        return 503, {"status": "loading", "detail": "model is %s" % self.state.replace("_", " ")}

    def models(self) -> Dict[str, Any]:
        self._require_ready()
        assert self.loaded is not None
        return {
            "object": "list",
            "data": [
                {
                    "id": self.served_model_name,
                    "object": "model",
                    "created": int(self.started_at),
                    "owned_by": "diffusers-baseline",
                    "root": self.loaded.model,
                }
            ],
        }

    def info(self) -> Dict[str, Any]:
        self._require_ready()
        loaded, runner = self.loaded, self.runner
        assert loaded is not None and runner is not None
        limits = self.settings.limits
        info: Dict[str, Any] = {
            "pipeline": loaded.pipeline_class,
            "task": loaded.task,
            "model": loaded.model,
            "served_model_name": self.served_model_name,
            "tiny": bool(loaded.info.get("tiny")),
            "fake": bool(loaded.info.get("fake")),
            "dtype": loaded.info.get("dtype"),
            "device": self.ops.device_name(),
            "device_index": str(getattr(self.ops, "device", "")),
            "attention_backend": loaded.info.get("attention_backend"),
            "compiled": loaded.info.get("compiled"),
            "cpu_offload": loaded.info.get("cpu_offload"),
            "mm_token_type_ids_fix": loaded.info.get("mm_token_type_ids_fix"),
            "versions": dict(self.ops.versions(), baseline=__version__),
            "semantics": {
                "rgb_conversion": "input images are converted to RGB before the pipeline (vLLM-Omni: do_convert_rgb=True)",
                "seed": "seed -> torch.Generator on generator_device, default the server's GPU (as vLLM-Omni); "
                "a missing seed is drawn at random and echoed in baseline.seed",
                "cfg": "true CFG only when negative_prompt is given and true_cfg_scale > 1 (two transformer calls per step)",
                "size": "height and width are always passed explicitly, floored to a multiple of %d; without size, "
                "text to image uses %dx%d and edits use %s"
                % (
                    loaded.size_multiple,
                    loaded.default_size,
                    loaded.default_size,
                    "the first input image's size (vLLM-Omni's rule)"
                    if self.settings.auto_size == "input"
                    else "diffusers' rule (1024x1024 area at the input's aspect ratio)",
                ),
                "auto_size": self.settings.auto_size,
                "max_images": 1 if not loaded.multi_image else limits.max_images,
                "concurrency": "one request at a time (FIFO); queue_wait reports the wait",
            },
            "timing": {
                "default_method": "cuda_sync",
                "methods": {"sync": "cuda_sync", "events": "cuda_events", "off": "host_unsynced"},
                "warmup": list(runner.warmup_results),
                "hooks": loaded.info.get("hooks"),
            },
            "limits": {
                "max_body_bytes": limits.max_body_bytes,
                "max_input_pixels": limits.max_input_pixels,
                "min_side": limits.min_side,
                "max_side": limits.max_side,
                "max_images": limits.max_images,
                "max_n": limits.max_n,
                "max_steps": limits.max_steps,
                "max_queue": limits.max_queue,
            },
            "codec": getattr(self.codec, "name", type(self.codec).__name__),
            "load_seconds": self.load_seconds,
            "queue_depth": self.worker.depth(),
        }
        for key in ("tiny_build", "vae_scale_factor"):
            if key in loaded.info:
                info[key] = loaded.info[key]
        return info

    def _require_ready(self) -> None:
        if self.state == "failed":
            raise ApiError(503, "Model failed to load: %s" % self.failure)
        if self.state != "ready":
            raise ApiError(503, "Model is loading; retry when GET /health returns 200")

    def handle_image_post(self, endpoint: str, content_type: Optional[str], body: bytes, arrived: float) -> RunResult:
        self._require_ready()
        assert self.loaded is not None and self.runner is not None
        loaded = self.loaded
        if endpoint == "edit" and loaded.task == "generate":
            raise ApiError(400, "this server runs QwenImagePipeline (text to image); start it with an edit model to use /v1/images/edits")
        if endpoint == "generate" and loaded.task != "generate":
            raise ApiError(400, "this server runs %s, which needs an input image: use /v1/images/edits" % loaded.pipeline_class)
        request = parse_request(endpoint, content_type, body, self.codec, self.settings.limits,
                                self.served_model_name, loaded.multi_image)
        size = self.runner.resolve_size(request)
        job = Job(request, size, arrived, self.ops.clock() * 1000.0)
        self.worker.submit(job)
        if not job.done.wait(self.settings.limits.request_timeout_s):
            raise ApiError(504, "request still running after %.0f s (--request-timeout); it will finish but its result is dropped"
                           % self.settings.limits.request_timeout_s)
        if job.error is not None:
            raise job.error
        assert job.result is not None
        return job.result


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "omni-review-baseline/" + __version__
    server: "BaselineHTTPServer"

    # -- plumbing -------------------------------------------------------------------------------------------------
    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 (stdlib signature)
        log.info("%s %s", self.address_string(), format % args)

    def _send(self, status: int, body: bytes, content_type: str = "application/json") -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _json(self, status: int, payload: Dict[str, Any]) -> None:
        self._send(status, json.dumps(payload).encode("utf-8"))

    def _error(self, status: int, detail: str) -> None:
        self._json(status, {"detail": detail})

    def _path(self) -> str:
        return urlsplit(self.path).path.rstrip("/") or "/"

    def _read_body(self) -> bytes:
        limits = self.server.app.settings.limits
        if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
            self.close_connection = True
            raise ApiError(411, "chunked request bodies are not supported; send a Content-Length header")
        length_header = self.headers.get("Content-Length")
        if length_header is None:
            return b""
        try:
            length = int(length_header)
        except ValueError:
            self.close_connection = True
            raise ApiError(400, "Content-Length %r is not a number" % length_header) from None
        if length < 0:
            self.close_connection = True
            raise ApiError(400, "Content-Length must not be negative")
        if length > limits.max_body_bytes:
            # The body stays unread: close the connection after answering so it is not parsed as a request.
            self.close_connection = True
            raise ApiError(413, "request body is %d bytes, over the server's limit of %d (--max-body-mb)" % (length, limits.max_body_bytes))
        chunks: List[bytes] = []
        remaining = length
        while remaining > 0:
            chunk = self.rfile.read(min(remaining, 1 << 20))
            if not chunk:
                self.close_connection = True
                raise ApiError(400, "request body ended after %d of %d bytes" % (length - remaining, length))
            chunks.append(chunk)
            remaining -= len(chunk)
        return b"".join(chunks)

    def _guard(self, action: Callable[[], None]) -> None:
        try:
            action()
        except ApiError as exc:
            self._error(exc.status, exc.detail)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True
        except Exception as exc:
            log.exception("unexpected error handling %s %s", self.command, self.path)
            self.close_connection = True
            self._error(500, "internal server error (%s); see the server log" % type(exc).__name__)

    # -- routes ---------------------------------------------------------------------------------------------------
    def do_GET(self) -> None:
        self._guard(self._get)

    def do_HEAD(self) -> None:
        self._guard(self._get)

    def do_POST(self) -> None:
        self._guard(self._post)

    def _method_not_allowed(self) -> None:
        # Drain a small body so the connection can be reused; close it otherwise.
        self.close_connection = True
        raise ApiError(405, "Method Not Allowed")

    def _get(self) -> None:
        app = self.server.app
        path = self._path()
        if path == "/health":
            status, payload = app.health()
            self._json(status, payload)
        elif path == "/v1/models":
            self._json(200, app.models())
        elif path == "/v1/baseline/info":
            self._json(200, app.info())
        elif path in POST_ROUTES:
            self._method_not_allowed()
        else:
            raise ApiError(404, "Not Found")

    def _post(self) -> None:
        app = self.server.app
        arrived = app.ops.clock() * 1000.0
        path = self._path()
        endpoint = POST_ROUTES.get(path)
        if endpoint is None:
            if path in GET_ROUTES:
                self._method_not_allowed()
            self.close_connection = True
            raise ApiError(404, "Not Found")
        body = self._read_body()
        result = app.handle_image_post(endpoint, self.headers.get("Content-Type"), body, arrived)
        self._send(200, result.body())


class BaselineHTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address: Tuple[str, int], app: BaselineApp) -> None:
        self.app = app
        super().__init__(address, Handler)


class ServerHandle:
    """A running server: HTTP on a thread, the worker on another. For the CLI and for tests."""

    def __init__(self, settings: Settings, ops: Any, codec: Any) -> None:
        self.app = BaselineApp(settings, ops, codec)
        self.httpd = BaselineHTTPServer((settings.host, settings.port), self.app)
        self._http_thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05},
                                             name="baseline-http", daemon=True)

    @property
    def port(self) -> int:
        return int(self.httpd.server_address[1])

    @property
    def url(self) -> str:
        host = self.httpd.server_address[0]
        return "http://%s:%d" % (host, self.port)

    def start(self) -> None:
        self.app.worker.start()
        self._http_thread.start()

    def load(self, loader: Callable[[], LoadedPipeline], background: bool = True) -> None:
        if background:
            threading.Thread(target=self.app.load, args=(loader,), name="baseline-load", daemon=True).start()
        else:
            self.app.load(loader)

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.app.worker.stop()
