"""Request parsing and validation: multipart (stdlib email parser) and JSON, vLLM-Omni's field names and codes."""

from __future__ import annotations

import base64
import json
import os
import unittest
import uuid
from typing import Any, Dict, List, Optional, Tuple

from baseline.errors import ApiError
from baseline.images import PngCodec, encode_png_rgb
from baseline.parsing import parse_body, parse_multipart, parse_request
from baseline.settings import Limits

PNG = encode_png_rgb(64, 48, (10, 20, 30))


def multipart(fields: Dict[str, str], files: List[Tuple[str, str, bytes]], boundary: Optional[str] = None) -> Tuple[bytes, str]:
    boundary = boundary or "----form%s" % uuid.uuid4().hex
    out = b""
    for name, value in fields.items():
        out += ("--%s\r\nContent-Disposition: form-data; name=\"%s\"\r\n\r\n" % (boundary, name)).encode() + value.encode("utf-8") + b"\r\n"
    for name, filename, data in files:
        out += ("--%s\r\nContent-Disposition: form-data; name=\"%s\"; filename=\"%s\"\r\nContent-Type: image/png\r\n\r\n"
                % (boundary, name, filename)).encode() + data + b"\r\n"
    out += ("--%s--\r\n" % boundary).encode()
    return out, "multipart/form-data; boundary=%s" % boundary


def parse(endpoint: str, content_type: str, body: bytes, multi: bool = False, served: str = "Qwen/Qwen-Image-Edit",
          limits: Optional[Limits] = None) -> Any:
    return parse_request(endpoint, content_type, body, PngCodec(), limits or Limits(), served, multi)


def edit_json(**fields: Any) -> Tuple[str, bytes]:
    payload: Dict[str, Any] = {"prompt": "make it red", "image": base64.b64encode(PNG).decode()}
    payload.update(fields)
    return "application/json", json.dumps(payload).encode()


class ErrorCase(unittest.TestCase):
    def assertApiError(self, status: int, fragment: str, fn: Any, *args: Any, **kwargs: Any) -> ApiError:
        with self.assertRaises(ApiError) as caught:
            fn(*args, **kwargs)
        self.assertEqual(caught.exception.status, status, caught.exception.detail)
        self.assertIn(fragment, caught.exception.detail)
        return caught.exception


class MultipartTest(ErrorCase):
    def test_binary_payloads_survive_byte_for_byte(self) -> None:
        tricky = [os.urandom(200_000), b"\r\n\r\n--not-a-boundary\r\n", b"\n\r\r\n\n", b"\xff\x00\r\n"]
        for payload in tricky:
            body, ctype = multipart({"prompt": "a"}, [("image", "x.bin", payload)])
            fields, blobs = parse_multipart(ctype, body)
            self.assertEqual(blobs[0].data, payload)
            self.assertEqual(blobs[0].filename, "x.bin")

    def test_fields_files_and_repeated_image_parts(self) -> None:
        body, ctype = multipart({"prompt": "put 「你好」 on the sign", "seed": "42"},
                                [("image[]", "a.png", PNG), ("image[]", "b.png", PNG)])
        fields, blobs = parse_multipart(ctype, body)
        self.assertEqual(fields["prompt"], ["put 「你好」 on the sign"])
        self.assertEqual(fields["seed"], ["42"])
        self.assertEqual([b.label for b in blobs], ["image[0]", "image[1]"])

    def test_image_as_text_field_and_url_field(self) -> None:
        b64 = base64.b64encode(PNG).decode()
        body, ctype = multipart({"prompt": "a", "image": b64, "url": "data:image/png;base64," + b64}, [])
        request = parse("edit", ctype, body, multi=True)
        self.assertEqual(request.input_sizes, [(64, 48), (64, 48)])

    def test_missing_boundary(self) -> None:
        self.assertApiError(400, "boundary", parse_multipart, "multipart/form-data", b"x")

    def test_end_to_end_edit_request(self) -> None:
        body, ctype = multipart({"prompt": "make it red", "negative_prompt": " ", "n": "2", "size": "512x384",
                                 "num_inference_steps": "20", "true_cfg_scale": "4.5", "seed": "7", "generator_device": "cpu",
                                 "output_format": "jpg", "output_compression": "80", "response_format": "b64_json",
                                 "timing": "events", "step_timings": "false", "model": "Qwen/Qwen-Image-Edit", "user": "u1",
                                 "something_new": "x"},
                                [("image", "in.png", PNG)])
        r = parse("edit", ctype, body)
        self.assertEqual((r.prompt, r.negative_prompt, r.n, r.size, r.steps), ("make it red", " ", 2, (512, 384), 20))
        self.assertEqual((r.true_cfg_scale, r.seed, r.generator_device), (4.5, 7, "cpu"))
        self.assertEqual((r.output_format, r.output_compression, r.timing, r.step_timings), ("jpeg", 80, "events", False))
        self.assertEqual(r.input_sizes, [(64, 48)])
        self.assertEqual(r.ignored_fields, ["something_new"])

    def test_defaults(self) -> None:
        body, ctype = multipart({"prompt": "p"}, [("image", "in.png", PNG)])
        r = parse("edit", ctype, body)
        self.assertEqual((r.negative_prompt, r.n, r.size, r.steps, r.true_cfg_scale, r.guidance_scale, r.seed),
                         (None, 1, None, 50, 4.0, None, None))
        self.assertEqual((r.generator_device, r.output_format, r.max_sequence_length, r.timing, r.step_timings),
                         ("cuda", "png", 512, "sync", True))

    def test_size_auto(self) -> None:
        body, ctype = multipart({"prompt": "p", "size": "auto"}, [("image", "in.png", PNG)])
        self.assertIsNone(parse("edit", ctype, body).size)


