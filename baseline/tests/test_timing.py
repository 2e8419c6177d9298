"""The timing arithmetic and the recorder, on hand-built timelines and fake markers (no torch)."""

from __future__ import annotations

import unittest
from typing import Any, List

from baseline.fake import FakeCuda, FakeEvent
from baseline.timing import (
    PIPELINE_STAGES,
    REQUEST_STAGES,
    EventMarker,
    HostMarker,
    HostTimes,
    RawTimeline,
    ResolvedCall,
    ResolvedSpan,
    TimingRecorder,
    compute_timings,
    exclusive_stage_ms,
    stage_durations,
)


def span(key: str, start: float, end: float, parent: Any = None) -> ResolvedSpan:
    return ResolvedSpan(key, start, end, parent)


def call(kind: str, start: float, end: float, span_index: Any = None, step: int = 0, order: int = 0, **meta: Any) -> ResolvedCall:
    return ResolvedCall(kind, start, end, span_index, step, order, dict(meta))


def host(**overrides: float) -> HostTimes:
    values = dict(arrived=0.0, decoded=4.0, enqueued=4.5, picked=10.0, encode_start=210.0, encode_end=230.0)
    values.update(overrides)
    return HostTimes(**values)


def edit_timeline() -> RawTimeline:
    """An edit with CFG and 2 steps; every number chosen so the expected results are exact."""
    spans = [
        span("preprocess", 11.0, 19.0),  # 0
        span("text_encode", 20.0, 40.0),  # 1 positive
        span("text_encode", 40.0, 58.0),  # 2 negative
        span("other.check_inputs", 58.0, 59.0),  # 3 diagnostic
        span("prepare_latents", 60.0, 80.0),  # 4
        span("vae_encode", 62.0, 77.0, parent=4),  # 5 nested: prepare_latents excludes it
        span("other.set_timesteps", 80.0, 81.0),  # 6
        span("denoise", 82.0, 182.0),  # 7
        span("vae_decode", 183.0, 195.0),  # 8
        span("postprocess", 195.0, 205.0),  # 9
    ]
    calls = [
        call("text_encoder", 25.0, 35.0, span_index=1, seq_len=91),
        call("text_encoder", 45.0, 54.0, span_index=2, seq_len=80),
        call("transformer", 82.5, 105.0, span_index=7, step=0, order=0, image_seq_len=4352, text_seq_len=27),
        call("transformer", 105.0, 130.0, span_index=7, step=0, order=1),
        call("transformer", 132.0, 155.0, span_index=7, step=1, order=0),
        call("transformer", 155.0, 180.0, span_index=7, step=1, order=1),
    ]
    return RawTimeline(pipeline_start=10.5, pipeline_end=206.0, spans=spans, calls=calls,
                       step_ends=[131.0, 181.5], denoise_fine_start=82.0, syncs=22, events=11,
                       call_counts={"transformer": 4, "text_encoder": 2})


