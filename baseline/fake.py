"""A fake GPU and a fake Qwen pipeline for CI (no torch, no diffusers, no Pillow) and for `--fake` servers.

The fake pipeline calls its parts in the same order and through the same attribute look-ups as diffusers'
`QwenImageEditPipeline.__call__` (resize, preprocess -> resize, encode_prompt -> text_encoder(...), prepare_latents
-> vae.encode, progress_bar loop with transformer(...) and callback_on_step_end, vae.decode, postprocess), so the
real instrumentation wraps it unchanged.

`FakeCuda` models asynchrony: a launch costs the host a little and queues GPU work on one stream; `sync()` makes
the host wait for the stream; an event records when the stream reaches it. Stages timed without synchronising
therefore come out wrong in exactly the way they do on a real GPU, and the tests can see the difference.
"""

from __future__ import annotations

import dataclasses
import hashlib
import math
import threading
import time
from typing import Any, Callable, Dict, List, Optional, Tuple

from baseline.images import SolidImage


class FakeCuda:
    """Virtual time in seconds. With real_time=True it runs on top of perf_counter, so real waits (a queue) count."""

    def __init__(self, real_time: bool = False) -> None:
        self._real_time = real_time
        self._lock = threading.Lock()
        self._offset = 0.0
        self._tail = 0.0

    def _now(self) -> float:
        return (time.perf_counter() if self._real_time else 0.0) + self._offset

    def now(self) -> float:
        with self._lock:
            return self._now()

    def cpu(self, ms: float) -> None:
        with self._lock:
            self._offset += ms / 1000.0

    def launch(self, gpu_ms: float, cpu_ms: float = 0.02) -> None:
        with self._lock:
            self._offset += cpu_ms / 1000.0
            start = max(self._now(), self._tail)
            self._tail = start + gpu_ms / 1000.0

    def sync(self) -> None:
        with self._lock:
            now = self._now()
            if self._tail > now:
                self._offset += self._tail - now

    def stream_time(self) -> float:
        with self._lock:
            return max(self._now(), self._tail)


class FakeEvent:
    def __init__(self, cuda: FakeCuda) -> None:
        self._cuda = cuda
        self.time: Optional[float] = None

    def record(self) -> None:
        self.time = self._cuda.stream_time()

    def elapsed_time(self, end: "FakeEvent") -> float:
        if self.time is None or end.time is None:
            raise RuntimeError("FakeEvent.elapsed_time on an event that was never recorded")
        return (end.time - self.time) * 1000.0


@dataclasses.dataclass
class FakeGenerator:
    device: str
    seed: int


class FakeDeviceOps:
    """Same methods as devices.TorchDeviceOps, on a FakeCuda."""

    def __init__(self, cuda: Optional[FakeCuda] = None, device: str = "cuda:0") -> None:
        self.cuda = cuda or FakeCuda(real_time=True)
        self.device = device
        self.has_events = True
        self.peak_resets = 0

    def clock(self) -> float:
        return self.cuda.now()

    def sync(self) -> None:
        self.cuda.sync()

    def new_event(self) -> FakeEvent:
        return FakeEvent(self.cuda)

    def resolve_generator_device(self, requested: str) -> str:
        return self.device if requested == "cuda" else requested

    def generator(self, device: str, seed: int) -> FakeGenerator:
        return FakeGenerator(device, seed)

    def reset_peak(self) -> None:
        self.peak_resets += 1

    def peak_memory_mb(self) -> Tuple[Optional[float], Optional[float]]:
        return None, None

    def device_name(self) -> str:
        return "fake GPU (simulated; no real device)"

    def is_out_of_memory(self, exc: BaseException) -> bool:
        return "out of memory" in str(exc).lower()

    def empty_cache(self) -> None:
        pass

    def versions(self) -> Dict[str, Optional[str]]:
        import platform

        return {"python": platform.python_version(), "torch": None, "cuda": None, "diffusers": None, "transformers": None}


