import { describe, expect, it } from 'vitest';
import { formatDecimal, formatSek, parseAmount, parseDecimal, sumDecimals, toDecimalString } from './decimal';

describe('decimal', () => {
  it('sums amounts beyond 2^53 exactly', () => {
    const total = sumDecimals(['9007199254740993.01', '0.02', '2950000000.00']);
    expect(toDecimalString(total)).toBe('9007202204740993.03');
  });

  it('keeps negative differences and a cent exact', () => {
    expect(toDecimalString(parseDecimal('-1000000.00') + parseDecimal('0.01'))).toBe('-999999.99');
    expect(toDecimalString(parseDecimal('0.10') - parseDecimal('0.30'))).toBe('-0.2');
  });

  it('refuses what is not a Decimal string', () => {
    expect(() => parseDecimal('1e6')).toThrow(RangeError);
    expect(() => parseDecimal('12,5')).toThrow(RangeError);
    expect(() => parseDecimal('0.0000001')).toThrow(RangeError);
  });

  it.each([
    ['70 000 000', '70000000'],
    ['70000000,50', '70000000.5'],
    ['-1 500', '-1500'],
    ['\u22121\u00a0500', '-1500'],
    ['1\u202f234,5', '1234.5'],
    ['1,234', '1.234'],
    ['+12', '12'],
  ])('reads the typed amount %j as %s', (input, expected) => {
    const value = parseAmount(input);
    expect(value === null ? null : toDecimalString(value)).toBe(expected);
  });

  it.each(['', ' ', 'abc', '1,2,3', '1.000,50', '12kr', '1e3', '--1'])('refuses %j as an amount', (input) => {
    expect(parseAmount(input)).toBeNull();
  });

  it('formats kronor in Swedish from the exact string', () => {
    expect(formatSek('2950000000.00', 'sv').replace(/\s/g, ' ')).toBe('2 950 000 000,00 kr');
    expect(formatSek(parseDecimal('9007199254740993.01'), 'sv').replace(/\s/g, ' ')).toBe(
      '9 007 199 254 740 993,01 kr',
    );
    expect(formatSek('-0.01', 'sv').replace(/\s/g, ' ')).toBe('−0,01 kr');
  });

  it('formats the tax rate with a decimal comma', () => {
    expect(formatDecimal('20.38', 'sv')).toBe('20,38');
    expect(formatDecimal('20.5', 'sv', 2)).toBe('20,50');
    expect(formatDecimal('20.38', 'en')).toBe('20.38');
  });
});