class ComputeTimingsTest(unittest.TestCase):
    def test_stages_are_exclusive_and_sum_with_unaccounted_to_total(self) -> None:
        t = compute_timings(edit_timeline(), host(), "cuda_sync", warm=True)
        self.assertEqual(t["unit"], "ms")
        self.assertEqual(t["method"], "cuda_sync")
        self.assertIs(t["warm"], True)
        self.assertEqual(t["queue_wait"], 5.5)  # picked - enqueued
        self.assertEqual(t["decode_request"], 4.0)  # decoded - arrived
        self.assertEqual(t["preprocess"], 8.0)
        self.assertEqual(t["text_encode"], 38.0)  # both calls
        self.assertEqual(t["vae_encode"], 15.0)
        self.assertEqual(t["prepare_latents"], 5.0)  # 20 - nested vae_encode 15
        self.assertEqual(t["denoise"], 100.0)
        self.assertEqual(t["vae_decode"], 12.0)
        self.assertEqual(t["postprocess"], 10.0)
        self.assertEqual(t["encode_response"], 20.0)
        self.assertEqual(t["total"], 230.0)
        self.assertEqual(t["pipeline_total"], 195.5)
        stage_sum = sum(t[k] for k in REQUEST_STAGES if k in t)
        self.assertEqual(stage_sum, 217.5)
        self.assertEqual(t["unaccounted"], 12.5)
        self.assertAlmostEqual(stage_sum + t["unaccounted"], t["total"])
        self.assertEqual(t["detail"]["pipeline_unaccounted"], 195.5 - 188.0)
        self.assertEqual(t["detail"]["setup"], 0.5)
        self.assertEqual(t["detail"]["teardown"], 4.0)
        self.assertEqual(t["detail"]["handoff"], 0.5)
        self.assertEqual(t["detail"]["unaccounted_pct"], round(100 * 12.5 / 230.0, 3))
        self.assertEqual(t["detail"]["other"], {"check_inputs": 1.0, "set_timesteps": 1.0})

    def test_per_call_and_per_step_lists(self) -> None:
        t = compute_timings(edit_timeline(), host(), "cuda_sync", warm=False)
        self.assertEqual(t["text_encode_calls"], [
            {"branch": "positive", "total": 20.0, "forward": 10.0, "seq_len": 91},
            {"branch": "negative", "total": 18.0, "forward": 9.0, "seq_len": 80},
        ])
        self.assertEqual(t["denoise_steps"], [49.0, 50.5])  # 82 -> 131 -> 181.5
        self.assertEqual(t["transformer_calls"], 4)
        self.assertEqual(t["transformer_forward"], {"cond": [22.5, 23.0], "uncond": [25.0, 25.0]})

    def test_scalar_keys_are_only_stages_or_known_bookkeeping(self) -> None:
        # The TypeScript client sums every numeric scalar of `timings` except a few known keys (shared/stages.ts).
        t = compute_timings(edit_timeline(), host(), "cuda_sync", warm=False)
        known = {"total", "pipeline_total", "unit", "method", "warm", "transformer_calls", "unaccounted"}
        scalars = {k for k, v in t.items() if isinstance(v, (int, float)) and not isinstance(v, bool)}
        self.assertEqual(scalars - known, {k for k in REQUEST_STAGES if k in t})

    def test_text_to_image_has_no_vae_encode_or_preprocess(self) -> None:
        raw = RawTimeline(pipeline_start=0.0, pipeline_end=50.0,
                          spans=[span("text_encode", 1.0, 5.0), span("prepare_latents", 5.0, 6.0), span("denoise", 6.0, 40.0),
                                 span("vae_decode", 40.0, 45.0), span("postprocess", 45.0, 49.0)],
                          calls=[], step_ends=[], denoise_fine_start=None)
        t = compute_timings(raw, host(arrived=-1.0, decoded=-0.5, enqueued=-0.4, picked=0.0, encode_start=50.0, encode_end=51.0),
                            "cuda_sync", warm=False)
        self.assertNotIn("vae_encode", t)
        self.assertNotIn("preprocess", t)
        self.assertNotIn("denoise_steps", t)
        self.assertEqual(t["transformer_calls"], 0)
        self.assertAlmostEqual(t["unaccounted"], 52.0 - (0.5 + 0.4 + 4 + 1 + 34 + 5 + 4 + 1))

    def test_vae_encode_calls_listed_when_several(self) -> None:
        raw = RawTimeline(pipeline_start=0.0, pipeline_end=30.0,
                          spans=[span("prepare_latents", 0.0, 30.0), span("vae_encode", 1.0, 11.0, 0), span("vae_encode", 12.0, 24.0, 0)],
                          calls=[], step_ends=[], denoise_fine_start=None)
        t = compute_timings(raw, host(picked=0.0, encode_start=30.0, encode_end=30.0), "cuda_sync", warm=False)
        self.assertEqual(t["vae_encode"], 22.0)
        self.assertEqual(t["vae_encode_calls"], [10.0, 12.0])
        self.assertEqual(t["prepare_latents"], 8.0)


