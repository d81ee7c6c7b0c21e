// Shared by the årshjul and direktiv views (both this slice's).
import { useEffect } from 'react';

/** document.title for the view: "<heading> – vsm", so a screen reader announces where navigation led. */
export function usePageTitle(heading: string): void {
  useEffect(() => {
    document.title = `${heading} – vsm`;
  }, [heading]);
}
