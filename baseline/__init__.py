"""Omni Review's diffusers baseline server (backend B).

It wraps the diffusers Qwen-Image pipelines behind vLLM-Omni's OpenAI-style image endpoints and reports per-stage
timings. torch and diffusers are imported lazily, so `python3 -m baseline --help` and the unit tests run without
them. See docs/baseline.md.
"""

__version__ = "0.1.0"