class ExclusiveStagesTest(unittest.TestCase):
    def test_diagnostic_span_does_not_take_time_from_its_stage(self) -> None:
        spans = [span("postprocess", 0.0, 10.0), span("other.thing", 2.0, 5.0, parent=0)]
        self.assertEqual(exclusive_stage_ms(spans), {"postprocess": 10.0})

    def test_stage_inside_a_diagnostic_span_inside_a_stage_counts_once(self) -> None:
        spans = [span("prepare_latents", 0.0, 10.0), span("other.x", 1.0, 9.0, parent=0), span("vae_encode", 2.0, 8.0, parent=1)]
        self.assertEqual(exclusive_stage_ms(spans), {"prepare_latents": 4.0, "vae_encode": 6.0})


class StageDurationsTest(unittest.TestCase):
    def test_vllm_omni_keys_in_seconds(self) -> None:
        t = compute_timings(edit_timeline(), host(), "cuda_sync", warm=False)
        self.assertEqual(stage_durations("QwenImageEditPipeline", t), {
            "QwenImageEditPipeline.forward": 0.1955,
            "QwenImageEditPipeline.text_encoder.forward": 0.019,  # both CFG branches summed
            "QwenImageEditPipeline.vae.encode": 0.015,
            "QwenImageEditPipeline.diffuse": 0.1,
            "QwenImageEditPipeline.vae.decode": 0.012,
        })

    def test_absent_stages_are_absent(self) -> None:
        out = stage_durations("QwenImagePipeline", {"pipeline_total": 1000.0, "denoise": 500.0, "vae_decode": 100.0})
        self.assertEqual(sorted(out), ["QwenImagePipeline.diffuse", "QwenImagePipeline.forward", "QwenImagePipeline.vae.decode"])


class Clock:
    def __init__(self) -> None:
        self.t = 0.0

    def __call__(self) -> float:
        return self.t

    def advance_ms(self, ms: float) -> None:
        self.t += ms / 1000.0


class RecorderTest(unittest.TestCase):
    def setUp(self) -> None:
        self.clock = Clock()
        self.syncs: List[float] = []
        marker = HostMarker(self.clock, lambda: self.syncs.append(self.clock.t))
        self.recorder = TimingRecorder(marker, marker, marker)

    def test_reentrant_stage_is_counted_once(self) -> None:
        r, clock = self.recorder, self.clock
        r.start()
        outer = r.span_begin("preprocess")
        clock.advance_ms(2)
        inner = r.span_begin("preprocess")  # preprocess -> self.resize
        self.assertIsNone(inner)
        clock.advance_ms(3)
        r.span_end(inner)
        r.span_end(outer)
        r.end()
        raw = r.resolve()
        self.assertEqual(len(raw.spans), 1)
        self.assertAlmostEqual(raw.spans[0].end - raw.spans[0].start, 5.0)
        self.assertEqual(len(self.syncs), 4)  # start, begin, end, end: one synchronise per boundary

    def test_exception_unwinding_closes_inner_spans(self) -> None:
        r, clock = self.recorder, self.clock
        r.start()
        outer = r.span_begin("prepare_latents")
        r.span_begin("vae_encode")  # its wrapper never reached span_end (exception inside)
        clock.advance_ms(1)
        r.span_end(outer)
        after = r.span_begin("denoise")
        r.span_end(after)
        r.end()
        raw = r.resolve()
        self.assertEqual([s.key for s in raw.spans], ["prepare_latents", "denoise"])
        self.assertIsNone(raw.spans[1].parent)

    def test_unfinished_calls_are_dropped_and_calls_counted(self) -> None:
        r, clock = self.recorder, self.clock
        r.start()
        r.call_begin("transformer", {"image_seq_len": 10})
        clock.advance_ms(5)
        r.call_end("transformer")
        r.call_begin("transformer")
        r.step_end(0)
        r.end()
        raw = r.resolve()
        self.assertEqual(len(raw.calls), 1)
        self.assertEqual(raw.call_counts, {"transformer": 2})
        self.assertEqual(raw.first_meta["transformer"], {"image_seq_len": 10})

    def test_cfg_order_resets_at_each_step(self) -> None:
        r = self.recorder
        r.start()
        handle = r.span_begin("denoise")
        for step in range(2):
            for _ in range(2):
                r.call_begin("transformer")
                r.call_end("transformer")
            r.step_end(step)
        r.span_end(handle)
        r.end()
        raw = r.resolve()
        self.assertEqual([(c.step, c.order) for c in raw.calls], [(0, 0), (0, 1), (1, 0), (1, 1)])
        self.assertEqual(r.step_count, 2)

    def test_fine_lists_off_keeps_counts_only(self) -> None:
        marker = HostMarker(self.clock)
        r = TimingRecorder(marker, marker, marker, fine_lists=False)
        r.start()
        handle = r.span_begin("denoise")
        r.call_begin("transformer", {"image_seq_len": 3})
        r.call_end("transformer")
        r.step_end(0)
        r.span_end(handle)
        r.end()
        raw = r.resolve()
        self.assertEqual(raw.calls, [])
        self.assertEqual(raw.step_ends, [])
        self.assertEqual(raw.call_counts, {"transformer": 1})
        self.assertEqual(compute_timings(raw, host(picked=0.0), "cuda_sync", False)["transformer_calls"], 1)

    def test_resolve_needs_start_and_end(self) -> None:
        with self.assertRaises(RuntimeError):
            self.recorder.resolve()


