"""The runner and the real instrumentation on the fake pipeline and fake GPU (virtual time: exact numbers)."""

from __future__ import annotations

import json
import unittest
from typing import Any, Dict, List, Optional, Tuple

from baseline.errors import ApiError
from baseline.fake import FakeCosts, FakeCuda, FakeDeviceOps
from baseline.images import PngCodec, SolidImage
from baseline.loader import load_fake
from baseline.parsing import ImageRequest
from baseline.runner import PipelineRunner, calculate_dimensions
from baseline.settings import Settings, WarmupSpec
from baseline.timing import REQUEST_STAGES


def make_request(endpoint: str = "edit", images: Optional[List[Tuple[int, int]]] = None, **overrides: Any) -> ImageRequest:
    sizes = images if images is not None else ([(64, 48)] if endpoint == "edit" else [])
    values: Dict[str, Any] = dict(
        endpoint=endpoint, prompt="make it red", negative_prompt=" ", images=[SolidImage(w, h) for w, h in sizes],
        input_sizes=list(sizes), n=1, size=(256, 256), steps=3, true_cfg_scale=4.0, guidance_scale=None, seed=5,
        generator_device="cuda", output_format="png", output_compression=100, max_sequence_length=512, timing="sync",
        step_timings=True,
    )
    values.update(overrides)
    return ImageRequest(**values)


class RunnerFixture(unittest.TestCase):
    task = "edit"

    def setUp(self) -> None:
        self.cuda = FakeCuda(real_time=False)
        self.ops = FakeDeviceOps(self.cuda)
        self.costs = FakeCosts()
        self.loaded = load_fake(self.task, self.cuda, self.costs)
        self.settings = Settings()
        self.runner = PipelineRunner(self.loaded, self.ops, PngCodec(), self.settings)

    def run_request(self, request: ImageRequest) -> Dict[str, Any]:
        now = self.ops.clock() * 1000.0
        self.cuda.cpu(1.0)  # decoding the body
        decoded = self.ops.clock() * 1000.0
        result = self.runner.run(request, now, decoded, decoded)
        body = json.loads(result.body().decode("utf-8"))
        self.assertEqual(list(body)[-1], "data")
        return body


