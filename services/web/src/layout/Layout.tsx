import { Suspense, useEffect, useState } from 'react';
import { NavLink, Outlet, useLocation, useNavigate } from 'react-router';
import { useTexts } from '../i18n';
import * as common from '../i18n/common';
import { abilitiesFor } from '../auth/abilities';
import { signOut, useSession } from '../auth/session';
import { useViewer } from '../auth/useViewer';
import { ErrorBoundary } from './ErrorBoundary';
import { LanguageSwitch } from './LanguageSwitch';
import styles from './Layout.module.css';

function Loading() {
  const texts = useTexts(common);
  return (
    <p role="status" className={styles.loading}>
      {texts.loading}
    </p>
  );
}

/** Header, skip link, nav per role and the main landmark around every view. */
export function Layout() {
  const texts = useTexts(common);
  const session = useSession();
  const { viewer } = useViewer();
  const abilities = abilitiesFor(viewer);
  const location = useLocation();
  const navigate = useNavigate();
  const [menuOpen, setMenuOpen] = useState(false);

  useEffect(() => setMenuOpen(false), [location.pathname]);

  const roleLabel = viewer ? viewer.roles.map((role) => texts.roles[role] ?? role).join(', ') : '';
  const org = viewer?.organization;

  return (
    <div className={styles.shell}>
      <a className={styles.skipLink} href="#main">
        {texts.skipToContent}
      </a>
      <header className={styles.header}>
        <div className={styles.brand}>
          <NavLink to="/" className={styles.brandLink}>
            {texts.appName}
          </NavLink>
        </div>
        {session ? (
          <button
            type="button"
            className={styles.menuButton}
            aria-expanded={menuOpen}
            aria-controls="huvudmeny"
            onClick={() => setMenuOpen((open) => !open)}
          >
            {texts.menu}
          </button>
        ) : null}
        <div className={styles.tools}>
          {session && viewer ? (
            <p className={styles.identity}>
              <span className={styles.identityLabel}>{texts.signedInAs}</span>{' '}
              <span>{roleLabel}</span>
              {org ? (
                <>
                  {', '}
                  <span lang="sv">{org.name}</span> ({org.code})
                </>
              ) : null}
            </p>
          ) : null}
          <LanguageSwitch />
          {session ? (
            <button
              type="button"
              onClick={() => {
                void signOut().then(() => navigate('/logga-in'));
              }}
            >
              {texts.signOut}
            </button>
          ) : null}
        </div>
      </header>
      {session ? (
        <nav
          id="huvudmeny"
          aria-label={texts.mainNav}
          className={[styles.nav, menuOpen ? styles.navOpen : ''].join(' ').trim()}
        >
          <ul>
            {abilities.nav.map((entry) => (
              <li key={entry.key}>
                <NavLink to={entry.to} className={({ isActive }) => (isActive ? styles.active : undefined)}>
                  {texts.nav[entry.key]}
                </NavLink>
              </li>
            ))}
          </ul>
        </nav>
      ) : null}
      <main id="main" tabIndex={-1} className={styles.main}>
        <ErrorBoundary key={location.pathname}>
          <Suspense fallback={<Loading />}>
            <Outlet />
          </Suspense>
        </ErrorBoundary>
      </main>
    </div>
  );
}
