"""Per-request timing: markers, the recorder the pipeline hooks write into, and the pure arithmetic.

Everything here is stdlib only and free of torch, so CI tests it with a fake clock and fake CUDA events.

Time model. Every mark resolves to milliseconds on ONE timeline, the host clock (``time.perf_counter`` in the
real server). Host marks are read directly; CUDA event marks are placed on that timeline through an anchor: one
synchronise, one host reading and one event recorded together, after which an event's time is
``anchor_host + anchor_event.elapsed_time(event)``. So stages measured with synchronisation and per-step lists
measured with events can be compared and subtracted.

Why synchronise at all: CUDA kernels run asynchronously. A host timer around a stage without a synchronise
measures only how long the launches took; the GPU work is billed to whichever later stage waits for it first
(``encode_prompt``'s ``.tolist()``, ``postprocess``'s ``.cpu()``). Method ``cuda_sync`` synchronises at every stage
boundary (what vLLM-Omni's pipeline profiler does); ``cuda_events`` records events instead and synchronises only
at the ends of the pipeline call; ``host_unsynced`` does neither and is only honest about the totals.

One file over 400 lines on purpose: it is one concept, that single timeline. The markers, the recorder and the
arithmetic that resolves spans and computes exclusive stage times all depend on the anchor rule above; split, the
rule would be restated in each part.
"""

from __future__ import annotations

import dataclasses
from typing import Any, Callable, Dict, List, Optional, Sequence

# Stages of one request, in order. `unaccounted` = total - sum of these.
REQUEST_STAGES = (
    "queue_wait",
    "decode_request",
    "preprocess",
    "text_encode",
    "vae_encode",
    "prepare_latents",
    "denoise",
    "vae_decode",
    "postprocess",
    "encode_response",
)
# The subset that happens inside the pipeline call (pipeline_total brackets them).
PIPELINE_STAGES = ("preprocess", "text_encode", "vae_encode", "prepare_latents", "denoise", "vae_decode", "postprocess")

TIMING_MODES = ("sync", "events", "off")
METHOD_BY_MODE = {"sync": "cuda_sync", "events": "cuda_events", "off": "host_unsynced"}


class HostMarker:
    """Marks read from a host clock (seconds), optionally right after a device synchronise."""

    def __init__(self, clock: Callable[[], float], sync: Optional[Callable[[], None]] = None) -> None:
        self._clock = clock
        self._sync = sync
        self.syncs = 0

    def anchor(self, host_ms: float, event: Any) -> None:
        """Host marks need no anchor."""

    def mark(self) -> float:
        if self._sync is not None:
            self._sync()
            self.syncs += 1
        return self._clock() * 1000.0

    def resolve(self, token: Any) -> float:
        return float(token)


class EventMarker:
    """Marks recorded as device events (no stall); resolved after the final synchronise via the anchor."""

    def __init__(self, new_event: Callable[[], Any]) -> None:
        self._new_event = new_event
        self._anchor_ms: Optional[float] = None
        self._anchor_event: Any = None
        self.events = 0

    def anchor(self, host_ms: float, event: Any) -> None:
        self._anchor_ms = host_ms
        self._anchor_event = event

    def mark(self) -> Any:
        event = self._new_event()
        event.record()
        self.events += 1
        return event

    def resolve(self, token: Any) -> float:
        if self._anchor_event is None or self._anchor_ms is None:
            raise RuntimeError("EventMarker used before TimingRecorder.start() anchored it")
        return self._anchor_ms + float(self._anchor_event.elapsed_time(token))


@dataclasses.dataclass
class Span:
    key: str
    start: Any
    end: Any = None
    parent: Optional[int] = None


@dataclasses.dataclass
class Call:
    """One forward of a hooked module (transformer or text encoder)."""

    kind: str
    start: Any
    end: Any = None
    span: Optional[int] = None  # innermost open span when the call began
    step: int = 0  # denoise step index it belongs to (transformer)
    order: int = 0  # position within that step: 0 = cond, 1 = uncond
    meta: Dict[str, Any] = dataclasses.field(default_factory=dict)


@dataclasses.dataclass
class ResolvedSpan:
    key: str
    start: float
    end: float
    parent: Optional[int]


@dataclasses.dataclass
class ResolvedCall:
    kind: str
    start: float
    end: float
    span: Optional[int]
    step: int
    order: int
    meta: Dict[str, Any]


@dataclasses.dataclass
class RawTimeline:
    """Everything the recorder saw, in ms on the host timeline. Input of :func:`compute_timings`."""

    pipeline_start: float
    pipeline_end: float
    spans: List[ResolvedSpan]
    calls: List[ResolvedCall]
    step_ends: List[float]
    denoise_fine_start: Optional[float]
    syncs: int = 0
    events: int = 0
    call_counts: Dict[str, int] = dataclasses.field(default_factory=dict)
    first_meta: Dict[str, Dict[str, Any]] = dataclasses.field(default_factory=dict)