class EditRunTest(RunnerFixture):
    def test_sync_mode_bills_each_stage_its_modelled_cost(self) -> None:
        body = self.run_request(make_request())
        t = body["metrics"]["timings"]
        c = self.costs
        self.assertEqual(t["method"], "cuda_sync")
        self.assertAlmostEqual(t["decode_request"], 1.0, places=6)
        self.assertAlmostEqual(t["queue_wait"], 0.0, places=6)
        # resize + preprocess (which calls resize again: counted once, inside preprocess)
        self.assertAlmostEqual(t["preprocess"], 2 * c.resize_cpu + c.preprocess_cpu, places=6)
        per_text = c.processor_cpu + c.launch_cpu + c.text_encoder_gpu
        self.assertAlmostEqual(t["text_encode"], 2 * per_text, places=6)
        self.assertAlmostEqual(t["vae_encode"], c.launch_cpu + c.vae_encode_gpu, places=6)
        # The noise kernel; the nested vae_encode is excluded, and the synchronise at the end bills its GPU time here.
        self.assertAlmostEqual(t["prepare_latents"], c.launch_cpu + c.noise_gpu, places=6)
        self.assertAlmostEqual(t["vae_decode"], c.launch_cpu + c.vae_decode_gpu, places=6)
        self.assertAlmostEqual(t["postprocess"], c.postprocess_cpu, places=6)
        self.assertEqual(t["transformer_calls"], 6)
        self.assertEqual(len(t["transformer_forward"]["cond"]), 3)
        self.assertEqual(len(t["transformer_forward"]["uncond"]), 3)
        for ms in t["transformer_forward"]["cond"][1:] + t["transformer_forward"]["uncond"]:
            self.assertAlmostEqual(ms, c.transformer_gpu, places=6)
        step = 2 * c.transformer_gpu + c.scheduler_gpu
        self.assertEqual(len(t["denoise_steps"]), 3)
        for ms in t["denoise_steps"][1:]:
            self.assertAlmostEqual(ms, step, places=6)
        self.assertAlmostEqual(sum(t["denoise_steps"]), t["denoise"], delta=0.1)
        self.assertEqual([e["branch"] for e in t["text_encode_calls"]], ["positive", "negative"])
        self.assertAlmostEqual(t["text_encode_calls"][0]["forward"], c.launch_cpu + c.text_encoder_gpu, places=6)
        self.assertEqual(t["detail"]["other"]["check_inputs"], c.check_inputs_cpu)
        self.assertEqual(t["detail"]["other"]["set_timesteps"], c.timesteps_cpu)
        # The stages partition the total; what is left is the pipeline's unwrapped work and hand-offs.
        stage_sum = sum(t[k] for k in REQUEST_STAGES if k in t)
        self.assertAlmostEqual(stage_sum + t["unaccounted"], t["total"], places=2)
        self.assertGreater(t["detail"]["pipeline_unaccounted"], c.unwrapped_cpu - 1e-6)
        self.assertLess(t["detail"]["pipeline_unaccounted"], c.unwrapped_cpu + c.check_inputs_cpu + c.timesteps_cpu + 0.5)

    def test_events_mode_agrees_with_sync_mode_without_stage_syncs(self) -> None:
        sync = self.run_request(make_request())["metrics"]["timings"]
        events = self.run_request(make_request(timing="events"))["metrics"]["timings"]
        self.assertEqual(events["method"], "cuda_events")
        for key in ("preprocess", "text_encode", "vae_encode", "denoise", "vae_decode"):
            self.assertAlmostEqual(events[key], sync[key], delta=0.1, msg=key)
        self.assertLess(events["detail"]["syncs"], sync["detail"]["syncs"])

    def test_off_mode_shows_the_unsynchronised_misattribution(self) -> None:
        t = self.run_request(make_request(timing="off"))["metrics"]["timings"]
        self.assertEqual(t["method"], "host_unsynced")
        c = self.costs
        self.assertAlmostEqual(t["vae_decode"], c.launch_cpu, places=6)  # launch only
        self.assertGreater(t["postprocess"], c.postprocess_cpu + c.vae_decode_gpu - 0.01)  # absorbs the decode

    def test_step_timings_false_keeps_the_call_count_only(self) -> None:
        t = self.run_request(make_request(step_timings=False))["metrics"]["timings"]
        self.assertNotIn("denoise_steps", t)
        self.assertNotIn("transformer_forward", t)
        self.assertEqual(t["transformer_calls"], 6)

    def test_cfg_only_with_a_negative_prompt(self) -> None:
        body = self.run_request(make_request(negative_prompt=None))
        self.assertFalse(body["baseline"]["cfg"])
        self.assertEqual(body["metrics"]["timings"]["transformer_calls"], 3)
        call = self.loaded.pipe.calls[-1]
        self.assertIsNone(call["negative_prompt"])
        body = self.run_request(make_request(true_cfg_scale=1.0))
        self.assertFalse(body["baseline"]["cfg"])

    def test_pipeline_arguments(self) -> None:
        self.run_request(make_request(size=(250, 200), guidance_scale=3.5, n=2))
        call = self.loaded.pipe.calls[-1]
        self.assertEqual((call["width"], call["height"]), (240, 192))  # explicit, floored to 16
        self.assertEqual(call["guidance_scale"], 3.5)
        self.assertEqual(call["n"], 2)
        self.assertIsInstance(call["images"], SolidImage)  # Edit takes one image, not a list
        self.assertEqual((call["generator"].device, call["generator"].seed), ("cuda:0", 5))

    def test_response_shape(self) -> None:
        body = self.run_request(make_request(n=2))
        self.assertEqual(len(body["data"]), 2)
        self.assertEqual(sorted(body["data"][0]), ["b64_json", "revised_prompt", "url"])
        self.assertEqual(body["output_format"], "png")
        self.assertEqual(body["size"], "256x256")
        self.assertEqual(sorted(body["metrics"]["stage_durations"]), [
            "QwenImageEditPipeline.diffuse", "QwenImageEditPipeline.forward", "QwenImageEditPipeline.text_encoder.forward",
            "QwenImageEditPipeline.vae.decode", "QwenImageEditPipeline.vae.encode"])
        self.assertIsNone(body["metrics"]["peak_memory_mb"])
        b = body["baseline"]
        self.assertEqual(b["pipeline"], "QwenImageEditPipeline")
        self.assertEqual((b["seed"], b["seed_source"], b["generator_device"]), (5, "request", "cuda:0"))
        self.assertEqual(b["condition_sizes"], [list(calculate_dimensions(1024 * 1024, 64 / 48))])
        self.assertEqual(b["steps_run"], 3)
        self.assertTrue(b["fake"])
        self.assertEqual(self.ops.peak_resets, 1)

    def test_missing_seed_is_random_and_echoed(self) -> None:
        seeds = []
        for _ in range(3):
            body = self.run_request(make_request(seed=None))
            self.assertEqual(body["baseline"]["seed_source"], "random")
            # The echoed seed is the one the generator got, so the run can be repeated.
            self.assertEqual(body["baseline"]["seed"], self.loaded.pipe.calls[-1]["generator"].seed)
            seeds.append(body["baseline"]["seed"])
        self.assertTrue(all(0 <= s < 2**32 for s in seeds))
        self.assertGreater(len(set(seeds)), 1)

    def test_cpu_generator(self) -> None:
        body = self.run_request(make_request(generator_device="cpu"))
        self.assertEqual(body["baseline"]["generator_device"], "cpu")

    def test_warm_flag_follows_shapes(self) -> None:
        self.assertFalse(self.run_request(make_request())["metrics"]["timings"]["warm"])
        self.assertTrue(self.run_request(make_request(prompt="other words", seed=9))["metrics"]["timings"]["warm"])
        # Another input aspect ratio means other condition shapes: cold again.
        self.assertFalse(self.run_request(make_request(images=[(48, 64)]))["metrics"]["timings"]["warm"])
        self.assertFalse(self.run_request(make_request(steps=4))["metrics"]["timings"]["warm"])

    def test_warmup_makes_matching_requests_warm(self) -> None:
        results = self.runner.warmup([WarmupSpec(256, 256, 3, True, [(64, 48)])])
        self.assertEqual(results[0]["spec"], "256x256:3:cfg:64x48")
        self.assertGreater(results[0]["total_ms"], 0)
        self.assertTrue(self.run_request(make_request())["metrics"]["timings"]["warm"])
        self.assertEqual(self.loaded.pipe.calls[0]["negative_prompt"], " ")

    def test_pipeline_failure_is_a_500_without_traceback(self) -> None:
        self.loaded.pipe.fail_with = RuntimeError("boom\nsecond line")
        with self.assertLogs("baseline.runner", level="ERROR"):
            with self.assertRaises(ApiError) as caught:
                self.run_request(make_request())
        self.assertEqual(caught.exception.status, 500)
        self.assertEqual(caught.exception.detail, "Image generation failed: RuntimeError: boom")
        self.assertIsNone(self.loaded.instrumentation.recorder)

    def test_out_of_memory_message_says_what_to_try(self) -> None:
        self.loaded.pipe.fail_with = RuntimeError("CUDA out of memory. Tried to allocate 2.00 GiB")
        with self.assertLogs("baseline.runner", level="ERROR"):
            with self.assertRaises(ApiError) as caught:
                self.run_request(make_request())
        self.assertIn("out of GPU memory at 256x256", caught.exception.detail)
        self.assertIn("smaller size", caught.exception.detail)


