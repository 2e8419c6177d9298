/**
 * What a response says about the amount of work (issue 12, speed review): how many images came back, and the prompt's
 * token count where the server reports one: the baseline's `baseline.text_seq_len` (the text encoder's sequence,
 * chat template and condition-image tokens included) or vLLM-Omni chat's `usage.prompt_tokens`. Nothing is guessed
 * here: no count reads null, and the sweep labels its own estimate as one.
 */

/** Counts above this are not a prompt's tokens (a corrupt or hostile number). */
const MAX_TOKENS = 10_000_000;

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function tokenCount(v: unknown): number | null {
  return typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= MAX_TOKENS ? v : null;
}

export function reportedPromptTokens(json: unknown): number | null {
  if (!isRecord(json)) return null;
  const baseline = json.baseline;
  if (isRecord(baseline)) {
    const n = tokenCount(baseline.text_seq_len);
    if (n !== null) return n;
  }
  const usage = json.usage;
  if (isRecord(usage)) return tokenCount(usage.prompt_tokens);
  return null;
}

/** Images in the answer: `data[]` entries with an image (images API) or image_url items (chat); at least 1, as one was decoded. */
export function returnedImageCount(json: unknown): number {
  if (!isRecord(json)) return 1;
  if (Array.isArray(json.data)) {
    const n = json.data.filter((d) => isRecord(d) && typeof d.b64_json === 'string' && d.b64_json !== '').length;
    return Math.max(1, n);
  }
  const choices = json.choices;
  if (Array.isArray(choices) && isRecord(choices[0]) && isRecord(choices[0].message) && Array.isArray(choices[0].message.content)) {
    const n = choices[0].message.content.filter((c) => isRecord(c) && isRecord(c.image_url)).length;
    return Math.max(1, n);
  }
  return 1;
}
