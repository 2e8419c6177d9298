import { describe, expect, it } from 'vitest';
import { quotedSpans } from './expected-text.ts';

describe('quotedSpans', () => {
  it('finds ASCII and typographic double quotes in order', () => {
    expect(quotedSpans('Add a sign reading "GRAND OPENING" and a banner “SALE 50%”')).toEqual(['GRAND OPENING', 'SALE 50%']);
  });
  it('finds CJK corner brackets and curly single quotes', () => {
    expect(quotedSpans('在门上写「新年快乐」，下面写‘万事如意’')).toEqual(['新年快乐', '万事如意']);
  });
  it('takes single-quoted spans only at word boundaries', () => {
    expect(quotedSpans("Write 'OPEN' on the door, don't change the sky")).toEqual(['OPEN']);
    expect(quotedSpans("Rock 'n' roll poster")).toEqual([]);
  });
  it('returns nothing for prompts without quotes', () => {
    expect(quotedSpans('Make it look like a watercolor painting')).toEqual([]);
  });
});
