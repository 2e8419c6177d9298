/**
 * Responses of the OpenAI-style image API (pure): JSON parsing, base64 and data: URL image decoding checked by
 * magic bytes, and the image out of an images-API or a chat-completions answer. Every way a 2xx body can be
 * unusable becomes a protocol error that quotes what came back. All response parsing lives here.
 */
import { z } from 'zod';
import { protocolError, type RequestContext } from '../errors.ts';
import { parseLenientJson } from '../lenient-json.ts';

export type ResponseContext = RequestContext & { status?: number };

export interface DecodedImage {
  bytes: Uint8Array;
  mime: string;
}

/** PNG, JPEG or WebP by magic bytes; null for anything else. */
export function sniffImageMime(bytes: Uint8Array): 'image/png' | 'image/jpeg' | 'image/webp' | null {
  const b = (i: number): number => bytes[i] ?? -1;
  if (b(0) === 0x89 && b(1) === 0x50 && b(2) === 0x4e && b(3) === 0x47 && b(4) === 0x0d && b(5) === 0x0a && b(6) === 0x1a && b(7) === 0x0a) {
    return 'image/png';
  }
  if (b(0) === 0xff && b(1) === 0xd8 && b(2) === 0xff) return 'image/jpeg';
  const ascii = (from: number, to: number): string => String.fromCharCode(...bytes.subarray(from, to));
  if (bytes.length >= 12 && ascii(0, 4) === 'RIFF' && ascii(8, 12) === 'WEBP') return 'image/webp';
  return null;
}

/**
 * Strict base64: Buffer.from(…, 'base64') silently skips junk, so the decoded bytes are encoded again and must give
 * back the input (without its padding). Linear and native: a regex over a 3 MB string cost ~20 ms per answer.
 */
function strictBase64(compact: string): Buffer | null {
  if (compact === '' || compact.length % 4 === 1) return null;
  const body = compact.endsWith('==') ? compact.slice(0, -2) : compact.endsWith('=') ? compact.slice(0, -1) : compact;
  if (body.length % 4 === 1) return null;
  const bytes = Buffer.from(body, 'base64');
  const again = bytes.toString('base64');
  const againBody = again.endsWith('==') ? again.slice(0, -2) : again.endsWith('=') ? again.slice(0, -1) : again;
  return againBody === body ? bytes : null;
}

/** Strict base64 → image bytes, checked by magic bytes. `where` names the field for the message. */
export function decodeImageBase64(b64: string, where: string, ctx: ResponseContext): DecodedImage {
  const compact = /\s/.test(b64) ? b64.replace(/\s+/g, '') : b64;
  const decoded = strictBase64(compact);
  if (decoded === null) throw protocolError(ctx, `${where} is not base64 image data`, b64);
  const bytes = new Uint8Array(decoded.buffer, decoded.byteOffset, decoded.byteLength);
  const mime = sniffImageMime(bytes);
  if (!mime) {
    const head = [...bytes.subarray(0, 8)].map((x) => x.toString(16).padStart(2, '0')).join(' ');
    const text = Buffer.from(bytes.subarray(0, 120)).toString('latin1');
    throw protocolError(ctx, `${where} decodes to ${bytes.length} bytes that are not a PNG, JPEG or WebP image (first bytes ${head})`, text);
  }
  return { bytes, mime };
}

/** "data:image/png;base64,…" → image bytes. An http(s) URL is a protocol error: we always ask for inline data. */
export function decodeDataUrl(url: string, where: string, ctx: ResponseContext): DecodedImage {
  const m = /^data:([^;,]*)(;[^,]*)?,/i.exec(url);
  if (!m) throw protocolError(ctx, `${where} is not a data: URL with an inline image`, url);
  if (!/;base64/i.test(m[2] ?? '')) throw protocolError(ctx, `${where} is a data: URL that is not base64`, url);
  return decodeImageBase64(url.slice(m[0].length), where, ctx);
}

/** A server's JSON text → the value; undefined when it is not JSON. Every JSON answer is read through here. */
export function tryParseJson(text: string): unknown {
  try {
    // Python servers write bare NaN/Infinity by default: read them as null (dropped and noted with the timings).
    return parseLenientJson(text).value;
  } catch {
    return undefined;
  }
}

/** Parse a 2xx body as JSON or throw a protocol error quoting what came back. */
export function parseJson(body: string, ctx: ResponseContext): unknown {
  const value = tryParseJson(body);
  if (value === undefined) throw protocolError(ctx, 'the response is not valid JSON', body);
  return value;
}

const ImagesResponseSchema = z.looseObject({
  data: z.array(z.looseObject({ b64_json: z.string().nullish(), url: z.string().nullish() })),
});

/** ImageGenerationResponse {created, data: [{b64_json, url, revised_prompt}], …} → the first image. */
export function extractImagesApiImage(json: unknown, ctx: ResponseContext): DecodedImage {
  const parsed = ImagesResponseSchema.safeParse(json);
  if (!parsed.success) throw protocolError(ctx, 'the response has no "data" list of images', JSON.stringify(json));
  const first = parsed.data.data[0];
  if (!first) throw protocolError(ctx, 'the response has an empty "data" list: no image was produced', JSON.stringify(json));
  if (typeof first.b64_json !== 'string' || first.b64_json === '') {
    const why = typeof first.url === 'string' ? 'a URL instead of b64_json (we ask for response_format=b64_json)' : 'no b64_json';
    throw protocolError(ctx, `data[0] has ${why}`, JSON.stringify(first));
  }
  return decodeImageBase64(first.b64_json, 'data[0].b64_json', ctx);
}

const ChatResponseSchema = z.looseObject({
  choices: z
    .array(z.looseObject({ message: z.looseObject({ content: z.union([z.string(), z.array(z.unknown()), z.null()]) }) }))
    .min(1),
});
const ImageUrlItemSchema = z.looseObject({ image_url: z.looseObject({ url: z.string() }) });

/** OmniChatCompletionResponse → the first image of choices[0].message.content[*].image_url.url. */
export function extractChatImage(json: unknown, ctx: ResponseContext): DecodedImage {
  const parsed = ChatResponseSchema.safeParse(json);
  if (!parsed.success) throw protocolError(ctx, 'the response has no choices[0].message.content', JSON.stringify(json));
  const content = parsed.data.choices[0]!.message.content;
  if (typeof content === 'string' || content === null) {
    // e.g. "Image generation completed but no images were produced."
    throw protocolError(ctx, 'the chat response carries no image (choices[0].message.content is text)', String(content));
  }
  for (const [i, item] of content.entries()) {
    const img = ImageUrlItemSchema.safeParse(item);
    if (img.success) return decodeDataUrl(img.data.image_url.url, `choices[0].message.content[${i}].image_url.url`, ctx);
  }
  throw protocolError(ctx, 'choices[0].message.content has no image_url item', JSON.stringify(content));
}