class SizeResolutionTest(RunnerFixture):
    def test_explicit_size_is_floored_to_the_multiple(self) -> None:
        self.assertEqual(self.runner.resolve_size(make_request(size=(1000, 1000))), (992, 992))

    def test_auto_edit_size_is_the_first_input_by_default(self) -> None:
        request = make_request(size=None, images=[(1920, 1080), (640, 640)])
        self.assertEqual(self.runner.resolve_size(request), (1920, 1072))

    def test_auto_edit_size_with_the_pipeline_rule(self) -> None:
        self.settings.auto_size = "pipeline"
        self.assertEqual(self.runner.resolve_size(make_request(size=None, images=[(1920, 1080)])), (1376, 768))

    def test_auto_size_over_the_limit_is_refused_with_advice(self) -> None:
        with self.assertRaises(ApiError) as caught:
            self.runner.resolve_size(make_request(size=None, images=[(6000, 4000)]))
        self.assertEqual(caught.exception.status, 400)
        self.assertIn("--max-side", caught.exception.detail)

    def test_tiny_input_cannot_make_a_size(self) -> None:
        with self.assertRaises(ApiError):
            self.runner.resolve_size(make_request(size=None, images=[(10, 10)]))


class EditPlusRunTest(RunnerFixture):
    task = "edit-plus"

    def test_all_images_go_to_the_pipeline_and_each_is_vae_encoded(self) -> None:
        body = self.run_request(make_request(images=[(64, 48), (32, 32)]))
        call = self.loaded.pipe.calls[-1]
        self.assertEqual(len(call["images"]), 2)
        t = body["metrics"]["timings"]
        self.assertEqual(len(t["vae_encode_calls"]), 2)
        self.assertEqual(len(body["baseline"]["condition_sizes"]), 2)
        self.assertEqual(len(body["baseline"]["condition_sizes"][0]), 4)  # VL size + VAE size

    def test_pipeline_rule_uses_the_last_image(self) -> None:
        self.settings.auto_size = "pipeline"
        self.assertEqual(self.runner.resolve_size(make_request(size=None, images=[(1920, 1080), (1000, 1000)])), (1024, 1024))


class GenerateRunTest(RunnerFixture):
    task = "generate"

    def test_text_to_image_defaults_and_stages(self) -> None:
        request = make_request("generate", size=None, negative_prompt=None)
        self.assertEqual(self.runner.resolve_size(request), (1024, 1024))
        body = self.run_request(make_request("generate", negative_prompt=None))
        t = body["metrics"]["timings"]
        self.assertNotIn("vae_encode", t)
        self.assertNotIn("preprocess", t)
        self.assertEqual(t["transformer_calls"], 3)
        self.assertIsNone(self.loaded.pipe.calls[-1]["images"])
        self.assertEqual(sorted(body["metrics"]["stage_durations"]), [
            "QwenImagePipeline.diffuse", "QwenImagePipeline.forward", "QwenImagePipeline.text_encoder.forward",
            "QwenImagePipeline.vae.decode"])


if __name__ == "__main__":
    unittest.main()
