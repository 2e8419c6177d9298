"""Timing hooks on a diffusers Qwen pipeline, without editing diffusers.

What is wrapped (reference notes, diffusers-qwen-image-edit.md §2):
- instance attributes shadowing bound methods: ``pipe.encode_prompt``, ``pipe.prepare_latents``,
  ``pipe.vae.encode``/``decode``, ``pipe.image_processor.resize``/``preprocess``/``postprocess`` and
  ``pipe.progress_bar`` (its context spans exactly the denoise loop);
- forward pre/post hooks on ``pipe.transformer`` and ``pipe.text_encoder``;
- ``callback_on_step_end`` (passed per call) marks step boundaries.

``vae.encode`` must be wrapped as an attribute, not hooked: diffusers calls the ``@apply_forward_hook``-decorated
method, never ``vae.forward``. ``image_processor.preprocess`` calls ``self.resize`` internally; the recorder counts
a stage only once when it is re-entered. Nothing here imports torch: the fake pipeline in CI goes through exactly
the same wrappers.
"""

from __future__ import annotations

import functools
import logging
from typing import Any, Callable, Dict, List, Optional, Tuple

log = logging.getLogger("baseline.instrument")


class _TimedContext:
    """Wraps the context manager returned by ``pipe.progress_bar(...)``: its body is the denoise loop."""

    def __init__(self, owner: "Instrumentation", inner: Any) -> None:
        self._owner = owner
        self._inner = inner
        self._handle: Optional[int] = None

    def __enter__(self) -> Any:
        recorder = self._owner.recorder
        if recorder is not None:
            self._handle = recorder.span_begin("denoise")
        return self._inner.__enter__()

    def __exit__(self, *exc: Any) -> Any:
        try:
            return self._inner.__exit__(*exc)
        finally:
            recorder = self._owner.recorder
            if recorder is not None:
                recorder.span_end(self._handle)


def _shape1(value: Any) -> Optional[int]:
    shape = getattr(value, "shape", None)
    try:
        return int(shape[1]) if shape is not None and len(shape) > 1 else None
    except (TypeError, ValueError, IndexError):
        return None


