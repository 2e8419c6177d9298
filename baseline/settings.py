"""Server settings shared by the CLI, the HTTP layer and the request parser."""

from __future__ import annotations

import dataclasses
from typing import List, Optional, Tuple

DEFAULT_PORT = 8001
AUTO_SIZE_POLICIES = ("input", "pipeline")


@dataclasses.dataclass
class Limits:
    max_body_bytes: int = 64 * 1024 * 1024
    # Decoded input images above this many pixels are refused before decoding (decompression bombs).
    max_input_pixels: int = 64 * 1024 * 1024
    # Output width/height bounds (pixels, each side).
    min_side: int = 32
    max_side: int = 4096
    # Images per request for QwenImageEditPlusPipeline (QwenImageEditPipeline takes exactly one).
    max_images: int = 8
    max_n: int = 10
    max_steps: int = 200
    # Requests waiting behind the running one; more get 503.
    max_queue: int = 64
    # How long a handler waits for its job before answering 504 (the job itself is not interrupted).
    request_timeout_s: float = 3600.0


@dataclasses.dataclass
class WarmupSpec:
    width: int
    height: int
    steps: int
    cfg: bool
    # Input image sizes for edit pipelines (default: one image of the output size). They matter: the pipeline
    # resizes inputs by aspect ratio, and every new shape is a cold start for kernels and the RoPE cache.
    inputs: List[Tuple[int, int]] = dataclasses.field(default_factory=list)

    def label(self) -> str:
        text = "%dx%d:%d:%s" % (self.width, self.height, self.steps, "cfg" if self.cfg else "nocfg")
        if self.inputs:
            text += ":" + "+".join("%dx%d" % size for size in self.inputs)
        return text


@dataclasses.dataclass
class Settings:
    host: str = "127.0.0.1"
    port: int = DEFAULT_PORT
    served_model_name: str = ""
    device: str = "cuda:0"
    # "input": an edit without `size` (or size=auto) gets the first input image's size, as vLLM-Omni's
    # /v1/images/edits does; "pipeline": diffusers' own rule (1024x1024 area at the input's aspect ratio).
    auto_size: str = "input"
    warmup: List[WarmupSpec] = dataclasses.field(default_factory=list)
    limits: Limits = dataclasses.field(default_factory=Limits)


def parse_size(text: str) -> Optional[Tuple[int, int]]:
    """'1024x768' -> (1024, 768); None when it does not look like WxH."""
    parts = text.strip().lower().split("x")
    if len(parts) != 2 or not all(p.isdigit() and 0 < len(p) <= 5 for p in parts):
        return None
    width, height = int(parts[0]), int(parts[1])
    if width <= 0 or height <= 0:
        return None
    return width, height


def parse_warmup(text: str) -> List[WarmupSpec]:
    """'1024x1024:50:cfg,512x512:20:nocfg:1920x1080' -> specs: WxH[:steps[:cfg|nocfg[:INPUT[+INPUT...]]]].

    Steps default to 50; CFG defaults to off (no negative prompt); edit inputs default to one image of WxH.

    Raises ValueError with a message that names the bad item.
    """
    specs: List[WarmupSpec] = []
    for item in (part.strip() for part in text.split(",")):
        if not item:
            continue
        fields = item.split(":")
        if len(fields) > 4:
            raise ValueError("warm-up item %r: expected WxH[:steps[:cfg|nocfg[:INPUT_WxH[+INPUT_WxH...]]]]" % item)
        size = parse_size(fields[0])
        if size is None:
            raise ValueError("warm-up item %r: size must look like 1024x1024" % item)
        steps = 50
        if len(fields) > 1:
            if not fields[1].isdigit() or not 1 <= int(fields[1]) <= 200:
                raise ValueError("warm-up item %r: steps must be an integer from 1 to 200" % item)
            steps = int(fields[1])
        cfg = False
        if len(fields) > 2:
            if fields[2] not in ("cfg", "nocfg"):
                raise ValueError("warm-up item %r: the third part must be 'cfg' or 'nocfg'" % item)
            cfg = fields[2] == "cfg"
        inputs: List[Tuple[int, int]] = []
        if len(fields) > 3:
            for text in fields[3].split("+"):
                input_size = parse_size(text)
                if input_size is None:
                    raise ValueError("warm-up item %r: input size %r must look like 1920x1080" % (item, text))
                inputs.append(input_size)
        specs.append(WarmupSpec(size[0], size[1], steps, cfg, inputs))
    return specs
