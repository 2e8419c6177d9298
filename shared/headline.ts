/**
 * The headline a reader sees first (issue 13): speed end to end, what reviewers preferred, and, when a text check
 * ran, how often each side misrendered text. Pure wording over shared/run-summary.ts's HeadlineInput; every number
 * comes from the data, with its 95 % interval where one exists.
 *
 * The rule that matters: it never claims a win its interval does not support. A speed-up is claimed only when the
 * interval of B p50 / A p50 excludes 1, a preference only when the interval of (A better − B better) excludes 0;
 * otherwise it says "about the same" / "no clear preference", and below the fewest pairs an interval needs it
 * says the numbers are too few.
 */
import { JUDGEMENT_LABELS, type Share } from './review-stats.ts';
import type { HeadlineInput, TextPassCount } from './run-summary.ts';
import { wilsonShare } from './run-summary.ts';
import type { SpeedTone } from './speedup.ts';
import { formatDuration } from './units.ts';

export interface Headline {
  speed: string;
  review: string;
  /** "Text misrendered: …", or null when no text check ran. */
  text: string | null;
  /** The sentences in one paragraph. */
  full: string;
  /** Colour of the speed sentence (shared/speedup.ts's rule); `even` when no speed-up is claimed. */
  tone: SpeedTone | null;
}

/** Words for the compared stages (shared/timing-breakdown.ts COMPARED_STAGES). */
export const STAGE_WORDS: Readonly<Record<string, string>> = {
  text_encode: 'text encoding',
  vae_encode: 'VAE encoding',
  denoise: 'denoising',
  vae_decode: 'VAE decoding',
};

/** 1.4237 → "1.42×", 12.3 → "12.3×": two to three significant figures. */
export function formatTimes(r: number): string {
  return `${r >= 100 ? r.toFixed(0) : r >= 10 ? r.toFixed(1) : r.toFixed(2)}×`;
}

function pct(r: number): string {
  return `${Math.round(r * 100)}`;
}

/** "41 % [33–49]", "41 %" without an interval, "—" without data. */
export function formatShareBracket(share: Pick<Share, 'rate' | 'lo' | 'hi'>): string {
  if (share.rate === null) return '—';
  return share.lo === null || share.hi === null ? `${pct(share.rate)} %` : `${pct(share.rate)} % [${pct(share.lo)}–${pct(share.hi)}]`;
}

function stagePart(input: HeadlineInput['speed'], aFaster: boolean | null): string {
  const st = input.stage;
  if (!st) return '';
  const words = STAGE_WORDS[st.name] ?? st.name;
  const r = st.B / st.A;
  const stageFaster = r >= 1;
  const times = formatTimes(stageFaster ? r : 1 / r);
  // Same direction as the end-to-end claim: "1.9× in text encoding"; otherwise say which way the stage went.
  if (aFaster !== null && aFaster === stageFaster) return `; ${times} in ${words}`;
  return `; ${words}: A ${times} ${stageFaster ? 'faster' : 'slower'}`;
}

function speedSentence(input: HeadlineInput['speed']): { text: string; tone: SpeedTone | null } {
  const { n, p50, ratioInterval } = input;
  if (n === 0 || p50.A === null || p50.B === null || p50.A <= 0 || p50.B <= 0) {
    return { text: 'No pair finished on both sides yet, so there is no speed comparison.', tone: null };
  }
  const r = p50.B / p50.A;
  const values = `p50 ${formatDuration(p50.A)} vs ${formatDuration(p50.B)}`;
  if (ratioInterval === null) {
    const lean = r >= 1 ? `${formatTimes(r)} faster` : `${formatTimes(1 / r)} slower`;
    return {
      text: `A looks ${lean} end to end (${values}), but ${n} pair${n === 1 ? ' is' : 's are'} too few for an interval.`,
      tone: 'even',
    };
  }
  const { lo, hi } = ratioInterval;
  if (lo > 1) {
    return {
      text: `A is ${formatTimes(r)} faster end to end (${values}, 95 % CI ${formatTimes(lo)}–${formatTimes(hi)}${stagePart(input, true)}).`,
      tone: 'a-faster',
    };
  }
  if (hi < 1) {
    return {
      text: `A is ${formatTimes(1 / r)} slower end to end (${values}, 95 % CI ${formatTimes(1 / hi)}–${formatTimes(1 / lo)}${stagePart(input, false)}).`,
      tone: 'a-slower',
    };
  }
  return {
    text: `A and B are about as fast end to end (${values}; the 95 % interval of the speed-up, ${formatTimes(lo)}–${formatTimes(hi)}, includes 1${stagePart(input, null)}).`,
    tone: 'even',
  };
}

function reviewSentence(input: HeadlineInput['review']): string {
  const { judged, rates, preference } = input;
  if (judged === 0) return 'No verdicts yet.';
  const bothBad = rates.both_bad.k > 0 ? `, both bad ${formatShareBracket(rates.both_bad)}` : '';
  if (preference === null) {
    const counts = (['A_better', 'B_better', 'tie', 'both_bad'] as const).map((j) => `${JUDGEMENT_LABELS[j]} ${rates[j].k}`).join(', ');
    return `Too few verdicts to conclude (${judged} pair${judged === 1 ? '' : 's'} judged): ${counts}.`;
  }
  const a = formatShareBracket(rates.A_better);
  const b = formatShareBracket(rates.B_better);
  const tie = formatShareBracket(rates.tie);
  if (preference.lo > 0) return `Reviewers prefer A in ${a} of verdicts, B in ${b}, tie ${tie}${bothBad}.`;
  if (preference.hi < 0) return `Reviewers prefer B in ${b} of verdicts, A in ${a}, tie ${tie}${bothBad}.`;
  return `No clear preference: A better ${a}, B better ${b}, tie ${tie}${bothBad} (the interval of the difference includes 0).`;
}

function misrendered(count: TextPassCount): string {
  if (count.total === 0) return 'not checked';
  return formatShareBracket(wilsonShare(count.total - count.pass, count.total));
}

function textSentence(text: HeadlineInput['text']): string | null {
  if (!text || text.A.total + text.B.total === 0) return null;
  return `Text misrendered: A ${misrendered(text.A)}, B ${misrendered(text.B)}.`;
}

export function headline(input: HeadlineInput): Headline {
  const speed = speedSentence(input.speed);
  const review = reviewSentence(input.review);
  const text = textSentence(input.text);
  return { speed: speed.text, review, text, full: [speed.text, review, text].filter((s): s is string => s !== null).join(' '), tone: speed.tone };
}
