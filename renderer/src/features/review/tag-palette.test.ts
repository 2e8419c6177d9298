import { describe, expect, it } from 'vitest';
import { TAGS } from '../../../../shared/model.ts';
import { tagOptions } from './tag-palette.tsx';

describe('tagOptions', () => {
  it('lists the whole taxonomy for an empty query', () => {
    expect(tagOptions('', [])).toEqual([...TAGS]);
  });

  it('filters by every typed word, across the family dot', () => {
    expect(tagOptions('miss', [])).toEqual(['text.misspelled', 'text.missing']);
    expect(tagOptions('text miss', [])).toEqual(['text.misspelled', 'text.missing']);
    expect(tagOptions('edit.wrong', [])).toEqual(['edit.wrong_region']);
    expect(tagOptions('nothing-like-it', [])).toEqual([]);
  });

  it('offers a new artifact.* tag when typed in full, and keeps selected custom tags listed', () => {
    expect(tagOptions('artifact.moire', [])).toEqual(['artifact.moire']);
    expect(tagOptions('artifact.blur', [])).toEqual(['artifact.blur']);
    expect(tagOptions('moire', ['artifact.moire'])).toEqual(['artifact.moire']);
    expect(tagOptions('text.new', [])).toEqual([]);
  });
});
