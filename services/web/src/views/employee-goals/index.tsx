import { PageHeading } from '../../layout/PageHeading';
import { useTexts } from '../../i18n';
import * as common from '../../i18n/common';

const titles = { sv: 'Medarbetarmål', en: 'Employee goals' };

/** Placeholder until the view's helper replaces src/views/employee-goals/. */
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