class JsonTest(ErrorCase):
    def test_images_list_image_string_and_data_urls(self) -> None:
        b64 = base64.b64encode(PNG).decode()
        r = parse("edit", "application/json", json.dumps({"prompt": "p", "images": [b64, "data:image/png;base64," + b64],
                                                          "image": b64}).encode(), multi=True)
        self.assertEqual(len(r.images), 3)

    def test_numbers_as_json_types(self) -> None:
        ctype, body = edit_json(n=1, num_inference_steps=8.0, true_cfg_scale=5, seed=2**63, step_timings=False)
        r = parse("edit", ctype, body)
        self.assertEqual((r.steps, r.true_cfg_scale, r.seed, r.step_timings), (8, 5.0, 2**63, False))

    def test_base64_with_line_breaks(self) -> None:
        b64 = base64.encodebytes(PNG).decode()  # wrapped every 76 characters
        r = parse("edit", "application/json", json.dumps({"prompt": "p", "image": b64}).encode())
        self.assertEqual(r.input_sizes, [(64, 48)])

    def test_generation(self) -> None:
        r = parse("generate", "application/json", json.dumps({"prompt": "a cat", "size": "1024x768"}).encode(),
                  served="Qwen/Qwen-Image")
        self.assertEqual((r.endpoint, r.images, r.size), ("generate", [], (1024, 768)))

    def test_bad_json(self) -> None:
        self.assertApiError(400, "not valid JSON", parse, "edit", "application/json", b"{nope")
        self.assertApiError(400, "JSON object", parse, "edit", "application/json", b"[1, 2]")
        self.assertApiError(400, "base64 strings", parse, "edit", "application/json", json.dumps({"prompt": "p", "image": 5}).encode())


