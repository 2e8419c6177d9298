"""Pipeline choice, settings parsing, the stdlib PNG codec and the fake instrumentation wiring."""

from __future__ import annotations

import json
import os
import tempfile
import unittest

from baseline.fake import FakeCuda
from baseline.images import PngCodec, ImageError, SolidImage, encode_png_rgb, normalize_output_format, png_size, sniff_format
from baseline.loader import choose_task, load_fake, read_model_index
from baseline.settings import WarmupSpec, parse_size, parse_warmup


class ChooseTaskTest(unittest.TestCase):
    def test_by_model_name(self) -> None:
        cases = {
            "Qwen/Qwen-Image-Edit": "edit",
            "Qwen/Qwen-Image-Edit-2509": "edit-plus",
            "Qwen/Qwen-Image-Edit-2511": "edit-plus",
            "/models/qwen_image_edit_plus/": "edit-plus",
            "Qwen/Qwen-Image": "generate",
            "/data/QwenImage-local": "generate",
        }
        for model, task in cases.items():
            with self.subTest(model=model):
                self.assertEqual(choose_task(model, None), task)

    def test_model_index_wins_over_the_name(self) -> None:
        self.assertEqual(choose_task("/m/Qwen-Image", {"_class_name": "QwenImageEditPlusPipeline"}), "edit-plus")

    def test_override(self) -> None:
        self.assertEqual(choose_task("whatever", None, "generate"), "generate")

    def test_unknown_models_ask_for_pipeline(self) -> None:
        with self.assertRaisesRegex(ValueError, "pass --pipeline"):
            choose_task("stabilityai/sdxl", None)
        with self.assertRaisesRegex(ValueError, "QwenImageLayeredPipeline"):
            choose_task("/m/x", {"_class_name": "QwenImageLayeredPipeline"})

    def test_read_model_index(self) -> None:
        with tempfile.TemporaryDirectory() as folder:
            self.assertIsNone(read_model_index(folder))
            with open(os.path.join(folder, "model_index.json"), "w") as handle:
                json.dump({"_class_name": "QwenImageEditPipeline"}, handle)
            self.assertEqual(choose_task(folder, read_model_index(folder)), "edit")
            with open(os.path.join(folder, "model_index.json"), "w") as handle:
                handle.write("{broken")
            with self.assertRaisesRegex(ValueError, "cannot read .*model_index.json"):
                read_model_index(folder)


class SettingsTest(unittest.TestCase):
    def test_parse_size(self) -> None:
        self.assertEqual(parse_size("1024x768"), (1024, 768))
        self.assertEqual(parse_size(" 512X512 "), (512, 512))
        for bad in ("1024", "x", "0x10", "-5x5", "1e3x5", "123456x5"):
            self.assertIsNone(parse_size(bad), bad)

    def test_parse_warmup(self) -> None:
        self.assertEqual(parse_warmup(""), [])
        specs = parse_warmup("1024x1024:50:cfg, 512x512:20, 256x256, 512x512:4:nocfg:1920x1080+640x480")
        self.assertEqual(specs[0], WarmupSpec(1024, 1024, 50, True))
        self.assertEqual(specs[1], WarmupSpec(512, 512, 20, False))
        self.assertEqual(specs[2], WarmupSpec(256, 256, 50, False))
        self.assertEqual(specs[3].inputs, [(1920, 1080), (640, 480)])
        self.assertEqual(specs[3].label(), "512x512:4:nocfg:1920x1080+640x480")
        for bad, fragment in [("1024x1024:50:maybe", "'cfg' or 'nocfg'"), ("1024x1024:a", "steps"),
                              ("1x1:1:cfg:huge", "input size"), ("1024x1024:1:cfg:1x1:extra", "expected")]:
            with self.assertRaisesRegex(ValueError, fragment):
                parse_warmup(bad)


class PngCodecTest(unittest.TestCase):
    def test_round_trip_size(self) -> None:
        data = encode_png_rgb(33, 7, (1, 2, 3))
        self.assertEqual(png_size(data), (33, 7))
        self.assertEqual(sniff_format(data), "png")
        image = PngCodec().decode(data, 10_000)
        self.assertEqual((image.size, image.mode), ((33, 7), "RGB"))

    def test_encoded_png_is_structurally_valid(self) -> None:
        import struct
        import zlib

        data = PngCodec().encode(SolidImage(4, 2, (9, 8, 7)), "png", 100)
        chunks, pos = [], 8
        while pos < len(data):
            (length,) = struct.unpack(">I", data[pos:pos + 4])
            ctype, body = data[pos + 4:pos + 8], data[pos + 8:pos + 8 + length]
            (crc,) = struct.unpack(">I", data[pos + 8 + length:pos + 12 + length])
            self.assertEqual(zlib.crc32(ctype + body) & 0xFFFFFFFF, crc)
            chunks.append((ctype, body))
            pos += 12 + length
        self.assertEqual([c for c, _ in chunks], [b"IHDR", b"IDAT", b"IEND"])
        self.assertEqual(zlib.decompress(chunks[1][1]), (b"\x00" + bytes((9, 8, 7)) * 4) * 2)

    def test_errors(self) -> None:
        with self.assertRaisesRegex(ImageError, "found jpeg data"):
            png_size(b"\xff\xd8\xff\xe0" + b"0" * 40)
        with self.assertRaisesRegex(ImageError, "truncated"):
            png_size(encode_png_rgb(2, 2, (0, 0, 0))[:20])
        with self.assertRaisesRegex(ImageError, "writes png only"):
            PngCodec().encode(SolidImage(2, 2), "jpeg", 90)

    def test_output_format_names(self) -> None:
        self.assertEqual(normalize_output_format("JPG"), "jpeg")
        self.assertEqual(normalize_output_format("webp"), "webp")
        with self.assertRaises(ValueError):
            normalize_output_format("gif")


class InstrumentationWiringTest(unittest.TestCase):
    def test_every_hook_point_is_installed_on_the_fake(self) -> None:
        loaded = load_fake("edit", FakeCuda())
        self.assertEqual(sorted(loaded.info["hooks"]), sorted([
            "encode_prompt", "prepare_latents", "vae.encode", "vae.decode", "image_processor.resize",
            "image_processor.preprocess", "image_processor.postprocess", "progress_bar", "check_inputs",
            "scheduler.set_timesteps", "maybe_free_model_hooks", "transformer.forward hooks", "text_encoder.forward hooks",
        ]))
        self.assertTrue(loaded.pipe.progress_bar_disabled)
        self.assertEqual((loaded.size_multiple, loaded.default_size), (16, 1024))

    def test_wrappers_pass_through_without_a_recorder(self) -> None:
        loaded = load_fake("generate", FakeCuda())
        out = loaded.pipe(prompt="x", num_inference_steps=2, height=64, width=64)
        self.assertEqual(out.images[0].size, (64, 64))
        self.assertEqual(loaded.pipe.transformer.calls, 2)


if __name__ == "__main__":
    unittest.main()
