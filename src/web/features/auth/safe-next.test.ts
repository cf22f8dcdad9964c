import { describe, expect, it } from 'vitest';
import { safeNext } from './pages';

describe('safeNext', () => {
  it('follows same-origin paths only', () => {
    expect(safeNext('/sites/1?x=2')).toBe('/sites/1?x=2');
    expect(safeNext(null)).toBe('/');
    expect(safeNext('https://evil.example/')).toBe('/');
    expect(safeNext('//evil.example/')).toBe('/');
    expect(safeNext('/\\evil.example')).toBe('/');
    expect(safeNext('javascript:alert(1)')).toBe('/');
  });
});
