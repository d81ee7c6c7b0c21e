import { PageHeading } from '../../layout/PageHeading';
import { useTexts } from '../../i18n';
import * as common from '../../i18n/common';

const titles = { sv: 'Logga in', en: 'Sign in' };

/** Placeholder until the view's helper replaces src/views/sign-in/. */
export default function Placeholder() {
  const texts = useTexts(common);
  const title = useTexts(titles);
  return (
    <>
      <PageHeading>{title}</PageHeading>
      <p>{texts.placeholder}</p>
    </>
  );
}
