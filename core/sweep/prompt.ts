/**
 * Prompts of a target token length, cut from real text (prompt-text.ts, public domain), as `vllm bench serve`'s
 * datasets use real text rather than random tokens: a text encoder's cost depends on the sequence, and repeated
 * filler would compress differently in a tokenizer.
 *
 * The count here is an **estimate** (about four Latin characters per token, one per CJK character: what BPE
 * tokenizers of the Qwen family give on English prose, within ~15 %). The sweep records the server's own count where
 * it reports one (baseline `text_seq_len`, vLLM-Omni chat `usage.prompt_tokens`) and labels this one as an estimate.
 */
import { PROMPT_SOURCE_TEXT } from './prompt-text.ts';

const CJK = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/u;

export function estimateTokens(text: string): number {
  let cjk = 0;
  let other = 0;
  for (const ch of text) {
    if (CJK.test(ch)) cjk++;
    else other++;
  }
  return Math.max(1, cjk + Math.ceil(other / 4));
}

const WORDS = PROMPT_SOURCE_TEXT.split(/\s+/).filter((w) => w !== '');
const INSTRUCTION = 'Edit the image so that it illustrates this passage:';

/**
 * A prompt of about `targetTokens` estimated tokens: the instruction, then words of the source text from a start
 * that depends on `variant` (each request of a point gets its own, so a server's prefix cache cannot make repeated
 * requests free), wrapping around the text as often as needed.
 */
export function buildPrompt(targetTokens: number, variant: number): { prompt: string; estimatedTokens: number } {
  const target = Math.max(1, Math.floor(targetTokens));
  let prompt = INSTRUCTION;
  if (estimateTokens(prompt) >= target) {
    // Shorter than the instruction: real words only.
    prompt = '';
  }
  let i = Math.abs(Math.floor(variant) * 37) % WORDS.length;
  // Add words until the next one would overshoot; bounded by the target (a word adds at least one token estimate).
  for (let guard = 0; guard < target * 4 + 8; guard++) {
    const next = prompt === '' ? (WORDS[i] as string) : `${prompt} ${WORDS[i] as string}`;
    if (estimateTokens(next) > target && prompt !== '') break;
    prompt = next;
    i = (i + 1) % WORDS.length;
  }
  return { prompt, estimatedTokens: estimateTokens(prompt) };
}
