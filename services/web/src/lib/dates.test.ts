import { describe, expect, it } from 'vitest';
import { compareIsoDates, formatDate, formatDateTime, isIsoDate } from './dates';

describe('dates', () => {
  it('formats a Date scalar as that calendar day in any time zone', () => {
    // Midnight UTC is still the previous day in New York: formatting must not follow the host's zone.
    const before = process.env.TZ;
    process.env.TZ = 'America/New_York';
    try {
      expect(formatDate('2020-03-01', 'sv')).toBe('1 mars 2020');
      expect(formatDate('2026-12-31', 'en')).toBe('31 December 2026');
    } finally {
      process.env.TZ = before;
    }
  });

  it('refuses what is not a date', () => {
    expect(() => formatDate('2020-3-1', 'sv')).toThrow(RangeError);
  });

  it('checks calendar dates', () => {
    expect(isIsoDate('2024-02-29')).toBe(true);
    expect(isIsoDate('2026-02-29')).toBe(false);
    expect(isIsoDate('2026-13-01')).toBe(false);
    expect(isIsoDate('26-01-01')).toBe(false);
  });

  it('formats an instant in the municipality time zone', () => {
    // 22:30 UTC on 30 June is already 1 July in Stockholm (summer time, +2).
    expect(formatDateTime('2026-06-30T22:30:00Z', 'Europe/Stockholm', 'sv')).toMatch(/^1 juli 2026 (kl\. )?00:30$/);
  });

  it('orders dates', () => {
    expect(['2026-01-02', '2025-12-31', '2026-01-01'].sort(compareIsoDates)).toEqual([
      '2025-12-31',
      '2026-01-01',
      '2026-01-02',
    ]);
  });
});
