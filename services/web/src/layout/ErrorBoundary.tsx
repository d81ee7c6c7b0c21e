import { Component } from 'react';
import type { ErrorInfo, ReactNode } from 'react';
import { useTexts } from '../i18n';
import * as common from '../i18n/common';

function RenderFailed() {
  const texts = useTexts(common);
  return (
    <div role="alert">
      <h1>{texts.errors.renderFailed}</h1>
      <p>{texts.errors.renderFailedHint}</p>
      <button type="button" onClick={() => window.location.reload()}>
        {texts.errors.reload}
      </button>
    </div>
  );
}

/** Catches a view's render failure so the rest of the app (nav, sign-out) keeps working. */
export class ErrorBoundary extends Component<{ children: ReactNode }, { failed: boolean }> {
  override state = { failed: false };

  static getDerivedStateFromError(): { failed: boolean } {
    return { failed: true };
  }

  override componentDidCatch(error: Error, info: ErrorInfo): void {
    // The console only: nothing personal is sent anywhere, and operations see the API side in its logs.
    console.error('view failed to render', error.name, info.componentStack);
  }

  override render(): ReactNode {
    return this.state.failed ? <RenderFailed /> : this.props.children;
  }
}
