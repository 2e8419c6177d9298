"""Request bodies -> validated `ImageRequest`: multipart/form-data (stdlib `email` parser; `cgi` is gone in 3.13)
and JSON with base64 images. Field names follow vLLM-Omni's /v1/images/* endpoints.

Status codes follow vLLM-Omni: 422 when `prompt` or the image is missing, 400 for bad values and too many images.

One file over 400 lines on purpose: it is one concept, the request contract. Body decoding, field validation and
image limits share one table of field names and one error vocabulary; split, a field rule would live apart from
the status code it must answer with.
"""

from __future__ import annotations

import base64
import binascii
import dataclasses
import email.parser
import email.policy
import json
import math
from typing import Any, Dict, List, Optional, Tuple

from baseline.errors import ApiError, bad_request, unprocessable
from baseline.images import ImageError, normalize_output_format
from baseline.settings import Limits, parse_size

TIMING_CHOICES = ("sync", "events", "off")
IMAGE_FIELDS = ("image", "image[]", "images", "images[]")
URL_FIELDS = ("url", "url[]")
# vLLM-Omni extensions this server does not implement. Ignoring them silently would make A and B run different
# work under the same request, so they are refused.
UNSUPPORTED_FIELDS = (
    "lora",
    "layers",
    "resolution",
    "mask_image",
    "reference_image",
    "strength",
    "guidance_scale_2",
    "flow_shift",
    "extra_params",
    "bot_task",
    "sys_type",
    "system_prompt",
    "use_system_prompt",
    "infer_align_image_size",
    "vae_use_slicing",
    "vae_use_tiling",
)
# Accepted and deliberately without effect (OpenAI fields that change nothing for one b64 image).
NEUTRAL_FIELDS = ("user", "background", "return_stage_metrics", "quality", "style")
KNOWN_FIELDS = (
    "prompt",
    "negative_prompt",
    "model",
    "n",
    "size",
    "num_inference_steps",
    "true_cfg_scale",
    "guidance_scale",
    "seed",
    "generator_device",
    "output_format",
    "output_compression",
    "response_format",
    "max_sequence_length",
    "stream",
    "timing",
    "step_timings",
) + NEUTRAL_FIELDS


@dataclasses.dataclass
class ImageBlob:
    """One input image as sent: raw bytes (multipart file) or text (base64 or a data: URL)."""

    label: str
    data: Optional[bytes] = None
    text: Optional[str] = None
    filename: Optional[str] = None


@dataclasses.dataclass
class ImageRequest:
    endpoint: str  # "edit" | "generate"
    prompt: str
    negative_prompt: Optional[str]
    images: List[Any]
    input_sizes: List[Tuple[int, int]]
    n: int
    size: Optional[Tuple[int, int]]  # None = auto
    steps: int
    true_cfg_scale: float
    guidance_scale: Optional[float]
    seed: Optional[int]
    generator_device: str
    output_format: str
    output_compression: int
    max_sequence_length: int
    timing: str
    step_timings: bool
    model: Optional[str] = None
    ignored_fields: List[str] = dataclasses.field(default_factory=list)


# -- bodies ----------------------------------------------------------------------------------------------------------
def content_type_of(header: Optional[str]) -> str:
    return (header or "").split(";", 1)[0].strip().lower()


def parse_multipart(content_type_header: str, body: bytes) -> Tuple[Dict[str, List[str]], List[ImageBlob]]:
    """multipart/form-data -> (text fields, image blobs). Image parts are named image / image[] (or images)."""
    if "boundary=" not in content_type_header:
        raise bad_request("multipart/form-data request has no boundary parameter in its Content-Type header")
    header = ("Content-Type: %s\r\nMIME-Version: 1.0\r\n\r\n" % content_type_header).encode("latin-1", "replace")
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(header + body)
    if not message.is_multipart():
        raise bad_request("multipart/form-data body could not be parsed (boundary not found in the body)")
    fields: Dict[str, List[str]] = {}
    blobs: List[ImageBlob] = []
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        if not name:
            continue
        filename = part.get_filename()
        payload = part.get_payload(decode=True) or b""
        if name in IMAGE_FIELDS:
            if filename is not None:
                blobs.append(ImageBlob(label="image[%d]" % len(blobs), data=payload, filename=filename))
            else:
                # An image sent as a text field: base64 or a data: URL.
                blobs.append(ImageBlob(label="image[%d]" % len(blobs), text=_text(payload, name)))
            continue
        if name in URL_FIELDS:
            blobs.append(ImageBlob(label="url[%d]" % len(blobs), text=_text(payload, name)))
            continue
        fields.setdefault(name, []).append(_text(payload, name))
    return fields, blobs