class ValidationTest(ErrorCase):
    def test_missing_prompt_and_image_are_422(self) -> None:
        body, ctype = multipart({"negative_prompt": "x"}, [("image", "in.png", PNG)])
        self.assertApiError(422, "Field 'prompt' is required", parse, "edit", ctype, body)
        body, ctype = multipart({"prompt": "   "}, [("image", "in.png", PNG)])
        self.assertApiError(422, "Field 'prompt' is required", parse, "edit", ctype, body)
        body, ctype = multipart({"prompt": "p"}, [])
        self.assertApiError(422, "Field 'image' or 'url' is required", parse, "edit", ctype, body)

    def test_image_count(self) -> None:
        body, ctype = multipart({"prompt": "p"}, [("image", "a.png", PNG), ("image", "b.png", PNG)])
        self.assertApiError(400, "Only a single image is supported by this model", parse, "edit", ctype, body)
        self.assertEqual(len(parse("edit", ctype, body, multi=True).images), 2)
        many = [("image", "%d.png" % i, PNG) for i in range(3)]
        body, ctype = multipart({"prompt": "p"}, many)
        self.assertApiError(400, "at most 2 (--max-images)", parse, "edit", ctype, body, multi=True, limits=Limits(max_images=2))

    def test_n_greater_than_one_on_edit_plus(self) -> None:
        body, ctype = multipart({"prompt": "p", "n": "2"}, [("image", "a.png", PNG)])
        self.assertApiError(400, "Field 'n' must be 1", parse, "edit", ctype, body, multi=True)

    def test_bad_values_name_the_field(self) -> None:
        cases = [
            (dict(n="abc"), "Field 'n' must be an integer from 1 to 10"),
            (dict(n=11), "Field 'n'"),
            (dict(num_inference_steps=0), "Field 'num_inference_steps' must be an integer from 1 to 200"),
            (dict(num_inference_steps=True), "Field 'num_inference_steps'"),
            (dict(num_inference_steps=2.5), "Field 'num_inference_steps'"),
            (dict(true_cfg_scale="nan"), "Field 'true_cfg_scale' must be a number from 0 to 20"),
            (dict(true_cfg_scale=21), "Field 'true_cfg_scale'"),
            (dict(guidance_scale=-1), "Field 'guidance_scale'"),
            (dict(seed=-1), "Field 'seed'"),
            (dict(size="1024"), "Field 'size' must look like 1024x1024"),
            (dict(size="8x8"), "each side must be from 32 to 4096"),
            (dict(size="8192x1024"), "(--max-side)"),
            (dict(generator_device="tpu"), "Field 'generator_device'"),
            (dict(output_format="gif"), "Field 'output_format' must be png, jpeg or webp"),
            (dict(response_format="url"), "Field 'response_format' must be 'b64_json'"),
            (dict(stream=True), "stream=true is not supported"),
            (dict(timing="fast"), "Field 'timing' must be one of sync, events, off"),
            (dict(step_timings="maybe"), "Field 'step_timings' must be true or false"),
            (dict(max_sequence_length=2048), "Field 'max_sequence_length'"),
            (dict(prompt=5), "Field 'prompt' must be a string"),
            (dict(lora={"name": "x"}), "Field 'lora' is not supported"),
            (dict(model="Qwen/Qwen-Image"), "Model mismatch"),
        ]
        for fields, fragment in cases:
            with self.subTest(fields=fields):
                ctype, body = edit_json(**fields)
                self.assertApiError(400, fragment, parse, "edit", ctype, body)

    def test_images_that_cannot_be_used(self) -> None:
        cases = [
            ("http://example.invalid/a.png", "fetching images from URLs is not supported"),
            ("data:image/png,rawtext", "data URL must be base64-encoded"),
            ("!!!notbase64", "image[0] is not valid base64"),
            ("", "image[0] is empty"),
            (base64.b64encode(b"GIF89a....").decode(), "not a PNG file (found gif data)"),
        ]
        for value, fragment in cases:
            with self.subTest(value=value[:20]):
                self.assertApiError(400, fragment, parse, "edit", "application/json",
                                    json.dumps({"prompt": "p", "image": value}).encode())

    def test_corrupt_upload_names_the_file(self) -> None:
        broken = bytearray(PNG)
        broken[20] ^= 0xFF  # inside IHDR: checksum mismatch
        body, ctype = multipart({"prompt": "p"}, [("image", "holiday.png", bytes(broken))])
        self.assertApiError(400, "image[0] (holiday.png): PNG header checksum mismatch", parse, "edit", ctype, body)

    def test_pixel_limit(self) -> None:
        body, ctype = multipart({"prompt": "p"}, [("image", "big.png", encode_png_rgb(100, 100, (0, 0, 0)))])
        self.assertApiError(400, "over the server's limit of 5000 (--max-input-pixels)", parse, "edit", ctype, body,
                            limits=Limits(max_input_pixels=5000))

    def test_generation_refuses_images_and_multipart(self) -> None:
        self.assertApiError(400, "use /v1/images/edits", parse, "generate", *edit_json())
        body, ctype = multipart({"prompt": "p"}, [])
        self.assertApiError(400, "takes application/json", parse, "generate", ctype, body)

    def test_content_types(self) -> None:
        self.assertApiError(400, "unsupported Content-Type 'text/plain'", parse_body, "text/plain", b"x", "edit")
        self.assertApiError(400, "form-urlencoded", parse_body, "application/x-www-form-urlencoded", b"a=b", "edit")
        # No Content-Type but a JSON object: accepted (curl -d without -H).
        fields, _ = parse_body(None, b'{"prompt": "p"}', "generate")
        self.assertEqual(fields["prompt"], ["p"])

    def test_model_field_matching_is_accepted(self) -> None:
        ctype, body = edit_json(model="Qwen/Qwen-Image-Edit")
        self.assertEqual(parse("edit", ctype, body).model, "Qwen/Qwen-Image-Edit")


if __name__ == "__main__":
    unittest.main()