class TimingRecorder:
    """Collects marks during one pipeline call. Single-threaded: the worker thread runs one request at a time.

    `stage` marks bracket stages (synchronising in method cuda_sync); `fine` marks time per-call and per-step lists
    (CUDA events in cuda_sync and cuda_events). `bracket` always synchronises: the pipeline total must include all
    GPU work, and events can only be read after a synchronise.
    """

    def __init__(
        self,
        stage: Any,
        fine: Any,
        bracket: HostMarker,
        new_anchor_event: Optional[Callable[[], Any]] = None,
        fine_lists: bool = True,
    ) -> None:
        self._stage = stage
        self._fine = fine
        self._bracket = bracket
        self._new_anchor_event = new_anchor_event
        self.fine_lists = fine_lists
        self._start: Optional[float] = None
        self._end: Optional[float] = None
        self._spans: List[Span] = []
        self._open: List[int] = []
        self._calls: List[Call] = []
        self._open_calls: Dict[str, int] = {}
        self._step_ends: List[Any] = []
        self._step_index = 0
        self._order_in_step = 0
        self._denoise_fine_start: Any = None
        self._call_counts: Dict[str, int] = {}
        self._first_meta: Dict[str, Dict[str, Any]] = {}

    # -- pipeline bracket ---------------------------------------------------------------------------------------
    def start(self) -> None:
        self._start = self._bracket.mark()
        anchor_event = None
        if self._new_anchor_event is not None:
            # Recorded right after the synchronise above, so it runs at (nearly) host time `_start`.
            anchor_event = self._new_anchor_event()
            anchor_event.record()
        for marker in (self._stage, self._fine):
            marker.anchor(self._start, anchor_event)

    def end(self) -> None:
        self._end = self._bracket.mark()

    # -- stages -------------------------------------------------------------------------------------------------
    def span_begin(self, key: str) -> Optional[int]:
        """Open a stage span; None when the same stage is already open (re-entrant call: counted once)."""
        for index in self._open:
            if self._spans[index].key == key:
                return None
        parent = self._open[-1] if self._open else None
        token = self._stage.mark()
        self._spans.append(Span(key=key, start=token, parent=parent))
        index = len(self._spans) - 1
        self._open.append(index)
        if key == "denoise" and self.fine_lists:
            # Step 0 is measured from here on the fine timeline.
            self._denoise_fine_start = self._fine.mark()
        return index

    def span_end(self, handle: Optional[int]) -> None:
        if handle is None:
            return
        self._spans[handle].end = self._stage.mark()
        # Close this span and anything left open inside it (an exception unwound past an inner wrapper).
        while self._open:
            top = self._open.pop()
            if top == handle:
                break

    # -- per-call and per-step lists ------------------------------------------------------------------------------
    def call_begin(self, kind: str, meta: Optional[Dict[str, Any]] = None) -> None:
        self._call_counts[kind] = self._call_counts.get(kind, 0) + 1
        if meta and kind not in self._first_meta:
            self._first_meta[kind] = dict(meta)
        if not self.fine_lists:
            return
        call = Call(
            kind=kind,
            start=self._fine.mark(),
            span=self._open[-1] if self._open else None,
            step=self._step_index,
            order=self._order_in_step if kind == "transformer" else 0,
            meta=dict(meta or {}),
        )
        if kind == "transformer":
            self._order_in_step += 1
        self._calls.append(call)
        self._open_calls[kind] = len(self._calls) - 1

    def call_end(self, kind: str) -> None:
        if not self.fine_lists:
            return
        index = self._open_calls.pop(kind, None)
        if index is not None:
            self._calls[index].end = self._fine.mark()

    def step_end(self, index: int) -> None:
        if self.fine_lists:
            self._step_ends.append(self._fine.mark())
        self._step_index = index + 1
        self._order_in_step = 0

    @property
    def step_count(self) -> int:
        return self._step_index

    # -- resolution -----------------------------------------------------------------------------------------------
    def resolve(self) -> RawTimeline:
        """Turn tokens into ms. Call after end(): events can only be read once the device has synchronised."""
        if self._start is None or self._end is None:
            raise RuntimeError("TimingRecorder.resolve() needs start() and end() first")
        stage, fine = self._stage, self._fine
        spans = [
            ResolvedSpan(s.key, stage.resolve(s.start), stage.resolve(s.end), s.parent)
            for s in self._spans
            if s.end is not None
        ]
        # Map old span indexes to resolved ones (unfinished spans are dropped).
        index_map: Dict[int, int] = {}
        kept = 0
        for old, s in enumerate(self._spans):
            if s.end is not None:
                index_map[old] = kept
                kept += 1
        for span in spans:
            span.parent = index_map.get(span.parent) if span.parent is not None else None
        calls = [
            ResolvedCall(
                c.kind,
                fine.resolve(c.start),
                fine.resolve(c.end),
                index_map.get(c.span) if c.span is not None else None,
                c.step,
                c.order,
                c.meta,
            )
            for c in self._calls
            if c.end is not None
        ]
        return RawTimeline(
            pipeline_start=self._bracket.resolve(self._start),
            pipeline_end=self._bracket.resolve(self._end),
            spans=spans,
            calls=calls,
            step_ends=[fine.resolve(t) for t in self._step_ends],
            denoise_fine_start=None if self._denoise_fine_start is None else fine.resolve(self._denoise_fine_start),
            syncs=sum(getattr(m, "syncs", 0) for m in {id(x): x for x in (stage, fine, self._bracket)}.values()),
            events=sum(getattr(m, "events", 0) for m in {id(x): x for x in (stage, fine)}.values()),
            call_counts=dict(self._call_counts),
            first_meta={k: dict(v) for k, v in self._first_meta.items()},
        )


