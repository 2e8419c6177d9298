import { describe, expect, it } from 'vitest';
import { KEYMAP } from '../keymap.ts';
import { isTypingTarget, keyActionFor } from './keys.ts';

const plain = { ctrlKey: false, metaKey: false, altKey: false };

describe('key gate', () => {
  it('recognises text fields but not buttons or checkboxes', () => {
    expect(isTypingTarget({ tagName: 'INPUT', type: 'text' })).toBe(true);
    expect(isTypingTarget({ tagName: 'input', type: 'search' })).toBe(true);
    expect(isTypingTarget({ tagName: 'TEXTAREA' })).toBe(true);
    expect(isTypingTarget({ tagName: 'DIV', isContentEditable: true })).toBe(true);
    expect(isTypingTarget({ tagName: 'INPUT', type: 'checkbox' })).toBe(false);
    expect(isTypingTarget({ tagName: 'BUTTON' })).toBe(false);
    expect(isTypingTarget(null)).toBe(false);
  });

  it('fires shortcuts on the page, not while typing, except Escape', () => {
    expect(keyActionFor({ ...plain, key: 'j', target: { tagName: 'BODY' } })).toBe('next');
    expect(keyActionFor({ ...plain, key: 'j', target: { tagName: 'INPUT', type: 'text' } })).toBeNull();
    expect(keyActionFor({ ...plain, key: '1', target: { tagName: 'TEXTAREA' } })).toBeNull();
    expect(keyActionFor({ ...plain, key: 'Escape', target: { tagName: 'TEXTAREA' } })).toBe('escape');
  });

  it('leaves Ctrl/Meta/Alt combinations to the browser and OS', () => {
    expect(keyActionFor({ ...plain, ctrlKey: true, key: 'j', target: null })).toBeNull();
    expect(keyActionFor({ ...plain, metaKey: true, key: 'u', target: null })).toBeNull();
    expect(keyActionFor({ ...plain, altKey: true, key: '1', target: null })).toBeNull();
  });

  it('gives every key of the keymap exactly one action', () => {
    const seen = new Map<string, string>();
    for (const b of KEYMAP) {
      for (const k of b.keys) {
        expect(seen.has(k), `key ${k} bound twice`).toBe(false);
        seen.set(k, b.action);
        expect(keyActionFor({ ...plain, key: k, target: null })).toBe(b.action);
      }
    }
  });
});
