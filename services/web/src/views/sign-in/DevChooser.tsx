import { useEffect, useId, useState } from 'react';
import { useNavigate } from 'react-router';
import { Client, fetchExchange } from 'urql';
import { ApiForm, Field, FieldGroup } from '../../api/forms';
import type { ErrorLike, Problem } from '../../api/problems';
import { ViewProblems } from '../../api/notices';
import type { PersonRole } from '../../auth/abilities';
import { readerToken, signInForDevelopment } from '../../auth/dev';
import type { OrganizationKind, SignInOrganizationsQuery } from '../../gql/graphql';
import { useTexts } from '../../i18n';
import * as common from '../../i18n/common';
import { en, sv } from '../../i18n/sign-in';
import { useConfig } from '../../lib/config';
import { SignInOrganizationsDocument } from './operations';
import styles from './sign-in.module.css';

type Organization = SignInOrganizationsQuery['organizations'][number];

const ROLES: readonly PersonRole[] = ['planner', 'committee', 'manager', 'employee', 'reader'];
// Whom each role can speak for (vsm_org): a committee's nämnd or bolag (KS is a nämnd too), a manager's
// enhet or förvaltning.
const KINDS_OF: Partial<Record<PersonRole, readonly OrganizationKind[]>> = {
  committee: ['COMMITTEE', 'EXECUTIVE_BOARD', 'COMPANY'],
  manager: ['UNIT', 'ADMINISTRATION'],
};

function networkProblem(): Problem {
  return { kind: 'network', code: 'NETWORK', message: '' };
}

/** The public API's organisations, read with a reader's development token (nobody is signed in yet). */
async function loadOrganizations(apiUrl: string): Promise<Organization[]> {
  const token = await readerToken();
  const client = new Client({
    url: apiUrl,
    preferGetMethod: false,
    exchanges: [fetchExchange],
    fetchOptions: { headers: { authorization: `Bearer ${token}`, 'x-graphql-csrf': '1' } },
  });
  const result = await client.query(SignInOrganizationsDocument, {}).toPromise();
  if (result.error) throw result.error;
  return result.data?.organizations ?? [];
}

function isErrorLike(value: unknown): value is ErrorLike {
  return typeof value === 'object' && value !== null && ('graphQLErrors' in value || 'networkError' in value);
}

export function DevChooser({ returnTo }: { returnTo: string }) {
  const t = useTexts({ sv, en });
  const texts = useTexts(common);
  const config = useConfig();
  const navigate = useNavigate();
  const hintPrefix = useId();
  const [role, setRole] = useState<PersonRole | null>(null);
  const [org, setOrg] = useState('');
  const [sub, setSub] = useState('');
  const [problems, setProblems] = useState<Problem[]>([]);
  const [busy, setBusy] = useState(false);
  const [organizations, setOrganizations] = useState<Organization[] | null>(null);
  const [loadError, setLoadError] = useState<ErrorLike | null>(null);
  const [loadAttempt, setLoadAttempt] = useState(0);

  useEffect(() => {
    let active = true;
    loadOrganizations(config.apiUrl).then(
      (found) => {
        if (active) setOrganizations(found);
      },
      (error: unknown) => {
        if (!active) return;
        setLoadError(isErrorLike(error) ? error : { networkError: new Error('organisations') });
      },
    );
    return () => {
      active = false;
    };
  }, [config.apiUrl, loadAttempt]);

  const kinds = role ? KINDS_OF[role] : undefined;

  async function submit() {
    if (role === null) {
      setProblems([{ kind: 'field', code: 'BAD_USER_INPUT', field: 'role', rule: 'sign-in.role', message: '' }]);
      return;
    }
    setBusy(true);
    try {
      const refusal = await signInForDevelopment({
        role,
        ...(kinds ? { org } : {}),
        ...(role === 'employee' ? { sub } : {}),
      });
      if (refusal === null) {
        navigate(returnTo, { replace: true });
        return;
      }
      setProblems([
        {
          kind: 'field',
          code: 'BAD_USER_INPUT',
          field: refusal.field,
          rule: `sign-in.${refusal.field}`,
          message: refusal.description,
        },
      ]);
    } catch {
      setProblems([networkProblem()]);
    } finally {
      setBusy(false);
    }
  }

  return (
    <>
      <p>{t.intro}</p>
      <ApiForm
        problems={problems}
        rules={t.rules}
        afterMutation={false}
        onSubmit={() => void submit()}
        className={styles.form}
        aria-label={t.title}
      >
        <FieldGroup name="role" legend={t.role}>
          {({ invalid, describedBy }) => (
            <div className={styles.roles}>
              {ROLES.map((option) => {
                const hintId = `${hintPrefix}-${option}`;
                return (
                  <div key={option} className={styles.role}>
                    <input
                      type="radio"
                      id={`${hintPrefix}-role-${option}`}
                      name="role"
                      value={option}
                      checked={role === option}
                      aria-invalid={invalid || undefined}
                      aria-describedby={[hintId, describedBy].filter(Boolean).join(' ')}
                      onChange={() => {
                        setRole(option);
                        setProblems([]);
                      }}
                    />
                    <label htmlFor={`${hintPrefix}-role-${option}`}>
                      <span className={styles.roleName}>{texts.roles[option]}</span>
                      <span id={hintId} className={styles.roleHint}>
                        {t.roleHints[option]}
                      </span>
                    </label>
                  </div>
                );
              })}
            </div>
          )}
        </FieldGroup>

        {kinds ? (
          <Field
            name="org"
            label={t.organization}
            hint={role === 'committee' ? t.organizationHintCommittee : t.organizationHintManager}
          >
            {(controlProps) => (
              <select
                {...controlProps}
                value={org}
                disabled={organizations === null}
                onChange={(event) => setOrg(event.target.value)}
              >
                <option value="">{organizations === null ? t.loadingOrganizations : t.chooseOrganization}</option>
                {kinds.map((kind) => {
                  const ofKind = (organizations ?? []).filter((o) => o.kind === kind);
                  return ofKind.length === 0 ? null : (
                    <optgroup key={kind} label={t.kinds[kind]}>
                      {ofKind.map((o) => (
                        <option key={o.id} value={o.code} lang="sv">
                          {o.name} ({o.code})
                        </option>
                      ))}
                    </optgroup>
                  );
                })}
              </select>
            )}
          </Field>
        ) : null}
        {kinds && loadError ? (
          <ViewProblems
            error={loadError}
            onRetry={() => {
              setLoadError(null);
              setLoadAttempt((n) => n + 1);
            }}
          />
        ) : null}

        {role === 'employee' ? (
          <Field
            name="sub"
            label={t.employeeRef}
            hint={t.employeeRefHint}
            type="text"
            autoComplete="off"
            spellCheck={false}
            value={sub}
            onChange={(event) => setSub(event.target.value)}
          />
        ) : null}

        <button type="submit" className="primary" disabled={busy}>
          {busy ? t.signingIn : t.submit}
        </button>
      </ApiForm>
    </>
  );
}

