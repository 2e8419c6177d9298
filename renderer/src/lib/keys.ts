/**
 * The global key handler's gate: single-letter shortcuts must not fire while the reviewer types a note or a
 * filter (Escape still does, to leave the field), nor with Ctrl/Meta/Alt (see actionForKey).
 */
import { actionForKey, type KeyAction } from '../keymap.ts';

export interface KeyEventLike {
  key: string;
  ctrlKey: boolean;
  metaKey: boolean;
  altKey: boolean;
  target: unknown;
}

/** Input types that take no text: shortcuts stay live when one of these has focus. */
const NON_TEXT_INPUTS = new Set(['button', 'checkbox', 'radio', 'range', 'color', 'file', 'submit', 'reset', 'image']);

export function isTypingTarget(target: unknown): boolean {
  if (target === null || typeof target !== 'object') return false;
  const el = target as { tagName?: unknown; type?: unknown; isContentEditable?: unknown };
  if (el.isContentEditable === true) return true;
  const tag = typeof el.tagName === 'string' ? el.tagName.toUpperCase() : '';
  if (tag === 'TEXTAREA' || tag === 'SELECT') return true;
  if (tag === 'INPUT') {
    const type = typeof el.type === 'string' ? el.type.toLowerCase() : 'text';
    return !NON_TEXT_INPUTS.has(type);
  }
  return false;
}

export function keyActionFor(event: KeyEventLike): KeyAction | null {
  const action = actionForKey(event);
  if (action === null) return null;
  if (isTypingTarget(event.target) && action !== 'escape') return null;
  return action;
}