class Instrumentation:
    """Installs the wrappers once at load time; each request sets `recorder` for the duration of its call."""

    def __init__(self, pipe: Any, mm_token_type_ids_fix: bool = False) -> None:
        self.pipe = pipe
        self.recorder: Any = None
        self.installed: List[str] = []
        self._hook_handles: List[Any] = []
        self._wrap(pipe, "encode_prompt", "text_encode")
        self._wrap(pipe, "prepare_latents", "prepare_latents")
        vae = getattr(pipe, "vae", None)
        if vae is not None:
            self._wrap(vae, "encode", "vae_encode", label="vae.encode")
            self._wrap(vae, "decode", "vae_decode", label="vae.decode")
        processor = getattr(pipe, "image_processor", None)
        if processor is not None:
            self._wrap(processor, "resize", "preprocess", label="image_processor.resize")
            self._wrap(processor, "preprocess", "preprocess", label="image_processor.preprocess")
            self._wrap(processor, "postprocess", "postprocess", label="image_processor.postprocess")
        self._wrap_progress_bar(pipe)
        # Not stages: diagnostics that explain the pipeline's own overhead between stages (timings.detail.other).
        self._wrap(pipe, "check_inputs", "other.check_inputs")
        scheduler = getattr(pipe, "scheduler", None)
        if scheduler is not None:
            self._wrap(scheduler, "set_timesteps", "other.set_timesteps", label="scheduler.set_timesteps")
        self._wrap(pipe, "_unpack_latents", "other.unpack_latents")
        self._wrap(pipe, "maybe_free_model_hooks", "other.free_model_hooks")
        transformer = getattr(pipe, "transformer", None)
        if transformer is not None:
            self._hook(transformer, "transformer", self._transformer_meta)
        text_encoder = getattr(pipe, "text_encoder", None)
        if text_encoder is not None:
            if mm_token_type_ids_fix:
                self._install_mm_token_type_ids_fix(text_encoder)
            self._hook(text_encoder, "text_encoder", self._text_encoder_meta)

    # -- installation ---------------------------------------------------------------------------------------------
    def _wrap(self, obj: Any, name: str, stage: str, label: Optional[str] = None) -> None:
        original = getattr(obj, name, None)
        if original is None or not callable(original):
            return
        owner = self

        @functools.wraps(original)
        def timed(*args: Any, **kwargs: Any) -> Any:
            recorder = owner.recorder
            if recorder is None:
                return original(*args, **kwargs)
            handle = recorder.span_begin(stage)
            try:
                return original(*args, **kwargs)
            finally:
                recorder.span_end(handle)

        # An instance attribute shadows the class's method; DiffusionPipeline.__setattr__ only rewrites its config
        # for registered component names, and these are not components.
        setattr(obj, name, timed)
        self.installed.append(label or name)

    def _wrap_progress_bar(self, pipe: Any) -> None:
        original = getattr(pipe, "progress_bar", None)
        if original is None or not callable(original):
            return
        owner = self

        @functools.wraps(original)
        def timed_progress_bar(*args: Any, **kwargs: Any) -> Any:
            return _TimedContext(owner, original(*args, **kwargs))

        pipe.progress_bar = timed_progress_bar
        self.installed.append("progress_bar")

    def _hook(self, module: Any, kind: str, meta: Callable[[Tuple[Any, ...], Dict[str, Any]], Dict[str, Any]]) -> None:
        owner = self

        def pre(_module: Any, args: Tuple[Any, ...], kwargs: Dict[str, Any]) -> None:
            recorder = owner.recorder
            if recorder is not None:
                recorder.call_begin(kind, meta(args, kwargs))
            return None

        def post(_module: Any, _args: Tuple[Any, ...], _kwargs: Dict[str, Any], _output: Any) -> None:
            recorder = owner.recorder
            if recorder is not None:
                recorder.call_end(kind)
            return None

        self._hook_handles.append(module.register_forward_pre_hook(pre, with_kwargs=True))
        self._hook_handles.append(module.register_forward_hook(post, with_kwargs=True))
        self.installed.append("%s.forward hooks" % kind)

    def _install_mm_token_type_ids_fix(self, text_encoder: Any) -> None:
        """Optional: forward `mm_token_type_ids` that diffusers drops (diffusers #14194). Off by default because
        vLLM-Omni drops it too; comparing like with like matters more than matching transformers 4.x outputs."""
        image_token_id = getattr(getattr(text_encoder, "config", None), "image_token_id", None)
        if image_token_id is None:
            log.warning("--mm-token-type-ids-fix: text encoder config has no image_token_id; fix not installed")
            return

        def add_ids(_module: Any, args: Tuple[Any, ...], kwargs: Dict[str, Any]) -> Any:
            ids = kwargs.get("input_ids")
            if ids is not None and kwargs.get("image_grid_thw") is not None and kwargs.get("mm_token_type_ids") is None:
                kwargs["mm_token_type_ids"] = (ids == image_token_id).int()
                return args, kwargs
            return None

        self._hook_handles.append(text_encoder.register_forward_pre_hook(add_ids, with_kwargs=True))
        self.installed.append("text_encoder mm_token_type_ids fix")

    # -- callbacks --------------------------------------------------------------------------------------------------
    @staticmethod
    def _transformer_meta(args: Tuple[Any, ...], kwargs: Dict[str, Any]) -> Dict[str, Any]:
        hidden = kwargs.get("hidden_states", args[0] if args else None)
        return {"image_seq_len": _shape1(hidden), "text_seq_len": _shape1(kwargs.get("encoder_hidden_states"))}

    @staticmethod
    def _text_encoder_meta(args: Tuple[Any, ...], kwargs: Dict[str, Any]) -> Dict[str, Any]:
        ids = kwargs.get("input_ids", args[0] if args else None)
        return {"seq_len": _shape1(ids)}

    def on_step_end(self, _pipe: Any, step: int, _timestep: Any, _callback_kwargs: Dict[str, Any]) -> Dict[str, Any]:
        """`callback_on_step_end`: diffusers pops tensors from the returned dict, so return an empty one."""
        recorder = self.recorder
        if recorder is not None:
            recorder.step_end(step)
        return {}