@dataclasses.dataclass
class HostTimes:
    """Request milestones outside the pipeline call, ms on the same host timeline as the recorder."""

    arrived: float  # handler started on the request (headers parsed)
    decoded: float  # body read, parsed, images decoded and validated
    enqueued: float  # handed to the worker queue
    picked: float  # the worker took it
    encode_start: float  # pipeline returned; image encoding began
    encode_end: float  # response data serialised (total ends here)


def exclusive_stage_ms(spans: Sequence[ResolvedSpan]) -> Dict[str, float]:
    """Stage → ms excluding nested stages (prepare_latents excludes the vae_encode it calls).

    Only pipeline stages subtract from each other; a diagnostic span ("other.*") never takes time away from the
    stage around it, and a stage inside a diagnostic span inside a stage still counts once.
    """
    def nearest_stage_ancestor(index: int) -> Optional[int]:
        parent = spans[index].parent
        hops = 0
        while parent is not None and hops <= len(spans):
            if spans[parent].key in PIPELINE_STAGES:
                return parent
            parent = spans[parent].parent
            hops += 1
        return None

    nested = [0.0] * len(spans)
    for i, span in enumerate(spans):
        if span.key in PIPELINE_STAGES:
            ancestor = nearest_stage_ancestor(i)
            if ancestor is not None:
                nested[ancestor] += span.end - span.start
    out: Dict[str, float] = {}
    for i, span in enumerate(spans):
        if span.key in PIPELINE_STAGES:
            out[span.key] = out.get(span.key, 0.0) + (span.end - span.start) - nested[i]
    return out


def other_spans_ms(spans: Sequence[ResolvedSpan]) -> Dict[str, float]:
    """Diagnostic spans ("other.<name>") → inclusive ms, summed per name."""
    out: Dict[str, float] = {}
    for span in spans:
        if span.key.startswith("other."):
            name = span.key[len("other."):]
            out[name] = out.get(name, 0.0) + (span.end - span.start)
    return out


def _round(x: float) -> float:
    return round(x, 3)


def _branch_name(order: int) -> str:
    return {0: "cond", 1: "uncond"}.get(order, "call%d" % order)


def _text_branch(index: int) -> str:
    return {0: "positive", 1: "negative"}.get(index, "call%d" % index)


