"""Command line: `python3 -m baseline --model Qwen/Qwen-Image-Edit` (or `--tiny edit`, `--fake edit`)."""

from __future__ import annotations

import argparse
import logging
import signal
import sys
import threading
from typing import Any, Callable, List, Optional

from baseline import __version__
from baseline.settings import AUTO_SIZE_POLICIES, DEFAULT_PORT, Limits, Settings, parse_warmup

log = logging.getLogger("baseline")

TASK_CHOICES = ("edit", "edit-plus", "generate")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python3 -m baseline",
        description=(
            "Omni Review's diffusers baseline server: QwenImageEditPipeline, QwenImageEditPlusPipeline or "
            "QwenImagePipeline behind vLLM-Omni's image endpoints (/health, /v1/models, /v1/images/edits, "
            "/v1/images/generations, /v1/baseline/info), with per-stage timings."
        ),
        epilog="Docs: docs/baseline.md. Example: python3 -m baseline --model Qwen/Qwen-Image-Edit --port 8001",
    )
    source = parser.add_argument_group("what to serve (one of)")
    source.add_argument("--model", help="hub id or local diffusers folder, e.g. Qwen/Qwen-Image-Edit")
    source.add_argument("--tiny", choices=TASK_CHOICES,
                        help="build a tiny random pipeline offline (smoke tests of a deployment and of the timing hooks)")
    source.add_argument("--fake", choices=TASK_CHOICES,
                        help="no torch at all: a simulated pipeline and GPU (protocol tests; outputs are solid colours)")
    parser.add_argument("--pipeline", default="auto", choices=("auto",) + TASK_CHOICES,
                        help="force the pipeline class instead of choosing it from model_index.json or the model name")
    parser.add_argument("--served-model-name", default="", help="name in /v1/models and for the 'model' field (default: --model)")
    parser.add_argument("--host", default="127.0.0.1", help="bind address (default 127.0.0.1; 0.0.0.0 exposes it to the network)")
    parser.add_argument("--port", type=int, default=DEFAULT_PORT, help="port (default %d; 0 picks a free one)" % DEFAULT_PORT)
    parser.add_argument("--dtype", default="bfloat16", choices=("bfloat16", "float16", "float32"))
    parser.add_argument("--device", default="cuda:0", help="one device, no CPU offload (default cuda:0)")
    parser.add_argument("--attention-backend", default=None,
                        help="diffusers attention backend for the transformer, e.g. native, flash, _flash_3, sage (default native)")
    parser.add_argument("--compile", action="store_true", help="torch.compile the transformer")
    parser.add_argument("--mm-token-type-ids-fix", action="store_true",
                        help="forward mm_token_type_ids to the text encoder (diffusers #14194); off by default, as vLLM-Omni")
    parser.add_argument("--warmup", default="",
                        help="warm-up runs before /health is healthy: WxH[:steps[:cfg|nocfg]],... e.g. 1024x1024:50:cfg")
    parser.add_argument("--auto-size", default="input", choices=AUTO_SIZE_POLICIES,
                        help="edit size when none is sent: the first input's size (input, vLLM-Omni) or diffusers' rule")
    parser.add_argument("--max-body-mb", type=float, default=64.0, help="largest request body (default 64 MiB)")
    parser.add_argument("--max-input-pixels", type=int, default=64 * 1024 * 1024, help="largest input image, in pixels")
    parser.add_argument("--max-side", type=int, default=4096, help="largest output width or height")
    parser.add_argument("--max-images", type=int, default=8, help="most input images per request (Edit Plus)")
    parser.add_argument("--max-queue", type=int, default=64, help="most requests waiting behind the running one")
    parser.add_argument("--request-timeout", type=float, default=3600.0, help="seconds a client waits for its result")
    parser.add_argument("--log-level", default="INFO", choices=("DEBUG", "INFO", "WARNING", "ERROR"))
    parser.add_argument("--version", action="version", version="%(prog)s " + __version__)
    return parser