def _text(payload: bytes, name: str) -> str:
    try:
        return payload.decode("utf-8")
    except UnicodeDecodeError:
        raise bad_request("Field %r is not valid UTF-8 text" % name) from None


def parse_json_body(body: bytes) -> Tuple[Dict[str, List[Any]], List[ImageBlob]]:
    try:
        data = json.loads(body.decode("utf-8") if body else "")
    except (UnicodeDecodeError, ValueError) as exc:
        raise bad_request("request body is not valid JSON: %s" % exc) from None
    if not isinstance(data, dict):
        raise bad_request("request body must be a JSON object")
    fields: Dict[str, List[Any]] = {}
    blobs: List[ImageBlob] = []
    for name, value in data.items():
        if name in IMAGE_FIELDS or name in URL_FIELDS:
            values = value if isinstance(value, list) else [value]
            for item in values:
                if item is None:
                    continue
                if not isinstance(item, str):
                    raise bad_request("Field %r must hold base64 strings or data: URLs" % name)
                prefix = "url" if name in URL_FIELDS else "image"
                blobs.append(ImageBlob(label="%s[%d]" % (prefix, len(blobs)), text=item))
            continue
        fields[name] = [value]
    return fields, blobs


def parse_body(content_type_header: Optional[str], body: bytes, endpoint: str) -> Tuple[Dict[str, List[Any]], List[ImageBlob]]:
    kind = content_type_of(content_type_header)
    if kind == "multipart/form-data" and endpoint == "generate":
        raise bad_request("/v1/images/generations takes application/json (multipart is for /v1/images/edits)")
    if kind == "multipart/form-data":
        return parse_multipart(content_type_header or "", body)
    if kind == "application/json" or (kind == "" and body[:1] == b"{"):
        return parse_json_body(body)
    if kind == "application/x-www-form-urlencoded":
        raise bad_request("form-urlencoded bodies are not supported: send multipart/form-data or application/json")
    allowed = "multipart/form-data or application/json" if endpoint == "edit" else "application/json"
    raise bad_request("unsupported Content-Type %r: send %s" % (kind or "(none)", allowed))


# -- fields ----------------------------------------------------------------------------------------------------------
class _Fields:
    def __init__(self, fields: Dict[str, List[Any]]) -> None:
        self._fields = fields

    def raw(self, name: str) -> Any:
        values = self._fields.get(name)
        if not values:
            return None
        return values[-1]

    def string(self, name: str) -> Optional[str]:
        value = self.raw(name)
        if value is None:
            return None
        if not isinstance(value, str):
            raise bad_request("Field %r must be a string (got %s)" % (name, type(value).__name__))
        return value

    def integer(self, name: str, lo: int, hi: int, default: Optional[int]) -> Optional[int]:
        value = self.raw(name)
        if value is None or value == "":
            return default
        parsed: Optional[int] = None
        if isinstance(value, bool):
            parsed = None
        elif isinstance(value, int):
            parsed = value
        elif isinstance(value, float) and value.is_integer():
            parsed = int(value)
        elif isinstance(value, str):
            text = value.strip()
            if text.lstrip("+-").isdigit():
                parsed = int(text)
        if parsed is None or not lo <= parsed <= hi:
            raise bad_request("Field %r must be an integer from %d to %d (got %s)" % (name, lo, hi, _show(value)))
        return parsed

    def number(self, name: str, lo: float, hi: float, default: Optional[float]) -> Optional[float]:
        value = self.raw(name)
        if value is None or value == "":
            return default
        parsed: Optional[float] = None
        if isinstance(value, bool):
            parsed = None
        elif isinstance(value, (int, float)):
            parsed = float(value)
        elif isinstance(value, str):
            try:
                parsed = float(value.strip())
            except ValueError:
                parsed = None
        if parsed is None or not math.isfinite(parsed) or not lo <= parsed <= hi:
            raise bad_request("Field %r must be a number from %g to %g (got %s)" % (name, lo, hi, _show(value)))
        return parsed

    def boolean(self, name: str, default: bool) -> bool:
        value = self.raw(name)
        if value is None or value == "":
            return default
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.strip().lower() in ("true", "1", "yes", "on"):
            return True
        if isinstance(value, str) and value.strip().lower() in ("false", "0", "no", "off"):
            return False
        raise bad_request("Field %r must be true or false (got %s)" % (name, _show(value)))

    def names(self) -> List[str]:
        return list(self._fields)