def compute_timings(
    raw: RawTimeline, host: HostTimes, method: str, warm: bool
) -> Dict[str, Any]:
    """The `metrics.timings` block (ms). Pure arithmetic.

    Scalars in the result are either stages (disjoint intervals of the request) or one of the known bookkeeping
    keys (unit, method, warm, transformer_calls, pipeline_total, total); the client sums scalar stages, so any
    other figure goes under `detail`.
    """
    stage_ms = exclusive_stage_ms(raw.spans)
    out: Dict[str, Any] = {"unit": "ms", "method": method, "warm": bool(warm)}
    out["queue_wait"] = host.picked - host.enqueued
    out["decode_request"] = host.decoded - host.arrived
    if "preprocess" in stage_ms:
        out["preprocess"] = stage_ms["preprocess"]

    # Text encoder: one entry per encode_prompt call, with the forward time inside it.
    text_spans = [i for i, s in enumerate(raw.spans) if s.key == "text_encode"]
    if "text_encode" in stage_ms:
        out["text_encode"] = stage_ms["text_encode"]
    if text_spans:
        text_calls = []
        for n, index in enumerate(text_spans):
            span = raw.spans[index]
            forwards = [c for c in raw.calls if c.kind == "text_encoder" and _within(raw, c.span, index)]
            entry: Dict[str, Any] = {"branch": _text_branch(n), "total": _round(span.end - span.start)}
            if forwards:
                entry["forward"] = _round(sum(c.end - c.start for c in forwards))
                seq = forwards[0].meta.get("seq_len")
                if seq is not None:
                    entry["seq_len"] = seq
            text_calls.append(entry)
        out["text_encode_calls"] = text_calls

    if "vae_encode" in stage_ms:
        out["vae_encode"] = stage_ms["vae_encode"]
        vae_encode_calls = [s.end - s.start for s in raw.spans if s.key == "vae_encode"]
        if len(vae_encode_calls) > 1:
            out["vae_encode_calls"] = [_round(x) for x in vae_encode_calls]
    if "prepare_latents" in stage_ms:
        out["prepare_latents"] = stage_ms["prepare_latents"]

    # Denoise: per step from the fine timeline; per transformer call grouped by CFG branch.
    if "denoise" in stage_ms:
        out["denoise"] = stage_ms["denoise"]
    if raw.step_ends and raw.denoise_fine_start is not None:
        bounds = [raw.denoise_fine_start] + list(raw.step_ends)
        out["denoise_steps"] = [_round(bounds[i + 1] - bounds[i]) for i in range(len(raw.step_ends))]
    tx = [c for c in raw.calls if c.kind == "transformer"]
    out["transformer_calls"] = raw.call_counts.get("transformer", len(tx))
    if tx:
        forward: Dict[str, List[float]] = {}
        for call in tx:
            forward.setdefault(_branch_name(call.order), []).append(_round(call.end - call.start))
        out["transformer_forward"] = forward
    for key in ("vae_decode", "postprocess"):
        if key in stage_ms:
            out[key] = stage_ms[key]

    out["encode_response"] = host.encode_end - host.encode_start
    pipeline_total = raw.pipeline_end - raw.pipeline_start
    total = host.encode_end - host.arrived
    stage_sum = sum(out[k] for k in REQUEST_STAGES if k in out)
    pipeline_sum = sum(out[k] for k in PIPELINE_STAGES if k in out)
    out["pipeline_total"] = pipeline_total
    out["total"] = total
    out["unaccounted"] = total - stage_sum
    out["detail"] = {
        "stage_sum": _round(stage_sum),
        # Inside the pipeline call but in no stage: size calc, check_inputs, timesteps, the CFG combine, hooks.
        "pipeline_unaccounted": _round(pipeline_total - pipeline_sum),
        # Between the worker picking the job and the pipeline call (seed, generator, memory stats reset).
        "setup": _round(raw.pipeline_start - host.picked),
        # Between the pipeline returning and encoding starting.
        "teardown": _round(host.encode_start - raw.pipeline_end),
        # Handler -> queue hand-off after decoding.
        "handoff": _round(host.enqueued - host.decoded),
        "unaccounted_pct": _round(100.0 * (total - stage_sum) / total) if total > 0 else 0.0,
        # Where pipeline_unaccounted goes, in part: pipeline methods between stages (not stages themselves).
        "other": {name: _round(ms) for name, ms in other_spans_ms(raw.spans).items()},
        "syncs": raw.syncs,
        "events": raw.events,
    }
    for key, value in list(out.items()):
        if isinstance(value, float):
            out[key] = _round(value)
    return out


def _within(raw: RawTimeline, span_index: Optional[int], ancestor: int) -> bool:
    """True when span `span_index` is `ancestor` or nested inside it."""
    seen = 0
    while span_index is not None and seen <= len(raw.spans):
        if span_index == ancestor:
            return True
        span_index = raw.spans[span_index].parent
        seen += 1
    return False


def stage_durations(pipeline_class: str, timings: Dict[str, Any]) -> Dict[str, float]:
    """vLLM-Omni-style `stage_durations`: seconds, keys "<PipelineClass>.<path>", repeated calls summed."""
    out: Dict[str, float] = {}

    def put(path: str, ms: Optional[float]) -> None:
        if ms is not None:
            out["%s.%s" % (pipeline_class, path)] = round(ms / 1000.0, 6)

    put("forward", timings.get("pipeline_total"))
    calls = timings.get("text_encode_calls") or []
    forwards = [c["forward"] for c in calls if "forward" in c]
    if forwards:
        put("text_encoder.forward", sum(forwards))
    put("vae.encode", timings.get("vae_encode"))
    put("diffuse", timings.get("denoise"))
    put("vae.decode", timings.get("vae_decode"))
    return out