class EventMarkerTest(unittest.TestCase):
    def test_events_resolve_on_the_host_timeline_through_the_anchor(self) -> None:
        cuda = FakeCuda()
        cuda.cpu(1000.0)  # host at 1 s
        bracket = HostMarker(cuda.now, cuda.sync)
        events = EventMarker(lambda: FakeEvent(cuda))
        r = TimingRecorder(bracket, events, bracket, new_anchor_event=lambda: FakeEvent(cuda))
        r.start()
        cuda.launch(gpu_ms=30.0, cpu_ms=0.0)  # queued; the host does not wait
        r.call_begin("transformer")  # recorded when the stream reaches it: after the 30 ms
        cuda.launch(gpu_ms=20.0, cpu_ms=0.0)
        r.call_end("transformer")
        r.end()
        raw = r.resolve()
        self.assertAlmostEqual(raw.pipeline_start, 1000.0)
        self.assertAlmostEqual(raw.calls[0].start, 1030.0)
        self.assertAlmostEqual(raw.calls[0].end - raw.calls[0].start, 20.0)
        self.assertAlmostEqual(raw.pipeline_end, 1050.0)

    def test_unanchored_event_marker_refuses_to_resolve(self) -> None:
        marker = EventMarker(lambda: FakeEvent(FakeCuda()))
        token = marker.mark()
        with self.assertRaises(RuntimeError):
            marker.resolve(token)


class AsynchronyTest(unittest.TestCase):
    """Why the synchronise matters: the same GPU work timed with and without it."""

    def run_decode_then_postprocess(self, sync: bool) -> dict:
        cuda = FakeCuda()
        bracket = HostMarker(cuda.now, cuda.sync)
        stage = HostMarker(cuda.now, cuda.sync if sync else None)
        r = TimingRecorder(stage, stage, bracket)
        r.start()
        h = r.span_begin("vae_decode")
        cuda.launch(gpu_ms=12.0, cpu_ms=0.05)  # returns at once
        r.span_end(h)
        h = r.span_begin("postprocess")
        cuda.sync()  # .cpu() waits for the decode
        cuda.cpu(5.0)
        r.span_end(h)
        r.end()
        return exclusive_stage_ms(r.resolve().spans)

    def test_synchronised_boundaries_bill_gpu_work_to_its_stage(self) -> None:
        stages = self.run_decode_then_postprocess(sync=True)
        self.assertAlmostEqual(stages["vae_decode"], 12.05)
        self.assertAlmostEqual(stages["postprocess"], 5.0)

    def test_unsynchronised_boundaries_bill_it_to_the_next_stage(self) -> None:
        stages = self.run_decode_then_postprocess(sync=False)
        self.assertAlmostEqual(stages["vae_decode"], 0.05)
        self.assertAlmostEqual(stages["postprocess"], 17.0)


class ConstantsTest(unittest.TestCase):
    def test_pipeline_stages_are_request_stages_in_order(self) -> None:
        self.assertEqual([s for s in REQUEST_STAGES if s in PIPELINE_STAGES], list(PIPELINE_STAGES))


if __name__ == "__main__":
    unittest.main()