def _show(value: Any) -> str:
    text = json.dumps(value) if not isinstance(value, str) else repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


# -- images ----------------------------------------------------------------------------------------------------------
def blob_bytes(blob: ImageBlob) -> bytes:
    if blob.data is not None:
        return blob.data
    text = (blob.text or "").strip()
    if text.startswith(("http://", "https://")):
        raise bad_request(
            "%s: fetching images from URLs is not supported by the baseline server; send the image bytes "
            "(multipart field 'image') or a data: URL" % blob.label
        )
    if text.startswith("data:"):
        head, sep, rest = text.partition(",")
        if not sep or ";base64" not in head:
            raise bad_request("%s: data URL must be base64-encoded (data:image/png;base64,...)" % blob.label)
        text = rest
    try:
        return base64.b64decode("".join(text.split()), validate=True)
    except (binascii.Error, ValueError) as exc:
        raise bad_request("%s is not valid base64: %s" % (blob.label, exc)) from None


def decode_images(blobs: List[ImageBlob], codec: Any, limits: Limits) -> Tuple[List[Any], List[Tuple[int, int]]]:
    images: List[Any] = []
    sizes: List[Tuple[int, int]] = []
    for blob in blobs:
        data = blob_bytes(blob)
        if not data:
            raise bad_request("%s%s is empty" % (blob.label, " (%s)" % blob.filename if blob.filename else ""))
        try:
            image = codec.decode(data, limits.max_input_pixels)
        except ImageError as exc:
            name = " (%s)" % blob.filename if blob.filename else ""
            raise bad_request("%s%s: %s" % (blob.label, name, exc)) from None
        # RGB conversion as vLLM-Omni does (its VaeImageProcessor has do_convert_rgb=True; diffusers' default
        # does not, and an RGBA upload would reach the VAE with four channels).
        if getattr(image, "mode", "RGB") != "RGB":
            image = image.convert("RGB")
        images.append(image)
        sizes.append((int(image.size[0]), int(image.size[1])))
    return images, sizes


