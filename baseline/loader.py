"""Choosing and loading the pipeline: a real checkpoint, the tiny random one (`--tiny`) or the fake (`--fake`).

diffusers, transformers and torch are imported inside the functions that need them, never at module import.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import os
import re
from typing import Any, Dict, Optional

from baseline.instrument import Instrumentation

log = logging.getLogger("baseline.loader")

TASKS = ("edit", "edit-plus", "generate")
CLASS_BY_TASK = {
    "edit": "QwenImageEditPipeline",
    "edit-plus": "QwenImageEditPlusPipeline",
    "generate": "QwenImagePipeline",
}
TASK_BY_CLASS = {cls: task for task, cls in CLASS_BY_TASK.items()}
DTYPES = ("bfloat16", "float16", "float32")


@dataclasses.dataclass
class LoadedPipeline:
    pipe: Any
    task: str
    pipeline_class: str
    model: str
    instrumentation: Instrumentation
    # Output sizes are floored to this multiple (vae_scale_factor * 2, as the pipelines do).
    size_multiple: int = 16
    # Default output size of text-to-image (default_sample_size * vae_scale_factor).
    default_size: int = 1024
    info: Dict[str, Any] = dataclasses.field(default_factory=dict)

    @property
    def multi_image(self) -> bool:
        return self.task == "edit-plus"


def read_model_index(model: str) -> Optional[Dict[str, Any]]:
    """model_index.json of a local diffusers folder, or None (hub ids are not fetched here)."""
    path = os.path.join(model, "model_index.json")
    if not os.path.isfile(path):
        return None
    try:
        with open(path, encoding="utf-8") as handle:
            data = json.load(handle)
    except (OSError, ValueError) as exc:
        raise ValueError("cannot read %s: %s" % (path, exc)) from None
    return data if isinstance(data, dict) else None


def choose_task(model: str, model_index: Optional[Dict[str, Any]], override: str = "auto") -> str:
    """Which pipeline serves `model`: --pipeline if given, else model_index.json's class, else the model name.

    Qwen-Image-Edit-2509 / -2511 are QwenImageEditPlusPipeline (several input images); other Qwen-Image-Edit
    checkpoints are QwenImageEditPipeline; Qwen-Image is text to image.
    """
    if override != "auto":
        if override not in TASKS:
            raise ValueError("--pipeline must be one of auto, %s" % ", ".join(TASKS))
        return override
    if model_index is not None:
        cls = model_index.get("_class_name")
        if cls in TASK_BY_CLASS:
            return TASK_BY_CLASS[cls]
        raise ValueError(
            "model_index.json names %r; this server runs %s (pass --pipeline to force one)"
            % (cls, ", ".join(sorted(TASK_BY_CLASS)))
        )
    name = os.path.basename(model.rstrip("/\\")).lower()
    if "edit" in name:
        if re.search(r"2509|2511|edit[-_]?plus", name):
            return "edit-plus"
        return "edit"
    if re.search(r"qwen[-_]?image", name):
        return "generate"
    raise ValueError(
        "cannot tell which pipeline %r needs from its name; pass --pipeline edit, edit-plus or generate" % model
    )


def finalize(
    pipe: Any,
    task: str,
    model: str,
    dtype: str,
    device: str,
    attention_backend: Optional[str],
    compile_transformer: bool,
    mm_token_type_ids_fix: bool,
    extra_info: Optional[Dict[str, Any]] = None,
) -> LoadedPipeline:
    """Common last steps for real and tiny pipelines: progress bar off, attention backend, compile, hooks."""
    if hasattr(pipe, "set_progress_bar_config"):
        pipe.set_progress_bar_config(disable=True)
    backend = "native"
    if attention_backend and attention_backend != "native":
        # Changes speed and bit-level output; reported in /v1/baseline/info.
        pipe.transformer.set_attention_backend(attention_backend)
        backend = attention_backend
    if compile_transformer:
        import torch  # lazy

        # torch.compile returns a wrapper module; the timing hooks go on the wrapper (installed below), outside the
        # compiled region, so they cause no graph breaks.
        pipe.transformer = torch.compile(pipe.transformer)
    instrumentation = Instrumentation(pipe, mm_token_type_ids_fix=mm_token_type_ids_fix)
    vae_scale_factor = int(getattr(pipe, "vae_scale_factor", 8))
    default_sample_size = int(getattr(pipe, "default_sample_size", 128))
    info: Dict[str, Any] = {
        "dtype": dtype,
        "attention_backend": backend,
        "compiled": bool(compile_transformer),
        "cpu_offload": False,
        "mm_token_type_ids_fix": bool(mm_token_type_ids_fix),
        "vae_scale_factor": vae_scale_factor,
        "hooks": list(instrumentation.installed),
    }
    info.update(extra_info or {})
    return LoadedPipeline(
        pipe=pipe,
        task=task,
        pipeline_class=CLASS_BY_TASK[task],
        model=model,
        instrumentation=instrumentation,
        size_multiple=vae_scale_factor * 2,
        default_size=default_sample_size * vae_scale_factor,
        info=info,
    )


def torch_dtype(name: str) -> Any:
    import torch  # lazy

    if name not in DTYPES:
        raise ValueError("--dtype must be one of %s" % ", ".join(DTYPES))
    return getattr(torch, name)


def load_real(
    model: str,
    task: str,
    dtype: str,
    device: str,
    attention_backend: Optional[str] = None,
    compile_transformer: bool = False,
    mm_token_type_ids_fix: bool = False,
) -> LoadedPipeline:
    """Load a checkpoint once, in `dtype`, onto one device; no CPU offload (it would bill host-device copies to
    the stages)."""
    try:
        import diffusers  # lazy
    except ImportError as exc:
        raise RuntimeError(
            "diffusers is not importable (%s). Install it (pip install 'diffusers>=0.36') or put its source on "
            "PYTHONPATH (see docs/baseline.md)" % exc
        ) from None
    cls_name = CLASS_BY_TASK[task]
    cls = getattr(diffusers, cls_name, None)
    if cls is None:
        raise RuntimeError(
            "diffusers %s has no %s (QwenImageEditPlusPipeline needs diffusers >= 0.36, the others >= 0.35)"
            % (diffusers.__version__, cls_name)
        )
    pipe = cls.from_pretrained(model, torch_dtype=torch_dtype(dtype))
    pipe.to(device)
    return finalize(pipe, task, model, dtype, device, attention_backend, compile_transformer, mm_token_type_ids_fix,
                    {"tiny": False, "fake": False})


def load_tiny(
    task: str,
    dtype: str,
    device: str,
    attention_backend: Optional[str] = None,
    compile_transformer: bool = False,
    mm_token_type_ids_fix: bool = False,
) -> LoadedPipeline:
    from baseline.tiny import build_tiny_pipeline  # lazy: imports torch, transformers, diffusers

    pipe, notes = build_tiny_pipeline(task, dtype=dtype, device=device)
    return finalize(pipe, task, "tiny-random/%s" % task, dtype, device, attention_backend, compile_transformer,
                    mm_token_type_ids_fix, {"tiny": True, "fake": False, "tiny_build": notes})


def load_fake(task: str, cuda: Any, costs: Any = None) -> LoadedPipeline:
    from baseline.fake import FakePipeline

    pipe = FakePipeline(task, cuda, costs)
    return finalize(pipe, task, "fake/%s" % task, "bfloat16", "cuda:0", None, False, False, {"tiny": False, "fake": True})
