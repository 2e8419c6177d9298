"""One request through the pipeline: size and seed resolution, the timed call, image encoding, the response body.

Runs on the single worker thread (the diffusers pipelines keep per-call state on `self` and are not thread-safe).
"""

from __future__ import annotations

import base64
import dataclasses
import json
import logging
import math
import random
import time
from typing import Any, Dict, List, Optional, Tuple

from baseline.errors import ApiError, bad_request
from baseline.loader import LoadedPipeline
from baseline.parsing import ImageRequest
from baseline.settings import Settings, WarmupSpec
from baseline.timing import (
    METHOD_BY_MODE,
    EventMarker,
    HostMarker,
    HostTimes,
    TimingRecorder,
    compute_timings,
    stage_durations,
)

log = logging.getLogger("baseline.runner")


def calculate_dimensions(target_area: int, ratio: float) -> Tuple[int, int]:
    """diffusers' Qwen rule: (width, height) of `target_area` pixels at aspect `ratio`, each rounded to 32."""
    width = math.sqrt(target_area * ratio)
    height = width / ratio
    return int(round(width / 32) * 32), int(round(height / 32) * 32)


@dataclasses.dataclass
class RunResult:
    """Response body in two parts: small metadata and the pre-serialised `data` array (the big base64 strings)."""

    meta: Dict[str, Any]
    data_json: str

    def body(self) -> bytes:
        head = json.dumps(self.meta, separators=(", ", ": "))
        return (head[:-1] + ', "data": ' + self.data_json + "}").encode("utf-8")


