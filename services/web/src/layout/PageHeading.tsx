import { useEffect, useRef } from 'react';
import type { ReactNode } from 'react';
import { useLocation } from 'react-router';
import { useTexts } from '../i18n';
import * as common from '../i18n/common';

// The first page the browser loads keeps focus where the browser puts it; every later navigation
// moves focus to the new view's heading, so a screen reader announces where the user arrived.
let initialLoad = true;

/** The one h1 of a view: sets document.title and takes focus after navigation. */
export function PageHeading({
  children,
  title,
  className,
}: {
  children: ReactNode;
  /** The text for document.title when the heading is not plain text. */
  title?: string;
  className?: string;
}) {
  const texts = useTexts(common);
  const ref = useRef<HTMLHeadingElement>(null);
  const location = useLocation();
  const text = title ?? (typeof children === 'string' ? children : '');
  useEffect(() => {
    document.title = text ? `${text} – ${texts.appName}` : texts.appName;
  }, [text, texts.appName]);
  useEffect(() => {
    if (initialLoad) {
      initialLoad = false;
      return;
    }
    ref.current?.focus();
  }, [location.pathname]);
  return (
    <h1 ref={ref} tabIndex={-1} className={className}>
      {children}
    </h1>
  );
}
