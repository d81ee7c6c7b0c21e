import { describe, expect, it } from 'vitest';
import { parseTokenAnswer } from './dev';

describe('parseTokenAnswer', () => {
  it('takes the token of a 200', () => {
    expect(parseTokenAnswer(200, { access_token: 'abc', token_type: 'Bearer', expires_in: 28800 })).toEqual({
      ok: true,
      token: 'abc',
      expiresIn: 28800,
    });
  });

  it('names the refused field of a 400', () => {
    const answer = { error: 'invalid_request', error_description: 'role committee needs an organisation', field: 'org' };
    expect(parseTokenAnswer(400, answer)).toEqual({
      ok: false,
      refusal: { field: 'org', description: 'role committee needs an organisation' },
    });
  });

  it('fails on anything else (the endpoint missing outside development)', () => {
    expect(() => parseTokenAnswer(404, null)).toThrow('HTTP 404');
    expect(() => parseTokenAnswer(400, { field: 'password' })).toThrow('HTTP 400');
    expect(() => parseTokenAnswer(200, { access_token: '' })).toThrow('HTTP 200');
  });
});