@dataclasses.dataclass
class FakeCosts:
    """Modelled costs in ms. GPU costs are queued on the fake stream; CPU costs advance the host clock."""

    check_inputs_cpu: float = 0.5
    resize_cpu: float = 2.0
    preprocess_cpu: float = 3.0
    processor_cpu: float = 4.0
    text_encoder_gpu: float = 10.0
    vae_encode_gpu: float = 8.0
    noise_gpu: float = 1.0
    timesteps_cpu: float = 0.3
    transformer_gpu: float = 20.0
    scheduler_gpu: float = 0.5
    vae_decode_gpu: float = 12.0
    postprocess_cpu: float = 5.0
    # Work between stages that nothing wraps (latent unpacking, ...): shows up as pipeline_unaccounted.
    unwrapped_cpu: float = 0.2
    launch_cpu: float = 0.02


class FakeTensor:
    def __init__(self, shape: Tuple[int, ...]) -> None:
        self.shape = shape

    def __eq__(self, other: object) -> Any:  # (ids == token) in the mm_token_type_ids fix
        return self

    def int(self) -> "FakeTensor":
        return self


class _Handle:
    def __init__(self, hooks: List[Any], hook: Any) -> None:
        self._hooks, self._hook = hooks, hook

    def remove(self) -> None:
        if self._hook in self._hooks:
            self._hooks.remove(self._hook)


class FakeModule:
    """Runs forward pre/post hooks like torch.nn.Module.__call__ with with_kwargs=True."""

    def __init__(self, cuda: FakeCuda, gpu_ms: float, launch_cpu: float, output: Callable[..., Any]) -> None:
        self._cuda = cuda
        self._gpu_ms = gpu_ms
        self._launch_cpu = launch_cpu
        self._output = output
        self._pre: List[Any] = []
        self._post: List[Any] = []
        self.calls = 0
        self.config = dataclasses.make_dataclass("Config", [("image_token_id", int, dataclasses.field(default=7))])()

    def register_forward_pre_hook(self, hook: Any, with_kwargs: bool = False) -> _Handle:
        assert with_kwargs, "the instrumentation always asks for kwargs"
        self._pre.append(hook)
        return _Handle(self._pre, hook)

    def register_forward_hook(self, hook: Any, with_kwargs: bool = False) -> _Handle:
        assert with_kwargs
        self._post.append(hook)
        return _Handle(self._post, hook)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        for hook in list(self._pre):
            result = hook(self, args, kwargs)
            if result is not None:
                args, kwargs = result
        self.calls += 1
        self._cuda.launch(self._gpu_ms, self._launch_cpu)
        out = self._output(*args, **kwargs)
        for hook in list(self._post):
            hook(self, args, kwargs, out)
        return out


class FakeVae:
    def __init__(self, cuda: FakeCuda, costs: FakeCosts) -> None:
        self._cuda, self._costs = cuda, costs
        self.encode_calls = 0
        self.decode_calls = 0

    def encode(self, image: Any) -> Any:
        self.encode_calls += 1
        self._cuda.launch(self._costs.vae_encode_gpu, self._costs.launch_cpu)
        return image

    def decode(self, latents: Any, return_dict: bool = True) -> Any:
        self.decode_calls += 1
        self._cuda.launch(self._costs.vae_decode_gpu, self._costs.launch_cpu)
        return (latents,)


class FakeScheduler:
    def __init__(self, cuda: FakeCuda, costs: FakeCosts) -> None:
        self._cuda, self._costs = cuda, costs

    def set_timesteps(self, num_inference_steps: int = 50, device: Any = None, **_: Any) -> None:
        self._cuda.cpu(self._costs.timesteps_cpu)


class FakeImageProcessor:
    def __init__(self, cuda: FakeCuda, costs: FakeCosts) -> None:
        self._cuda, self._costs = cuda, costs
        self.resize_calls = 0

    def resize(self, image: Any, height: int, width: int) -> Any:
        self.resize_calls += 1
        self._cuda.cpu(self._costs.resize_cpu)
        return SolidImage(width, height)

    def preprocess(self, image: Any, height: int, width: int) -> Any:
        # diffusers' VaeImageProcessor.preprocess calls self.resize internally (the re-entrancy case).
        image = self.resize(image, height, width)
        self._cuda.cpu(self._costs.preprocess_cpu)
        return FakeTensor((1, 3, height, width))

    def postprocess(self, image: Any, output_type: str = "pil") -> Any:
        self._cuda.sync()  # `.cpu()` in diffusers: an implicit synchronise
        self._cuda.cpu(self._costs.postprocess_cpu)
        return image


