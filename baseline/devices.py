"""Device operations the runner needs (clock, synchronise, events, generator, peak memory), behind one interface.

`TorchDeviceOps` imports torch lazily; `baseline.fake.FakeDeviceOps` implements the same methods for CI.
"""

from __future__ import annotations

import platform
import time
from typing import Any, Dict, Optional, Tuple


def _version(module_name: str) -> Optional[str]:
    try:
        module = __import__(module_name)
    except Exception:  # an optional package that is absent or broken: report it as absent
        return None
    return str(getattr(module, "__version__", "unknown"))


class TorchDeviceOps:
    """The real device: CUDA synchronise and events on `device`; a CPU device works too (no events)."""

    def __init__(self, device: str) -> None:
        import torch  # lazy

        self.torch = torch
        self.device = torch.device(device)
        self.is_cuda = self.device.type == "cuda"
        if self.is_cuda and not torch.cuda.is_available():
            raise RuntimeError("device %s was asked for but torch sees no CUDA device (torch %s)" % (device, torch.__version__))
        if self.is_cuda and self.device.index is None:
            self.device = torch.device("cuda", torch.cuda.current_device())
        if self.is_cuda:
            torch.cuda.set_device(self.device)
        self.has_events = self.is_cuda

    def clock(self) -> float:
        return time.perf_counter()

    def sync(self) -> None:
        if self.is_cuda:
            self.torch.cuda.synchronize(self.device)

    def new_event(self) -> Any:
        return self.torch.cuda.Event(enable_timing=True)

    def resolve_generator_device(self, requested: str) -> str:
        """'cuda' means the server's GPU (vLLM-Omni draws the noise on the runner's device by default)."""
        if requested == "cuda":
            return str(self.device) if self.is_cuda else "cpu"
        return requested

    def generator(self, device: str, seed: int) -> Any:
        return self.torch.Generator(device=device).manual_seed(seed)

    def reset_peak(self) -> None:
        if self.is_cuda:
            self.torch.cuda.reset_peak_memory_stats(self.device)

    def peak_memory_mb(self) -> Tuple[Optional[float], Optional[float]]:
        """(max reserved, max allocated) in MiB since reset_peak: vLLM-Omni reports the reserved one."""
        if not self.is_cuda:
            return None, None
        cuda = self.torch.cuda
        mib = 1024.0 * 1024.0
        return round(cuda.max_memory_reserved(self.device) / mib, 1), round(cuda.max_memory_allocated(self.device) / mib, 1)

    def device_name(self) -> str:
        if self.is_cuda:
            return str(self.torch.cuda.get_device_name(self.device))
        return "cpu (%s)" % (platform.processor() or platform.machine())

    def is_out_of_memory(self, exc: BaseException) -> bool:
        oom = getattr(self.torch.cuda, "OutOfMemoryError", None)
        return (oom is not None and isinstance(exc, oom)) or "out of memory" in str(exc).lower()

    def empty_cache(self) -> None:
        if self.is_cuda:
            self.torch.cuda.empty_cache()

    def versions(self) -> Dict[str, Optional[str]]:
        return {
            "python": platform.python_version(),
            "torch": str(self.torch.__version__),
            "cuda": str(self.torch.version.cuda) if self.is_cuda else None,
            "diffusers": _version("diffusers"),
            "transformers": _version("transformers"),
        }
