// Vision and målstruktur as in force on any date (design section 6.1): /mal?per=YYYY-MM-DD&mal=<goal id>.
import { type ReactNode, useCallback, useMemo, useState } from 'react';
import { useSearchParams } from 'react-router';
import { useQuery } from 'urql';
import { ViewProblems } from '../../api/notices';
import type { Problem } from '../../api/problems';
import { useLang, useTexts } from '../../i18n';
import { en, sv } from '../../i18n/goal-tree';
import { PageHeading } from '../../layout/PageHeading';
import { formatDate as formatIsoDate, isIsoDate } from '../../lib/dates';
import { GoalDetail } from './GoalDetail';
import { allKeys, GoalList } from './GoalTree';
import styles from './GoalTree.module.css';
import { visionAndThemesQuery } from './operations';
import { DateProblems, fieldProblems } from './problems';
import { joinStructure, type TreeGoal } from './tree';
import { useGoalStructure } from './useGoalStructure';

const DATE_FIELD = 'mal-per';

export default function GoalTreeView(): ReactNode {
  const t = useTexts({ sv, en });
  const lang = useLang();
  const formatDate = useCallback((iso: string) => formatIsoDate(iso, lang), [lang]);
  const [params, setParams] = useSearchParams();
  const perParam = params.get('per');
  // A date that is no calendar date (a hand-edited link) is refused here; any real date goes to the API,
  // whose own limits (date.range) are shown at the picker.
  const badDate = perParam !== null && perParam !== '' && !isIsoDate(perParam);
  const asOf = perParam && !badDate ? perParam : null;
  const selectedId = params.get('mal');

  const [vision, reexecuteVision] = useQuery({ query: visionAndThemesQuery, requestPolicy: 'cache-and-network' });
  const levels = useGoalStructure(asOf);
  const themes = useMemo(() => vision.data?.vision?.themes ?? [], [vision.data]);
  // Joined once the themes are known too, so no övergripande mål flashes by as "without a theme".
  const visionSettled = vision.data !== undefined || vision.error !== undefined;
  const structure = useMemo(
    () => (levels.goals && visionSettled ? joinStructure(levels.goals, themes.map((th) => th.id)) : null),
    [levels.goals, themes, visionSettled],
  );

  const [expanded, setExpanded] = useState<ReadonlySet<string>>(new Set());
  const toggle = useCallback((key: string) => {
    setExpanded((prev) => {
      const next = new Set(prev);
      if (next.has(key)) next.delete(key);
      else next.add(key);
      return next;
    });
  }, []);

  // A goal chosen in the tree gets focus in the panel; one opened from a link or reload, or kept while the
  // date changes, does not (focus stays where the user is).
  const [chosenHere, setChosenHere] = useState(false);
  const setParam = (name: 'per' | 'mal', value: string | null): void => {
    if (name === 'per') setChosenHere(false);
    setParams((prev) => {
      const next = new URLSearchParams(prev);
      if (value) next.set(name, value);
      else next.delete(name);
      return next;
    });
  };
  const hrefOf = (goalId: string): string => {
    const next = new URLSearchParams(params);
    next.set('mal', goalId);
    return `?${next.toString()}`;
  };

  const dateProblems: Problem[] = badDate
    ? [{ kind: 'field', code: 'BAD_USER_INPUT', field: 'asOf', rule: 'date.format', message: '' }]
    : levels.error
      ? fieldProblems(levels.error, 'asOf')
      : [];
  const roots: TreeGoal[] = structure
    ? [
        ...themes.flatMap((th) => structure.byTheme.get(th.id) ?? []),
        ...structure.withoutTheme,
        ...structure.withoutParent,
      ]
    : [];
  const listProps = structure
    ? { structure, expanded, onToggle: toggle, onChoose: () => setChosenHere(true), selectedId, hrefOf, t }
    : null;
  const theVision = vision.data?.vision;

  return (
    <div className={styles.view}>
      <div className={styles.main}>
        <PageHeading>{t.heading}</PageHeading>

        <div className={styles.datePicker}>
          <label htmlFor={DATE_FIELD}>{t.datePicker}</label>
          <div className={styles.dateRow}>
            <input
              id={DATE_FIELD}
              type="date"
              value={perParam ?? ''}
              onChange={(e) => setParam('per', e.target.value || null)}
              aria-describedby={`${DATE_FIELD}-hint${dateProblems.length > 0 ? ` ${DATE_FIELD}-fel` : ''}`}
              aria-invalid={dateProblems.length > 0 ? true : undefined}
            />
            {perParam && (
              <button type="button" className={styles.secondary} onClick={() => setParam('per', null)}>
                {t.showToday}
              </button>
            )}
          </div>
          <p id={`${DATE_FIELD}-hint`} className={styles.hint}>
            {t.dateHint}
          </p>
          {dateProblems.length > 0 && (
            <DateProblems id={`${DATE_FIELD}-fel`} problems={dateProblems} rules={t.rules} />
          )}
        </div>

        <section aria-labelledby="vision-rubrik" className={styles.vision}>
          {theVision ? (
            <>
              <h2 id="vision-rubrik" lang="sv">
                {theVision.title}
              </h2>
              <p className={styles.meta}>
                {t.horizon(theVision.horizonYear)}
                {theVision.adopted &&
                  ` · ${t.visionAdopted} ${formatDate(theVision.adopted.date)}, ${theVision.adopted.body.name}${
                    theVision.adopted.paragraph ? ` ${theVision.adopted.paragraph}` : ''
                  }`}
              </p>
              <details className={styles.values}>
                <summary>{t.valuesHeading}</summary>
                <ul lang="sv">
                  {theVision.values.map((v) => (
                    <li key={v}>{v}</li>
                  ))}
                </ul>
              </details>
            </>
          ) : (
            <>
              <h2 id="vision-rubrik">{t.visionHeading}</h2>
              {vision.error ? (
                <ViewProblems
                  error={vision.error}
                  onRetry={() => reexecuteVision({ requestPolicy: 'network-only' })}
                />
              ) : vision.data ? (
                <p>{t.noVision}</p>
              ) : (
                <p role="status">{t.loading}</p>
              )}
            </>
          )}
        </section>

        <section aria-labelledby="struktur-rubrik" className={styles.structure}>
          <div className={styles.structureHead}>
            <h2 id="struktur-rubrik">{t.structureHeading}</h2>
            {structure && structure.size > 0 && (
              <div className={styles.actions}>
                <button
                  type="button"
                  className={styles.secondary}
                  onClick={() => setExpanded(new Set(allKeys(structure, roots)))}
                >
                  {t.expandAll}
                </button>
                <button type="button" className={styles.secondary} onClick={() => setExpanded(new Set())}>
                  {t.collapseAll}
                </button>
              </div>
            )}
          </div>
          <p role="status" className={styles.meta} data-testid="struktur-status">
            {levels.fetching || (levels.goals && !structure)
              ? t.loading
              : structure
                ? `${asOf ? t.shownOn(formatDate(asOf)) : t.shownToday} ${t.goalCount(structure.size)}.`
                : ''}
          </p>
          {levels.error && dateProblems.length === 0 && <ViewProblems error={levels.error} onRetry={levels.retry} />}
          {structure && structure.size === 0 && <p>{asOf ? t.noGoals : t.noGoalsToday}</p>}
          {structure &&
            listProps &&
            structure.size > 0 &&
            themes.map((th) => {
              const goals = structure.byTheme.get(th.id) ?? [];
              return (
                <section key={th.id} aria-labelledby={`tema-${th.id}`} className={styles.theme}>
                  <h3 id={`tema-${th.id}`} lang="sv">
                    {th.name}
                  </h3>
                  <p className={styles.statement} lang="sv">
                    {th.statement}
                  </p>
                  {goals.length === 0 ? (
                    <p className={styles.meta}>{t.noGoalsInTheme}</p>
                  ) : (
                    <GoalList goals={goals} path={[]} {...listProps} />
                  )}
                </section>
              );
            })}
          {structure && listProps && structure.withoutTheme.length > 0 && (
            <section aria-labelledby="utan-tema" className={styles.theme}>
              <h3 id="utan-tema">{t.withoutTheme}</h3>
              <GoalList goals={structure.withoutTheme} path={[]} {...listProps} />
            </section>
          )}
          {structure && listProps && structure.withoutParent.length > 0 && (
            <section aria-labelledby="utan-overordnat" className={styles.theme}>
              <h3 id="utan-overordnat">{t.withoutParent}</h3>
              <p className={styles.meta}>{t.withoutParentHint}</p>
              <GoalList goals={structure.withoutParent} path={[]} {...listProps} />
            </section>
          )}
        </section>
      </div>

      <div className={styles.side}>
        {selectedId ? (
          <GoalDetail key={selectedId} id={selectedId} asOf={asOf} t={t} formatDate={formatDate} focusOnLoad={chosenHere} />
        ) : (
          <section className={styles.detail} aria-labelledby="mal-detalj-rubrik">
            <h2 id="mal-detalj-rubrik">{t.detailHeading}</h2>
            <p>{t.chooseGoal}</p>
          </section>
        )}
      </div>
    </div>
  );
}
