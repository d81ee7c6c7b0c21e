// Sign-in (/logga-in, design section 4): in development a chooser of role and then organisation or
// medarbetarreferens, with tokens from the stack's dev issuer; in production "Logga in med kommunens
// konto" (OIDC code + PKCE). Also the OIDC callback (/inloggning/klar) and the signed-out page (/utloggad).
import { useEffect, useState } from 'react';
import { Link, Navigate, useLocation, useNavigate, useSearchParams } from 'react-router';
import { completeOidcSignIn, startOidcSignIn } from '../../auth/oidc';
import type { OidcAuth } from '../../auth/oidc';
import { useTexts } from '../../i18n';
import { en, sv } from '../../i18n/sign-in';
import { PageHeading } from '../../layout/PageHeading';
import { useConfig } from '../../lib/config';
import { DevChooser } from './DevChooser';
import { safeReturnPath } from './returnPath';
import styles from './sign-in.module.css';

export default function SignIn() {
  const { pathname } = useLocation();
  if (pathname === '/utloggad') return <SignedOut />;
  if (pathname === '/inloggning/klar') return <OidcCallback />;
  return <SignInPage />;
}

function SignInPage() {
  const t = useTexts({ sv, en });
  const config = useConfig();
  const [params] = useSearchParams();
  const returnTo = safeReturnPath(params.get('tillbaka'));
  return (
    <div className={styles.page}>
      <PageHeading>{t.title}</PageHeading>
      {params.get('orsak') === 'utgangen' ? (
        <p role="status" className={styles.notice}>
          {t.expired}
        </p>
      ) : null}
      {config.auth.mode === 'oidc' ? (
        <OidcSignIn auth={config.auth} returnTo={returnTo} />
      ) : (
        <DevChooser returnTo={returnTo} />
      )}
    </div>
  );
}

function OidcSignIn({ auth, returnTo }: { auth: OidcAuth; returnTo: string }) {
  const t = useTexts({ sv, en });
  const [failed, setFailed] = useState(false);
  return (
    <>
      <p>{t.oidcIntro}</p>
      <button
        type="button"
        className="primary"
        onClick={() => {
          setFailed(false);
          startOidcSignIn(auth, returnTo).catch(() => setFailed(true));
        }}
      >
        {t.oidcSubmit}
      </button>
      {failed ? (
        <p role="alert" className={styles.failure}>
          {t.completeFailed}
        </p>
      ) : null}
    </>
  );
}

// The code can be traded once: React's development double effects must not trade it twice.
let callback: Promise<string> | null = null;

function OidcCallback() {
  const t = useTexts({ sv, en });
  const config = useConfig();
  const navigate = useNavigate();
  const [failed, setFailed] = useState(false);
  const auth = config.auth.mode === 'oidc' ? config.auth : null;
  useEffect(() => {
    if (!auth) return;
    callback ??= completeOidcSignIn(auth);
    let active = true;
    callback.then(
      (to) => {
        if (active) navigate(to, { replace: true });
      },
      () => {
        callback = null;
        if (active) setFailed(true);
      },
    );
    return () => {
      active = false;
    };
  }, [auth, navigate]);
  if (!auth) return <Navigate to="/logga-in" replace />;
  return (
    <div className={styles.page}>
      <PageHeading>{t.title}</PageHeading>
      {failed ? (
        <p role="alert" className={styles.failure}>
          {t.completeFailed} <Link to="/logga-in">{t.signInAgain}</Link>
        </p>
      ) : (
        <p role="status">{t.completing}</p>
      )}
    </div>
  );
}

function SignedOut() {
  const t = useTexts({ sv, en });
  return (
    <div className={styles.page}>
      <PageHeading>{t.signedOutTitle}</PageHeading>
      <p>{t.signedOutBody}</p>
      <p>
        <Link to="/logga-in">{t.signInAgain}</Link>
      </p>
    </div>
  );
}
