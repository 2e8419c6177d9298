"""`--tiny`: a tiny random Qwen-Image pipeline built entirely offline.

The components follow diffusers' own tests (tests/pipelines/qwenimage/test_qwenimage_edit.py): a 2-layer
transformer, a small VAE, a 2-layer Qwen2.5-VL text encoder. Two differences:

- The tokenizer and the VL processor are built in code (no hub download): a byte-level BPE with no merges, plus
  the Qwen special tokens at their real ids (151643...), so the text-encoder config keeps its default token ids.
- The VAE has a scale factor of 8 (dim_mult [1, 2, 4, 4], three temporal-downsample entries) like the real one,
  so sizes, sequence lengths and vLLM-Omni's size rules match a real deployment.

Weights are random: outputs are noise and timings show the *structure* of the work, never real performance.
"""

from __future__ import annotations

import logging
from typing import Any, Dict, List, Tuple

log = logging.getLogger("baseline.tiny")

# Qwen2 / Qwen2.5-VL special tokens and their ids in the real vocabulary.
SPECIAL_TOKENS: List[Tuple[str, int]] = [
    ("<|endoftext|>", 151643),
    ("<|im_start|>", 151644),
    ("<|im_end|>", 151645),
    ("<|object_ref_start|>", 151646),
    ("<|object_ref_end|>", 151647),
    ("<|box_start|>", 151648),
    ("<|box_end|>", 151649),
    ("<|quad_start|>", 151650),
    ("<|quad_end|>", 151651),
    ("<|vision_start|>", 151652),
    ("<|vision_end|>", 151653),
    ("<|vision_pad|>", 151654),
    ("<|image_pad|>", 151655),
    ("<|video_pad|>", 151656),
]
VOCAB_SIZE = 152064  # the real text-encoder vocabulary size; ids above are inside it
# Qwen2.5-VL's processor limits as shipped with the Qwen-Image-Edit checkpoints (reference notes §2).
MIN_PIXELS = 3136
MAX_PIXELS = 12845056


def build_tokenizer(notes: Dict[str, Any]) -> Any:
    """Byte-level BPE (every byte one token, no merges) with the Qwen special tokens."""
    from tokenizers import AddedToken, Tokenizer, decoders, models, pre_tokenizers

    alphabet = sorted(pre_tokenizers.ByteLevel.alphabet())
    vocab = {char: index for index, char in enumerate(alphabet)}
    for token, token_id in SPECIAL_TOKENS:
        vocab[token] = token_id
    backend = Tokenizer(models.BPE(vocab=vocab, merges=[]))
    backend.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=True)
    backend.decoder = decoders.ByteLevel()
    backend.add_special_tokens([AddedToken(token, special=True, normalized=False) for token, _ in SPECIAL_TOKENS])

    kwargs = dict(tokenizer_object=backend, eos_token="<|im_end|>", pad_token="<|endoftext|>", unk_token=None, bos_token=None)
    errors: List[str] = []
    tokenizer = None
    import transformers

    for class_name in ("Qwen2TokenizerFast", "Qwen2Tokenizer", "PreTrainedTokenizerFast"):
        cls = getattr(transformers, class_name, None)
        if cls is None:
            continue
        try:
            tokenizer = cls(**kwargs)
            notes["tokenizer"] = "%s(tokenizer_object=byte-level BPE)" % class_name
            break
        except Exception as exc:  # constructor signatures moved between transformers 4.x and 5.x
            errors.append("%s: %s" % (class_name, exc))
    if tokenizer is None:
        raise RuntimeError("could not build a tokenizer in code: " + "; ".join(errors))
    image_pad = tokenizer.convert_tokens_to_ids("<|image_pad|>")
    if image_pad != 151655:
        raise RuntimeError("synthetic tokenizer maps <|image_pad|> to %r, expected 151655" % image_pad)
    probe = tokenizer("<|vision_start|><|image_pad|><|vision_end|>hi")["input_ids"]
    notes["tokenizer_probe"] = list(probe)
    if len(tokenizer) > VOCAB_SIZE:
        raise RuntimeError("synthetic tokenizer has %d tokens, more than the text encoder's %d" % (len(tokenizer), VOCAB_SIZE))
    return tokenizer


