import { describe, expect, it } from 'vitest';
import { formatTable } from './table';

describe('formatTable', () => {
  it('pads each column to its widest cell, underlines the headers and trims line ends', () => {
    expect(formatTable(['A', 'LONG'], [['xyz', '1'], ['', '']])).toBe(['A    LONG', '---  ----', 'xyz  1', ''].join('\n'));
  });
});
