import { describe, expect, it } from 'vitest';
import { buildChatJson, buildEditMultipart, buildGenerationJson } from './encode.ts';
import { JPEG_LIKE, PNG, PNG_B64, editRequest, genRequest, input } from '../testing/requests.ts';

async function parseMultipart(body: Uint8Array, contentType: string): Promise<FormData> {
  return new Request('http://x.invalid/', { method: 'POST', headers: { 'content-type': contentType }, body: new Uint8Array(body) }).formData();
}

describe('buildEditMultipart', () => {
  it('sends one image as "image" with every generation field, size and seed explicit', async () => {
    const { body, contentType } = await buildEditMultipart(editRequest([input(0)], { trueCfgScale: 4, negativePrompt: ' ' }));
    expect(contentType).toMatch(/^multipart\/form-data; boundary=/);
    const form = await parseMultipart(body, contentType);
    const file = form.get('image');
    expect(file).toBeInstanceOf(Blob);
    expect((file as File).name).toBe('input-0.png');
    expect((file as File).type).toBe('image/png');
    expect(new Uint8Array(await (file as File).arrayBuffer())).toEqual(PNG);
    expect(form.get('prompt')).toBe('Add a shop sign that says "OPEN"');
    expect(form.get('size')).toBe('512x384');
    expect(form.get('seed')).toBe('1234');
    expect(form.get('num_inference_steps')).toBe('4');
    expect(form.get('true_cfg_scale')).toBe('4');
    expect(form.get('negative_prompt')).toBe(' ');
    expect(form.get('n')).toBe('1');
    expect(form.get('response_format')).toBe('b64_json');
    expect(form.get('output_format')).toBe('png');
    expect(form.has('model')).toBe(false);
    expect(form.has('image[]')).toBe(false);
  });

  it('repeats "image[]" in order for several images, and sends model only when configured', async () => {
    const { body, contentType } = await buildEditMultipart(editRequest([input(0), input(1, JPEG_LIKE, 'image/jpeg')]), 'Qwen/Qwen-Image-Edit-2509');
    const form = await parseMultipart(body, contentType);
    const files = form.getAll('image[]') as File[];
    expect(files.map((f) => [f.name, f.type, f.size])).toEqual([
      ['input-0.png', 'image/png', PNG.length],
      ['input-1.png', 'image/jpeg', JPEG_LIKE.length],
    ]);
    expect(form.has('image')).toBe(false);
    expect(form.get('model')).toBe('Qwen/Qwen-Image-Edit-2509');
    expect(form.has('true_cfg_scale')).toBe(false);
    expect(form.has('negative_prompt')).toBe(false);
  });
});

describe('buildGenerationJson', () => {
  it('carries prompt, explicit size, seed and steps; optional fields only when set', () => {
    expect(buildGenerationJson(genRequest())).toEqual({
      prompt: 'A poster that says "HELLO"',
      size: '640x448',
      n: 1,
      seed: 77,
      num_inference_steps: 8,
      response_format: 'b64_json',
    });
    expect(buildGenerationJson(genRequest({ trueCfgScale: 1, negativePrompt: 'blurry' }), 'm')).toMatchObject({
      model: 'm',
      true_cfg_scale: 1,
      negative_prompt: 'blurry',
    });
  });
});

describe('buildChatJson', () => {
  it('puts generation parameters in a literal extra_body (seed and size included) and images as data URLs', () => {
    const body = buildChatJson(editRequest([input(0), input(1, JPEG_LIKE, 'image/jpeg')], { trueCfgScale: 4, negativePrompt: 'low quality' }));
    expect(body.extra_body).toEqual({
      width: 512,
      height: 384,
      size: '512x384',
      num_inference_steps: 4,
      true_cfg_scale: 4,
      seed: 1234,
      negative_prompt: 'low quality',
      num_outputs_per_prompt: 1,
    });
    expect(body).not.toHaveProperty('seed');
    expect(body).not.toHaveProperty('model');
    expect(body.messages).toEqual([
      {
        role: 'user',
        content: [
          { type: 'text', text: 'Add a shop sign that says "OPEN"' },
          { type: 'image_url', image_url: { url: `data:image/png;base64,${PNG_B64}` } },
          { type: 'image_url', image_url: { url: `data:image/jpeg;base64,${Buffer.from(JPEG_LIKE).toString('base64')}` } },
        ],
      },
    ]);
  });

  it('is text-only for generation and leaves optional fields out', () => {
    const body = buildChatJson(genRequest());
    const extra = body.extra_body as Record<string, unknown>;
    expect(extra).toEqual({ width: 640, height: 448, size: '640x448', num_inference_steps: 8, seed: 77, num_outputs_per_prompt: 1 });
    expect((body.messages as Array<{ content: unknown[] }>)[0]!.content).toHaveLength(1);
  });
});
