/**
 * Every keyboard shortcut, as data: the global key handler dispatches from it and the `?` help sheet renders
 * it, so the two cannot drift apart. Conventions follow Argos / reg-cli / Playwright's report (j/k, ?, /)
 * and GenAI-Arena's verdicts on 1–4.
 */
export type KeyAction =
  | 'next'
  | 'prev'
  | 'verdict-a'
  | 'verdict-b'
  | 'verdict-tie'
  | 'verdict-both-bad'
  | 'verdict-skip'
  | 'tags'
  | 'note'
  | 'undo'
  | 'blind'
  | 'help'
  | 'filter'
  | 'sort'
  | 'view-split'
  | 'view-swipe'
  | 'view-onion'
  | 'view-toggle'
  | 'view-diff'
  | 'view-source'
  | 'view-text'
  | 'suggest-accept'
  | 'suggest-reject'
  | 'fit'
  | 'zoom-in'
  | 'zoom-out'
  | 'turn-prev'
  | 'turn-next'
  | 'escape';

export interface KeyBinding {
  action: KeyAction;
  /** KeyboardEvent.key values that trigger it (case-sensitive as the browser reports them). */
  keys: string[];
  /** How the help sheet shows the keys. */
  label: string;
  description: string;
  group: 'Navigate' | 'Judge' | 'View' | 'General';
}

export const KEYMAP: readonly KeyBinding[] = [
  { action: 'next', keys: ['j', 'ArrowDown'], label: 'j / ↓', description: 'Next pair', group: 'Navigate' },
  { action: 'prev', keys: ['k', 'ArrowUp'], label: 'k / ↑', description: 'Previous pair', group: 'Navigate' },
  { action: 'turn-prev', keys: ['['], label: '[', description: 'Previous turn of a multi-turn chain', group: 'Navigate' },
  { action: 'turn-next', keys: [']'], label: ']', description: 'Next turn of a multi-turn chain', group: 'Navigate' },
  { action: 'filter', keys: ['/'], label: '/', description: 'Filter pairs (tokens: v:A_better tag:text.missing cat:text-rendering diff>0.5% stage:denoise>20s ocr:fail ocr:left.fail cer>0.1 lang:zh)', group: 'Navigate' },
  { action: 'sort', keys: ['S'], label: 'S (shift+s)', description: 'Next sort order: suite · text error (worst CER) · changed pixels A↔B · slowest end to end', group: 'Navigate' },
  { action: 'verdict-a', keys: ['1'], label: '1', description: 'Left / A is better', group: 'Judge' },
  { action: 'verdict-b', keys: ['2'], label: '2', description: 'Right / B is better', group: 'Judge' },
  { action: 'verdict-tie', keys: ['3'], label: '3', description: 'Tie', group: 'Judge' },
  { action: 'verdict-both-bad', keys: ['4'], label: '4', description: 'Both bad', group: 'Judge' },
  { action: 'verdict-skip', keys: ['s'], label: 's', description: 'Skip', group: 'Judge' },
  { action: 'tags', keys: ['t'], label: 't', description: 'Tag palette (failure taxonomy; Tab picks pair, left or right side)', group: 'Judge' },
  { action: 'suggest-accept', keys: ['y'], label: 'y', description: 'Accept the next text suggestion (OCR tag on one side), stored at once', group: 'Judge' },
  { action: 'suggest-reject', keys: ['x'], label: 'x', description: 'Reject the next text suggestion', group: 'Judge' },
  { action: 'note', keys: ['n'], label: 'n', description: 'Add a note', group: 'Judge' },
  { action: 'undo', keys: ['u'], label: 'u', description: 'Undo the last verdict', group: 'Judge' },
  { action: 'blind', keys: ['b'], label: 'b', description: 'Blind mode: hide backend names, swap sides at random', group: 'Judge' },
  { action: 'view-split', keys: ['v'], label: 'v', description: 'Side by side: source | A | B', group: 'View' },
  { action: 'view-swipe', keys: ['w'], label: 'w', description: 'Swipe between A and B', group: 'View' },
  { action: 'view-onion', keys: ['o'], label: 'o', description: 'Onion skin (opacity blend)', group: 'View' },
  { action: 'view-toggle', keys: ['g'], label: 'g', description: 'Toggle / strobe A ↔ B', group: 'View' },
  { action: 'view-diff', keys: ['d'], label: 'd', description: 'Diff heatmap A ↔ B', group: 'View' },
  { action: 'view-source', keys: ['c'], label: 'c', description: 'Changes vs source, per backend', group: 'View' },
  { action: 'view-text', keys: ['r'], label: 'r', description: 'Show / hide the text OCR read (boxes on the outputs)', group: 'View' },
  { action: 'fit', keys: ['0', ' '], label: '0 / space', description: 'Fit to view', group: 'View' },
  { action: 'zoom-in', keys: ['+', '='], label: '+', description: 'Zoom in', group: 'View' },
  { action: 'zoom-out', keys: ['-'], label: '−', description: 'Zoom out', group: 'View' },
  { action: 'help', keys: ['?'], label: '?', description: 'This help', group: 'General' },
  { action: 'escape', keys: ['Escape'], label: 'Esc', description: 'Close a dialog / leave the filter', group: 'General' },
];

const BY_KEY = new Map<string, KeyAction>(KEYMAP.flatMap((b) => b.keys.map((k) => [k, b.action] as const)));

/** The action for a key press, ignoring presses with Ctrl/Meta/Alt (browser and OS shortcuts stay theirs). */
export function actionForKey(event: { key: string; ctrlKey: boolean; metaKey: boolean; altKey: boolean }): KeyAction | null {
  if (event.ctrlKey || event.metaKey || event.altKey) return null;
  return BY_KEY.get(event.key) ?? null;
}