def settings_from_args(args: argparse.Namespace, parser: argparse.ArgumentParser) -> Settings:
    chosen = [name for name in ("model", "tiny", "fake") if getattr(args, name)]
    if len(chosen) != 1:
        parser.error("give exactly one of --model, --tiny or --fake")
    if not 0 <= args.port <= 65535:
        parser.error("--port must be from 0 to 65535")
    try:
        warmup = parse_warmup(args.warmup)
    except ValueError as exc:
        parser.error("--warmup: %s" % exc)
    for name in ("max_body_mb", "max_input_pixels", "max_side", "max_images", "max_queue", "request_timeout"):
        if getattr(args, name) <= 0:
            parser.error("--%s must be positive" % name.replace("_", "-"))
    limits = Limits(
        max_body_bytes=int(args.max_body_mb * 1024 * 1024),
        max_input_pixels=args.max_input_pixels,
        max_side=args.max_side,
        max_images=args.max_images,
        max_queue=args.max_queue,
        request_timeout_s=args.request_timeout,
    )
    return Settings(
        host=args.host,
        port=args.port,
        served_model_name=args.served_model_name,
        device=args.device,
        auto_size=args.auto_size,
        warmup=warmup,
        limits=limits,
    )


def make_loader(args: argparse.Namespace, ops: Any) -> Callable[[], Any]:
    from baseline import loader

    if args.fake:
        return lambda: loader.load_fake(args.fake, ops.cuda)
    if args.tiny:
        return lambda: loader.load_tiny(args.tiny, args.dtype, args.device, args.attention_backend, args.compile,
                                        args.mm_token_type_ids_fix)

    def load_model() -> Any:
        task = loader.choose_task(args.model, loader.read_model_index(args.model), args.pipeline)
        log.info("loading %s as %s (%s on %s)", args.model, loader.CLASS_BY_TASK[task], args.dtype, args.device)
        return loader.load_real(args.model, task, args.dtype, args.device, args.attention_backend, args.compile,
                                args.mm_token_type_ids_fix)

    return load_model


def main(argv: Optional[List[str]] = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    settings = settings_from_args(args, parser)
    logging.basicConfig(level=args.log_level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")

    from baseline.images import default_codec
    from baseline.server import ServerHandle

    if args.fake:
        from baseline.fake import FakeDeviceOps

        ops: Any = FakeDeviceOps()
    else:
        try:
            from baseline.devices import TorchDeviceOps

            ops = TorchDeviceOps(args.device)
        except ImportError as exc:
            print("baseline: torch is not importable (%s); --model and --tiny need torch (use --fake without it)" % exc,
                  file=sys.stderr)
            return 1
        except RuntimeError as exc:
            print("baseline: %s" % exc, file=sys.stderr)
            return 1
    try:
        codec = default_codec(prefer_stdlib=False)
        handle = ServerHandle(settings, ops, codec)
    except OSError as exc:
        print("baseline: cannot listen on %s:%d: %s (is another server on that port? try --port 0)"
              % (settings.host, settings.port, exc), file=sys.stderr)
        return 1
    handle.start()
    # Tests and scripts read this line to learn the port (with --port 0).
    print("baseline: listening on %s (loading; GET /health answers 503 until ready)" % handle.url, flush=True)

    stop = threading.Event()

    def on_signal(signum: int, _frame: Any) -> None:
        stop.set()

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    handle.load(make_loader(args, ops), background=True)
    while not handle.app.ready.wait(0.5):
        if stop.is_set():
            print("baseline: interrupted while loading", file=sys.stderr, flush=True)
            handle.stop()
            return 130
    if handle.app.state == "failed":
        print("baseline: loading failed: %s" % handle.app.failure, file=sys.stderr, flush=True)
        handle.stop()
        return 1
    print("baseline: ready: %s on %s (load %.1f s)" % (handle.app.loaded.pipeline_class if handle.app.loaded else "?",
                                                      ops.device_name(), handle.app.load_seconds or 0.0), flush=True)
    while not stop.wait(1.0):
        pass
    print("baseline: shutting down", flush=True)
    handle.stop()
    return 0
