import { UserManager, WebStorageStateStore } from 'oidc-client-ts';
import type { UserManagerSettings } from 'oidc-client-ts';
import { onSignOut, setSession } from './session';

// Production sign-in: OIDC authorization code with PKCE (S256, automatic for response_type "code"). The
// access token is the API's (audience vsm, roles in vsm_roles); the app keeps it opaque and asks the API
// who the caller is (Query.viewer).

export interface OidcAuth {
  authority: string;
  clientId: string;
  /** The API's scope, as the provider issues it for the audience the front door checks. */
  scope: string;
}

export const CALLBACK_PATH = '/inloggning/klar';
export const SIGNED_OUT_PATH = '/utloggad';

export function oidcSettings(auth: OidcAuth, origin: string, store: Storage): UserManagerSettings {
  return {
    authority: auth.authority,
    client_id: auth.clientId,
    redirect_uri: origin + CALLBACK_PATH,
    post_logout_redirect_uri: origin + SIGNED_OUT_PATH,
    response_type: 'code',
    scope: `openid profile ${auth.scope}`,
    // This tab only, as the development session: nothing outlives the tab in localStorage.
    userStore: new WebStorageStateStore({ store }),
    stateStore: new WebStorageStateStore({ store }),
    automaticSilentRenew: true,
  };
}

let manager: UserManager | null = null;

function userManager(auth: OidcAuth): UserManager {
  if (manager === null) {
    manager = new UserManager(oidcSettings(auth, window.location.origin, window.sessionStorage));
    const current = manager;
    // A renewed token replaces the session's, so the API keeps accepting the tab.
    current.events.addUserLoaded((user) => {
      setSession({ token: user.access_token, mode: 'oidc', expiresAt: user.expires_at });
    });
    onSignOut(async (session) => {
      if (session.mode === 'oidc') await current.signoutRedirect();
    });
  }
  return manager;
}

/** "Logga in med kommunens konto": off to the provider; `returnTo` is where the callback lands. */
export async function startOidcSignIn(auth: OidcAuth, returnTo: string): Promise<void> {
  await userManager(auth).signinRedirect({ state: { returnTo } });
}

/** The callback route: trades the code for tokens, keeps the access token, says where to go. */
export async function completeOidcSignIn(auth: OidcAuth): Promise<string> {
  const user = await userManager(auth).signinRedirectCallback();
  setSession({ token: user.access_token, mode: 'oidc', expiresAt: user.expires_at });
  const state = user.state as { returnTo?: unknown } | undefined;
  const returnTo = typeof state?.returnTo === 'string' ? state.returnTo : '/';
  // Only paths of this app: a crafted state must not send the user elsewhere.
  return returnTo.startsWith('/') && !returnTo.startsWith('//') ? returnTo : '/';
}
