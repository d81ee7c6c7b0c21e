import { StrictMode, useMemo } from 'react';
import { createRoot } from 'react-dom/client';
import { BrowserRouter } from 'react-router';
import { Provider } from 'urql';
import { App } from './App';
import { createApiClient } from './api/client';
import { clearSession, getToken, useSession } from './auth/session';
import { LangProvider } from './i18n';
import { ConfigContext, loadConfig } from './lib/config';
import type { AppConfig } from './lib/config';
import './styles/base.css';

function expired(): void {
  clearSession();
  if (window.location.pathname !== '/logga-in') window.location.assign('/logga-in?orsak=utgangen');
}

function Root({ config }: { config: AppConfig }) {
  const session = useSession();
  // A new client per session: nothing one identity read stays in the cache for the next.
  const client = useMemo(
    () => createApiClient({ url: config.apiUrl, getToken, onUnauthenticated: expired }),
    [config.apiUrl, session?.token],
  );
  return (
    <ConfigContext.Provider value={config}>
      <Provider value={client}>
        <LangProvider>
          <BrowserRouter>
            <App />
          </BrowserRouter>
        </LangProvider>
      </Provider>
    </ConfigContext.Provider>
  );
}

const container = document.getElementById('root');
if (!container) throw new Error('index.html has no #root');
const root = createRoot(container);

loadConfig()
  .then((config) => {
    root.render(
      <StrictMode>
        <Root config={config} />
      </StrictMode>,
    );
  })
  .catch((error: unknown) => {
    // Before React and the texts: a plain bilingual notice, no response body.
    console.error('config.json failed', error instanceof Error ? error.message : error);
    const notice = document.createElement('main');
    notice.setAttribute('role', 'alert');
    notice.innerHTML =
      '<h1>Kunde inte starta vsm-webben</h1><p>Ladda om sidan. <span lang="en">Could not start the vsm web app; reload the page.</span></p>';
    container.replaceChildren(notice);
  });
