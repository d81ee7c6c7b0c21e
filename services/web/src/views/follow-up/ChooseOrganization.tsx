import { useId } from 'react';
import { Link } from 'react-router';
import { useQuery } from 'urql';
import { ViewProblems } from '../../api/forms';
import { useTexts } from '../../i18n';
import * as followUp from '../../i18n/follow-up';
import { PageHeading } from '../../layout/PageHeading';
import { FollowUpOrganizationsDocument } from './operations';

/** /uppfoljning: the nämnder and bolag whose follow-up can be read. */
export function ChooseOrganization() {
  const texts = useTexts(followUp);
  const committeesId = useId();
  const companiesId = useId();
  const [result] = useQuery({ query: FollowUpOrganizationsDocument });
  const groups = [
    { id: committeesId, heading: texts.committees, orgs: result.data?.committees ?? [] },
    { id: companiesId, heading: texts.companies, orgs: result.data?.companies ?? [] },
  ];
  return (
    <>
      <PageHeading>{texts.chooseTitle}</PageHeading>
      <ViewProblems error={result.error} />
      {result.fetching && !result.data ? <p role="status">{texts.loading}</p> : null}
      {result.data
        ? groups.map((group) => (
            <section key={group.id} aria-labelledby={group.id}>
              <h2 id={group.id}>{group.heading}</h2>
              <ul>
                {group.orgs.map((org) => (
                  <li key={org.id}>
                    <Link to={`/uppfoljning/${encodeURIComponent(org.code)}`} lang="sv">
                      {org.name}
                    </Link>
                  </li>
                ))}
              </ul>
            </section>
          ))
        : null}
    </>
  );
}
