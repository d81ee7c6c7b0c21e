import { describe, expect, it } from 'vitest';
import { CALLBACK_PATH, oidcSettings } from './oidc';

class MemoryStorage implements Storage {
  private items = new Map<string, string>();
  get length(): number {
    return this.items.size;
  }
  clear(): void {
    this.items.clear();
  }
  getItem(key: string): string | null {
    return this.items.get(key) ?? null;
  }
  key(index: number): string | null {
    return [...this.items.keys()][index] ?? null;
  }
  removeItem(key: string): void {
    this.items.delete(key);
  }
  setItem(key: string, value: string): void {
    this.items.set(key, value);
  }
}

const auth = { authority: 'https://login.halmstad.example/realms/vsm', clientId: 'vsm-web', scope: 'api://vsm/access' };

describe('oidcSettings', () => {
  it('asks for the authorization code flow with the API scope and the app callback', () => {
    const settings = oidcSettings(auth, 'https://vsm.halmstad.example', new MemoryStorage());
    expect(settings).toMatchObject({
      authority: 'https://login.halmstad.example/realms/vsm',
      client_id: 'vsm-web',
      redirect_uri: 'https://vsm.halmstad.example/inloggning/klar',
      post_logout_redirect_uri: 'https://vsm.halmstad.example/utloggad',
      response_type: 'code',
      scope: 'openid profile api://vsm/access',
      automaticSilentRenew: true,
    });
    expect(CALLBACK_PATH).toBe('/inloggning/klar');
  });

  it('keeps the user and the PKCE state in the storage it is given (sessionStorage in the app)', async () => {
    const store = new MemoryStorage();
    const settings = oidcSettings(auth, 'https://vsm.halmstad.example', store);
    await settings.userStore?.set('user', 'u');
    await settings.stateStore?.set('state', 's');
    expect(store.length).toBe(2);
    expect(await settings.userStore?.get('user')).toBe('u');
  });
});
