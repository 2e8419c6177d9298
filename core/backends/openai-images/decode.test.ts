import { describe, expect, it } from 'vitest';
import { BackendError } from '../types.ts';
import { decodeDataUrl, decodeImageBase64, extractChatImage, extractImagesApiImage, parseJson, sniffImageMime, tryParseJson } from './decode.ts';
import { loadRecorded } from '../testing/replay-server.ts';
import { JPEG_LIKE, PNG, PNG_B64 } from '../testing/requests.ts';

const CTX = { method: 'POST', url: 'http://127.0.0.1:1/v1/images/edits', status: 200 };

describe('image decoding', () => {
  it('sniffs PNG, JPEG and WebP by magic bytes', () => {
    expect(sniffImageMime(PNG)).toBe('image/png');
    expect(sniffImageMime(JPEG_LIKE)).toBe('image/jpeg');
    expect(sniffImageMime(new Uint8Array([...Buffer.from('RIFF'), 0, 0, 0, 0, ...Buffer.from('WEBPVP8 ')]))).toBe('image/webp');
    expect(sniffImageMime(new Uint8Array(Buffer.from('<html>')))).toBeNull();
    expect(sniffImageMime(new Uint8Array())).toBeNull();
  });

  it('decodes base64 images and rejects junk that Buffer would silently accept', () => {
    expect(decodeImageBase64(PNG_B64, 'data[0].b64_json', CTX)).toEqual({ bytes: PNG, mime: 'image/png' });
    // Line-wrapped base64 is still base64.
    expect(decodeImageBase64(PNG_B64.replace(/(.{60})/g, '$1\n'), 'x', CTX).mime).toBe('image/png');
    const junk = decodeImageBase64Error('not base64 at all!');
    expect(junk.kind).toBe('protocol');
    expect(junk.message).toContain('data[0].b64_json is not base64 image data');
    expect(junk.message).toContain('Got: not base64 at all!');
  });

  it('rejects base64 that is not an image, quoting what it decodes to', () => {
    const e = decodeImageBase64Error(Buffer.from('<html><body>502 Bad Gateway</body></html>').toString('base64'));
    expect(e.kind).toBe('protocol');
    expect(e.retryable).toBe(false);
    expect(e.message).toContain('not a PNG, JPEG or WebP image (first bytes 3c 68 74 6d 6c 3e 3c 62)');
    expect(e.message).toContain('502 Bad Gateway');
  });

  it('decodes data URLs and refuses remote URLs', () => {
    expect(decodeDataUrl(`data:image/png;base64,${PNG_B64}`, 'u', CTX).bytes).toEqual(PNG);
    expect(() => decodeDataUrl('https://cdn.example/x.png', 'u', CTX)).toThrow(/u is not a data: URL/);
    expect(() => decodeDataUrl('data:image/png,rawbytes', 'u', CTX)).toThrow(/not base64/);
  });

  function decodeImageBase64Error(b64: string): BackendError {
    try {
      decodeImageBase64(b64, 'data[0].b64_json', CTX);
    } catch (err) {
      if (err instanceof BackendError) return err;
      throw err;
    }
    throw new Error('expected a BackendError');
  }
});

describe('extractImagesApiImage / extractChatImage', () => {
  it('reads data[0].b64_json and the first image_url content item', () => {
    expect(extractImagesApiImage(loadRecorded('vllm-omni/current', 'edits').body, CTX).bytes).toEqual(PNG);
    expect(extractChatImage(loadRecorded('vllm-omni/legacy', 'chat').body, CTX).bytes).toEqual(PNG);
    expect(extractChatImage(loadRecorded('vllm-omni/current', 'chat').body, CTX).mime).toBe('image/png');
  });

  it('missing images are protocol errors that say what came back', () => {
    expect(() => extractImagesApiImage({ created: 1, data: [] }, CTX)).toThrow(/empty "data" list: no image was produced/);
    expect(() => extractImagesApiImage({ created: 1, data: [{ url: 'http://x/y.png' }] }, CTX)).toThrow(/a URL instead of b64_json/);
    expect(() => extractImagesApiImage({ object: 'list' }, CTX)).toThrow(/no "data" list/);
    expect(() => extractChatImage(loadRecorded('vllm-omni/current', 'chat-no-image').body, CTX)).toThrow(
      /carries no image .* Got: Image generation completed but no images were produced\./,
    );
    expect(() => extractChatImage({ choices: [{ message: { content: [{ type: 'text', text: 'hi' }] } }] }, CTX)).toThrow(/no image_url item/);
    expect(() => extractChatImage({ choices: [] }, CTX)).toThrow(/no choices\[0\]\.message\.content/);
  });
});

describe('tryParseJson / parseJson', () => {
  it('reads JSON, and says undefined (or throws a protocol error quoting the body) for anything else', () => {
    expect(tryParseJson('{"data":[{"id":"m"}]}')).toEqual({ data: [{ id: 'm' }] });
    expect(tryParseJson('<html>502</html>')).toBeUndefined();
    expect(parseJson('[1]', CTX)).toEqual([1]);
    expect(() => parseJson('<html>502</html>', CTX)).toThrow(/not valid JSON.*<html>502<\/html>/);
  });
});