class PipelineRunner:
    def __init__(self, loaded: LoadedPipeline, ops: Any, codec: Any, settings: Settings) -> None:
        self.loaded = loaded
        self.ops = ops
        self.codec = codec
        self.settings = settings
        self.warm_keys: set = set()
        self.warmup_results: List[Dict[str, Any]] = []

    # -- sizes ----------------------------------------------------------------------------------------------------
    def resolve_size(self, request: ImageRequest) -> Tuple[int, int]:
        """Explicit width x height for the pipeline, floored to the pipeline's multiple (as the pipeline would).

        Without `size` (or size=auto): text to image uses the pipeline's default (1024x1024); an edit uses the
        first input image's size (vLLM-Omni's /v1/images/edits rule) or, with --auto-size pipeline, diffusers'
        rule (1024x1024 area at the aspect ratio of the first image, the last one for Edit Plus).
        """
        multiple = self.loaded.size_multiple
        limits = self.settings.limits
        source = "request"
        if request.size is not None:
            width, height = request.size
        elif request.endpoint == "generate" or not request.input_sizes:
            width = height = self.loaded.default_size
            source = "pipeline default"
        elif self.settings.auto_size == "input":
            width, height = request.input_sizes[0]
            source = "first input image"
        else:
            ref = request.input_sizes[-1] if self.loaded.multi_image else request.input_sizes[0]
            width, height = calculate_dimensions(1024 * 1024, ref[0] / ref[1])
            source = "pipeline rule"
        width, height = width // multiple * multiple, height // multiple * multiple
        if width < multiple or height < multiple:
            raise bad_request("output size from the %s is smaller than %d pixels a side; send an explicit size" % (source, multiple))
        if max(width, height) > limits.max_side:
            raise bad_request(
                "output size %dx%d (from the %s) is over --max-side %d; send an explicit smaller size"
                % (width, height, source, limits.max_side)
            )
        return width, height

    # -- markers --------------------------------------------------------------------------------------------------
    def _recorder(self, mode: str, fine_lists: bool) -> Tuple[TimingRecorder, str]:
        ops = self.ops
        bracket = HostMarker(ops.clock, ops.sync)
        has_events = bool(getattr(ops, "has_events", False))
        new_event = ops.new_event if has_events else None
        if mode == "sync":
            stage: Any = bracket
            fine: Any = EventMarker(ops.new_event) if has_events else HostMarker(ops.clock, ops.sync)
        elif mode == "events":
            stage = fine = EventMarker(ops.new_event) if has_events else HostMarker(ops.clock, ops.sync)
        else:
            stage = fine = HostMarker(ops.clock)
            new_event = None
        method = METHOD_BY_MODE[mode] if has_events or mode == "off" else "host_sync"
        return TimingRecorder(stage, fine, bracket, new_anchor_event=new_event, fine_lists=fine_lists), method

    # -- the call -------------------------------------------------------------------------------------------------
    def run(self, request: ImageRequest, arrived: float, decoded: float, enqueued: float,
            size: Optional[Tuple[int, int]] = None) -> RunResult:
        ops = self.ops
        picked = ops.clock() * 1000.0
        loaded = self.loaded
        width, height = size or self.resolve_size(request)
        cfg = request.true_cfg_scale > 1 and request.negative_prompt is not None
        seed_source = "request"
        seed = request.seed
        if seed is None:
            # vLLM-Omni also picks a random seed when none is sent; we echo it so the run can be repeated.
            seed = random.randint(0, 2**32 - 1)
            seed_source = "random"
        generator_device = ops.resolve_generator_device(request.generator_device)
        generator = ops.generator(generator_device, seed)
        ops.reset_peak()
        condition_sizes = self._condition_sizes(request)
        # Shapes decide what is compiled and cached: output size, steps, CFG and the sizes inputs are resized to.
        warm_key = (width, height, request.steps, cfg, tuple(tuple(s) for s in condition_sizes))
        warm = warm_key in self.warm_keys

        kwargs: Dict[str, Any] = {
            "prompt": request.prompt,
            "true_cfg_scale": request.true_cfg_scale,
            "height": height,
            "width": width,
            "num_inference_steps": request.steps,
            "num_images_per_prompt": request.n,
            "generator": generator,
            "output_type": "pil",
            "callback_on_step_end": loaded.instrumentation.on_step_end,
            "max_sequence_length": request.max_sequence_length,
        }
        if request.negative_prompt is not None:
            kwargs["negative_prompt"] = request.negative_prompt
        if request.guidance_scale is not None:
            kwargs["guidance_scale"] = request.guidance_scale
        if loaded.task == "edit":
            kwargs["image"] = request.images[0]
        elif loaded.task == "edit-plus":
            kwargs["image"] = list(request.images)

        recorder, method = self._recorder(request.timing, request.step_timings)
        instrumentation = loaded.instrumentation
        instrumentation.recorder = recorder
        try:
            recorder.start()
            try:
                output = loaded.pipe(**kwargs)
            finally:
                recorder.end()
        except ApiError:
            raise
        except Exception as exc:
            log.exception("pipeline %s failed", loaded.pipeline_class)
            if ops.is_out_of_memory(exc):
                ops.empty_cache()
                raise ApiError(
                    500,
                    "Image generation failed: out of GPU memory at %dx%d with %d image(s); try a smaller size, fewer "
                    "input images or n=1" % (width, height, max(1, len(request.images))),
                ) from None
            message = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
            raise ApiError(500, "Image generation failed: %s%s" % (type(exc).__name__, ": " + message[:300] if message else "")) from None
        finally:
            instrumentation.recorder = None

        images = list(getattr(output, "images", output))
        encode_start = ops.clock() * 1000.0
        data = []
        for image in images:
            encoded = self.codec.encode(image, request.output_format, request.output_compression)
            data.append({"b64_json": base64.b64encode(encoded).decode("ascii"), "url": None, "revised_prompt": None})
        data_json = json.dumps(data)
        encode_end = ops.clock() * 1000.0

        raw = recorder.resolve()
        host = HostTimes(arrived=arrived, decoded=decoded, enqueued=enqueued, picked=picked,
                         encode_start=encode_start, encode_end=encode_end)
        timings = compute_timings(raw, host, method, warm)
        peak_reserved, peak_allocated = ops.peak_memory_mb()
        self.warm_keys.add(warm_key)

        out_w, out_h = images[0].size if images else (width, height)
        tx_meta = raw.first_meta.get("transformer", {})
        meta: Dict[str, Any] = {
            "created": int(time.time()),
            "output_format": request.output_format,
            "size": "%dx%d" % (out_w, out_h),
            "metrics": {
                "stage_durations": stage_durations(loaded.pipeline_class, timings),
                "peak_memory_mb": peak_reserved,
                "peak_memory_allocated_mb": peak_allocated,
                "preprocess_time_ms": timings.get("preprocess"),
                "postprocess_time_ms": timings.get("postprocess"),
                "timings": timings,
            },
            "baseline": {
                "pipeline": loaded.pipeline_class,
                "seed": seed,
                "seed_source": seed_source,
                "generator_device": generator_device,
                "cfg": cfg,
                "true_cfg_scale": request.true_cfg_scale,
                "num_inference_steps": request.steps,
                "width": width,
                "height": height,
                "n": request.n,
                "input_sizes": [list(s) for s in request.input_sizes],
                "condition_sizes": condition_sizes,
                "image_seq_len": tx_meta.get("image_seq_len"),
                "text_seq_len": tx_meta.get("text_seq_len"),
                "steps_run": recorder.step_count,
                "timing": request.timing,
                "warm": warm,
                "tiny": bool(loaded.info.get("tiny")),
                "fake": bool(loaded.info.get("fake")),
                "ignored_fields": request.ignored_fields,
            },
        }
        return RunResult(meta, data_json)

    def _condition_sizes(self, request: ImageRequest) -> List[List[int]]:
        """Sizes the pipeline resizes each input to (VL encoder and VAE), per the diffusers source."""
        out: List[List[int]] = []
        for w, h in request.input_sizes:
            if self.loaded.task == "edit":
                out.append(list(calculate_dimensions(1024 * 1024, w / h)))
            elif self.loaded.task == "edit-plus":
                out.append(list(calculate_dimensions(384 * 384, w / h)) + list(calculate_dimensions(1024 * 1024, w / h)))
        return out

    # -- warm-up --------------------------------------------------------------------------------------------------
    def warmup(self, specs: List[WarmupSpec]) -> List[Dict[str, Any]]:
        """One request per (size, steps, CFG) before /health says healthy: CUDA context, cuBLAS heuristics, the
        transformer's per-shape RoPE cache, torch.compile. Later requests with the same key report warm=true."""
        results: List[Dict[str, Any]] = []
        for spec in specs:
            images = []
            sizes: List[Tuple[int, int]] = []
            if self.loaded.task != "generate":
                sizes = list(spec.inputs) or [(spec.width, spec.height)]
                if self.loaded.task == "edit":
                    sizes = sizes[:1]
                images = [self.codec.new_image(w, h) for w, h in sizes]
            request = ImageRequest(
                endpoint="generate" if self.loaded.task == "generate" else "edit",
                prompt="warm-up",
                negative_prompt=" " if spec.cfg else None,
                images=images,
                input_sizes=sizes,
                n=1,
                size=(spec.width, spec.height),
                steps=spec.steps,
                true_cfg_scale=4.0,
                guidance_scale=None,
                seed=0,
                generator_device="cuda",
                output_format="png",
                output_compression=100,
                max_sequence_length=512,
                timing="sync",
                step_timings=True,
            )
            now = self.ops.clock() * 1000.0
            result = self.run(request, now, now, now)
            total = result.meta["metrics"]["timings"]["total"]
            log.info("warm-up %s took %.1f ms", spec.label(), total)
            results.append({"spec": spec.label(), "total_ms": total})
        self.warmup_results.extend(results)
        return results
