import { describe, expect, it } from 'vitest';
import { safeReturnPath } from './returnPath';

describe('safeReturnPath', () => {
  it('follows a path of the app', () => {
    expect(safeReturnPath('/uppfoljning/BUN?period=Delår 2026')).toBe('/uppfoljning/BUN?period=Delår 2026');
    expect(safeReturnPath('/medarbetarmal')).toBe('/medarbetarmal');
  });

  it('goes home for anything that could leave the app', () => {
    for (const value of [null, '', 'https://evil.example/', '//evil.example/x', '/\\evil.example', 'mal']) {
      expect(safeReturnPath(value)).toBe('/');
    }
  });
});