def _calculate_dimensions(area: int, ratio: float) -> Tuple[int, int]:
    width = math.sqrt(area * ratio)
    height = width / ratio
    return int(round(width / 32) * 32), int(round(height / 32) * 32)


class FakeOutput:
    def __init__(self, images: List[Any]) -> None:
        self.images = images


class FakePipeline:
    """Stands in for QwenImageEditPipeline / QwenImageEditPlusPipeline / QwenImagePipeline."""

    vae_scale_factor = 8

    def __init__(self, task: str, cuda: FakeCuda, costs: Optional[FakeCosts] = None) -> None:
        self.task = task
        self.cuda = cuda
        self.costs = costs or FakeCosts()
        self.vae = FakeVae(cuda, self.costs)
        self.image_processor = FakeImageProcessor(cuda, self.costs)
        self.scheduler = FakeScheduler(cuda, self.costs)
        self.transformer = FakeModule(cuda, self.costs.transformer_gpu, self.costs.launch_cpu, lambda *a, **k: (FakeTensor((1, 1, 64)),))
        self.text_encoder = FakeModule(cuda, self.costs.text_encoder_gpu, self.costs.launch_cpu, lambda *a, **k: FakeTensor((1, 1, 16)))
        # Test hooks: called at the start of __call__ (may block on an Event), or an exception to raise there.
        self.on_call: Optional[Callable[["FakePipeline"], None]] = None
        self.fail_with: Optional[BaseException] = None
        self.calls: List[Dict[str, Any]] = []
        self.progress_bar_disabled = False

    def set_progress_bar_config(self, **kwargs: Any) -> None:
        self.progress_bar_disabled = bool(kwargs.get("disable"))

    def progress_bar(self, iterable: Any = None, total: Optional[int] = None) -> Any:
        class _Bar:
            def __enter__(self) -> "_Bar":
                return self

            def __exit__(self, *exc: Any) -> None:
                return None

            def update(self) -> None:
                pass

        return _Bar()

    def check_inputs(self, *args: Any, **kwargs: Any) -> None:
        self.cuda.cpu(self.costs.check_inputs_cpu)

    def maybe_free_model_hooks(self) -> None:
        pass

    def encode_prompt(self, prompt: Any, image: Any = None, device: Any = None, num_images_per_prompt: int = 1,
                      max_sequence_length: int = 512, **_: Any) -> Tuple[FakeTensor, None]:
        self.cuda.cpu(self.costs.processor_cpu)  # tokenizer + VL image processor on the CPU
        images = image if isinstance(image, list) else ([image] if image is not None else [])
        seq = 64 + len(str(prompt)) + 16 * len(images)
        self.text_encoder(input_ids=FakeTensor((1, seq)), attention_mask=FakeTensor((1, seq)), output_hidden_states=True)
        self.cuda.sync()  # `.tolist()` in _extract_masked_hidden: an implicit synchronise
        return FakeTensor((num_images_per_prompt, seq - 64, 16)), None

    def prepare_latents(self, image: Any, batch_size: int, num_channels_latents: int, height: int, width: int,
                        dtype: Any, device: Any, generator: Any, latents: Any = None) -> Tuple[FakeTensor, Any]:
        image_latents = None
        if image is not None:
            for item in image if isinstance(image, list) else [image]:
                image_latents = self.vae.encode(item)
        self.cuda.launch(self.costs.noise_gpu, self.costs.launch_cpu)
        return FakeTensor((batch_size, (height // 16) * (width // 16), 64)), image_latents

    def __call__(self, image: Any = None, prompt: Any = None, negative_prompt: Optional[str] = None,
                 true_cfg_scale: float = 4.0, height: Optional[int] = None, width: Optional[int] = None,
                 num_inference_steps: int = 50, guidance_scale: Optional[float] = None, num_images_per_prompt: int = 1,
                 generator: Any = None, output_type: str = "pil", callback_on_step_end: Any = None,
                 max_sequence_length: int = 512, **extra: Any) -> FakeOutput:
        self.calls.append({"prompt": prompt, "negative_prompt": negative_prompt, "height": height, "width": width,
                           "steps": num_inference_steps, "n": num_images_per_prompt, "generator": generator,
                           "images": image, "true_cfg_scale": true_cfg_scale, "guidance_scale": guidance_scale})
        if self.on_call is not None:
            self.on_call(self)
        if self.fail_with is not None:
            raise self.fail_with
        costs = self.costs
        cond_images: List[Any] = []
        vae_input: Any = None
        if self.task == "edit":
            ref = image.size
            cw, ch = _calculate_dimensions(1024 * 1024, ref[0] / ref[1])
            height, width = height or ch, width or cw
            resized = self.image_processor.resize(image, ch, cw)
            cond_images = [resized]
            vae_input = self.image_processor.preprocess(resized, ch, cw)
            prompt_image: Any = resized
        elif self.task == "edit-plus":
            images = image if isinstance(image, list) else [image]
            ref = images[-1].size
            cw, ch = _calculate_dimensions(1024 * 1024, ref[0] / ref[1])
            height, width = height or ch, width or cw
            vae_input = []
            for img in images:
                w, h = _calculate_dimensions(384 * 384, img.size[0] / img.size[1])
                cond_images.append(self.image_processor.resize(img, h, w))
                vw, vh = _calculate_dimensions(1024 * 1024, img.size[0] / img.size[1])
                vae_input.append(self.image_processor.preprocess(img, vh, vw))
            prompt_image = cond_images
        else:
            height, width = height or 1024, width or 1024
            prompt_image = None
        width = width // 16 * 16
        height = height // 16 * 16
        self.check_inputs(prompt, height, width, negative_prompt=negative_prompt)
        cfg = true_cfg_scale > 1 and negative_prompt is not None
        prompt_embeds, _ = self.encode_prompt(prompt, image=prompt_image, num_images_per_prompt=num_images_per_prompt)
        negative_embeds = None
        if cfg:
            negative_embeds, _ = self.encode_prompt(negative_prompt, image=prompt_image, num_images_per_prompt=num_images_per_prompt)
        latents, image_latents = self.prepare_latents(vae_input, num_images_per_prompt, 4, height, width, None, None, generator)
        self.scheduler.set_timesteps(num_inference_steps)
        cond_tokens = sum((i.size[0] // 16) * (i.size[1] // 16) for i in cond_images) if self.task != "generate" else 0
        with self.progress_bar(total=num_inference_steps):
            for i in range(num_inference_steps):
                hidden = FakeTensor((num_images_per_prompt, latents.shape[1] + cond_tokens, 64))
                self.transformer(hidden_states=hidden, encoder_hidden_states=prompt_embeds, timestep=FakeTensor((1,)))
                if cfg:
                    self.transformer(hidden_states=hidden, encoder_hidden_states=negative_embeds, timestep=FakeTensor((1,)))
                self.cuda.launch(costs.scheduler_gpu, costs.launch_cpu)
                if callback_on_step_end is not None:
                    result = callback_on_step_end(self, i, 1000 - i, {"latents": latents})
                    assert isinstance(result, dict), "callback_on_step_end must return a dict (diffusers pops from it)"
        self.cuda.cpu(costs.unwrapped_cpu)
        decoded = self.vae.decode(latents, return_dict=False)[0]
        self.image_processor.postprocess(decoded, output_type=output_type)
        self.maybe_free_model_hooks()
        seed = getattr(generator, "seed", 0)
        images_out = [SolidImage(width, height, _colour(str(prompt), seed, k)) for k in range(num_images_per_prompt)]
        return FakeOutput(images_out)


def _colour(prompt: str, seed: int, index: int) -> Tuple[int, int, int]:
    digest = hashlib.sha256(("%s|%d|%d" % (prompt, seed, index)).encode("utf-8")).digest()
    return digest[0], digest[1], digest[2]