def build_processor(tokenizer: Any, notes: Dict[str, Any]) -> Any:
    import transformers

    image_processor = None
    errors: List[str] = []
    attempts = [
        ("Qwen2VLImageProcessor", dict(min_pixels=MIN_PIXELS, max_pixels=MAX_PIXELS, patch_size=14, temporal_patch_size=2, merge_size=2)),
        ("Qwen2VLImageProcessor", dict(size={"shortest_edge": MIN_PIXELS, "longest_edge": MAX_PIXELS}, patch_size=14,
                                       temporal_patch_size=2, merge_size=2)),
        ("Qwen2VLImageProcessorFast", dict(size={"shortest_edge": MIN_PIXELS, "longest_edge": MAX_PIXELS}, patch_size=14,
                                           temporal_patch_size=2, merge_size=2)),
    ]
    for class_name, kwargs in attempts:
        cls = getattr(transformers, class_name, None)
        if cls is None:
            continue
        try:
            image_processor = cls(**kwargs)
            notes["image_processor"] = "%s(%s)" % (class_name, ", ".join(sorted(kwargs)))
            break
        except Exception as exc:
            errors.append("%s: %s" % (class_name, exc))
    if image_processor is None:
        raise RuntimeError("could not build a Qwen2-VL image processor in code: " + "; ".join(errors))

    video_processor = None
    video_cls = getattr(transformers, "Qwen2VLVideoProcessor", None)
    if video_cls is not None:
        try:
            video_processor = video_cls()
        except Exception as exc:  # needs torchvision; the pipelines never send video
            notes["video_processor_error"] = str(exc)[:200]
    processor = None
    for use_video in ((True, False) if video_processor is not None else (False,)):
        try:
            if use_video:
                processor = transformers.Qwen2VLProcessor(image_processor=image_processor, tokenizer=tokenizer,
                                                          video_processor=video_processor)
            else:
                processor = transformers.Qwen2VLProcessor(image_processor=image_processor, tokenizer=tokenizer)
            notes["processor"] = "Qwen2VLProcessor(%s)" % ("with video processor" if use_video else "image + tokenizer")
            break
        except Exception as exc:
            errors.append("Qwen2VLProcessor(video=%s): %s" % (use_video, exc))
    if processor is None:
        raise RuntimeError("could not build Qwen2VLProcessor in code: " + "; ".join(errors))
    return processor


def build_tiny_pipeline(task: str, dtype: str = "bfloat16", device: str = "cuda:0") -> Tuple[Any, Dict[str, Any]]:
    """(pipeline on `device` in `dtype`, notes on how it was built)."""
    import torch
    import diffusers
    import transformers

    notes: Dict[str, Any] = {"weights": "random (seed 0)", "hub_downloads": 0}
    torch_dtype = getattr(torch, dtype)

    torch.manual_seed(0)
    transformer = diffusers.QwenImageTransformer2DModel(
        patch_size=2,
        in_channels=16,
        out_channels=4,
        num_layers=2,
        attention_head_dim=16,
        num_attention_heads=3,
        joint_attention_dim=16,
        guidance_embeds=False,
        axes_dims_rope=(8, 4, 4),
    )
    torch.manual_seed(0)
    z_dim = 4
    vae = diffusers.AutoencoderKLQwenImage(
        base_dim=z_dim * 6,
        z_dim=z_dim,
        dim_mult=[1, 2, 4, 4],
        num_res_blocks=1,
        temperal_downsample=[False, True, True],
        latents_mean=[0.0] * z_dim,
        latents_std=[1.0] * z_dim,
    )
    torch.manual_seed(0)
    scheduler = diffusers.FlowMatchEulerDiscreteScheduler()
    torch.manual_seed(0)
    config = transformers.Qwen2_5_VLConfig(
        text_config={
            "hidden_size": 16,
            "intermediate_size": 16,
            "num_hidden_layers": 2,
            "num_attention_heads": 2,
            "num_key_value_heads": 2,
            "rope_scaling": {"mrope_section": [1, 1, 2], "rope_type": "default", "type": "default"},
            "rope_theta": 1000000.0,
            "vocab_size": VOCAB_SIZE,
        },
        vision_config={"depth": 2, "hidden_size": 16, "intermediate_size": 16, "num_heads": 2, "out_hidden_size": 16},
        hidden_size=16,
        vocab_size=VOCAB_SIZE,
        vision_end_token_id=151653,
        vision_start_token_id=151652,
        vision_token_id=151654,
    )
    text_encoder = transformers.Qwen2_5_VLForConditionalGeneration(config).eval()
    notes["image_token_id"] = getattr(config, "image_token_id", None)

    tokenizer = build_tokenizer(notes)
    for module in (transformer, vae, text_encoder):
        module.to(device=device, dtype=torch_dtype)

    components: Dict[str, Any] = {
        "transformer": transformer,
        "vae": vae,
        "scheduler": scheduler,
        "text_encoder": text_encoder,
        "tokenizer": tokenizer,
    }
    class_name = {"edit": "QwenImageEditPipeline", "edit-plus": "QwenImageEditPlusPipeline", "generate": "QwenImagePipeline"}[task]
    if task != "generate":
        components["processor"] = build_processor(tokenizer, notes)
    pipe = getattr(diffusers, class_name)(**components)
    notes["vae_scale_factor"] = int(getattr(pipe, "vae_scale_factor", 0))
    log.info("tiny %s built: %s", class_name, notes)
    return pipe, notes