# -- the request -----------------------------------------------------------------------------------------------------
def build_request(
    endpoint: str,
    fields_map: Dict[str, List[Any]],
    blobs: List[ImageBlob],
    codec: Any,
    limits: Limits,
    served_model: str,
    multi_image: bool,
) -> ImageRequest:
    """Validate everything before the request is queued, so bad requests never wait behind a running one."""
    fields = _Fields(fields_map)
    for name in UNSUPPORTED_FIELDS:
        if fields.raw(name) not in (None, ""):
            raise bad_request("Field %r is not supported by the baseline server; remove it" % name)

    prompt = fields.string("prompt")
    if prompt is None or not prompt.strip():
        raise unprocessable("Field 'prompt' is required")

    if endpoint == "generate" and blobs:
        raise bad_request("/v1/images/generations takes no input images: use /v1/images/edits to edit an image")
    if endpoint == "edit":
        if not blobs:
            raise unprocessable("Field 'image' or 'url' is required")
        if not multi_image and len(blobs) > 1:
            raise bad_request("Received multiple input images. Only a single image is supported by this model.")
        if len(blobs) > limits.max_images:
            raise bad_request(
                "Received %d input images; this server accepts at most %d (--max-images)" % (len(blobs), limits.max_images)
            )

    model = fields.string("model")
    if model and served_model and model != served_model:
        raise bad_request("Model mismatch: request specifies %r but the server serves %r" % (model, served_model))

    response_format = fields.string("response_format")
    if response_format not in (None, "", "b64_json"):
        raise bad_request("Field 'response_format' must be 'b64_json' (got %r)" % response_format)
    if fields.boolean("stream", False):
        raise bad_request("stream=true is not supported: the baseline runs single-stage diffusion pipelines")

    n = fields.integer("n", 1, limits.max_n, 1)
    assert n is not None
    if multi_image and n > 1:
        raise bad_request("Field 'n' must be 1 for QwenImageEditPlusPipeline (it supports one image per request)")

    size_text = fields.string("size")
    size: Optional[Tuple[int, int]] = None
    if size_text is not None and size_text.strip().lower() not in ("", "auto"):
        size = parse_size(size_text)
        if size is None:
            raise bad_request("Field 'size' must look like 1024x1024 (width x height) or 'auto' (got %r)" % size_text)
        for side in size:
            if not limits.min_side <= side <= limits.max_side:
                raise bad_request(
                    "Field 'size' %r: each side must be from %d to %d pixels (--max-side)"
                    % (size_text, limits.min_side, limits.max_side)
                )

    steps = fields.integer("num_inference_steps", 1, limits.max_steps, 50)
    true_cfg_scale = fields.number("true_cfg_scale", 0.0, 20.0, 4.0)
    guidance_scale = fields.number("guidance_scale", 0.0, 20.0, None)
    seed = fields.integer("seed", 0, 2**64 - 1, None)
    negative_prompt = fields.string("negative_prompt")

    generator_device = (fields.string("generator_device") or "cuda").strip().lower()
    if not (generator_device in ("cuda", "cpu") or (generator_device.startswith("cuda:") and generator_device[5:].isdigit())):
        raise bad_request("Field 'generator_device' must be 'cuda', 'cuda:N' or 'cpu' (got %r)" % generator_device)

    output_format_text = fields.string("output_format") or "png"
    try:
        output_format = normalize_output_format(output_format_text)
    except ValueError:
        raise bad_request("Field 'output_format' must be png, jpeg or webp (got %r)" % output_format_text) from None
    output_compression = fields.integer("output_compression", 0, 100, 100)
    max_sequence_length = fields.integer("max_sequence_length", 1, 1024, 512)

    timing = (fields.string("timing") or "sync").strip().lower()
    if timing not in TIMING_CHOICES:
        raise bad_request("Field 'timing' must be one of %s (got %r)" % (", ".join(TIMING_CHOICES), timing))
    step_timings = fields.boolean("step_timings", True)

    images, input_sizes = decode_images(blobs, codec, limits) if endpoint == "edit" else ([], [])
    ignored = sorted(name for name in fields.names() if name not in KNOWN_FIELDS)
    assert steps is not None and true_cfg_scale is not None and output_compression is not None
    assert max_sequence_length is not None
    return ImageRequest(
        endpoint=endpoint,
        prompt=prompt,
        negative_prompt=negative_prompt,
        images=images,
        input_sizes=input_sizes,
        n=n,
        size=size,
        steps=steps,
        true_cfg_scale=true_cfg_scale,
        guidance_scale=guidance_scale,
        seed=seed,
        generator_device=generator_device,
        output_format=output_format,
        output_compression=output_compression,
        max_sequence_length=max_sequence_length,
        timing=timing,
        step_timings=step_timings,
        model=model,
        ignored_fields=ignored,
    )


def parse_request(
    endpoint: str,
    content_type_header: Optional[str],
    body: bytes,
    codec: Any,
    limits: Limits,
    served_model: str,
    multi_image: bool,
) -> ImageRequest:
    fields, blobs = parse_body(content_type_header, body, endpoint)
    return build_request(endpoint, fields, blobs, codec, limits, served_model, multi_image)


__all__ = ["ApiError", "ImageBlob", "ImageRequest", "parse_body", "build_request", "parse_request"]
