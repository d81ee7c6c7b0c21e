import type { ReactNode } from 'react';
import { Link } from 'react-router';
import type { GoalTreeTexts } from '../../i18n/goal-tree';
import styles from './GoalTree.module.css';
import { type GoalStructure, nodeKey, type TreeGoal } from './tree';

interface TreeProps {
  structure: GoalStructure;
  expanded: ReadonlySet<string>;
  onToggle: (key: string) => void;
  onChoose: () => void;
  selectedId: string | null;
  hrefOf: (goalId: string) => string;
  t: GoalTreeTexts;
}

/** Every node key that has children, to expand the whole structure at once. */
export function allKeys(structure: GoalStructure, roots: readonly TreeGoal[]): string[] {
  const keys: string[] = [];
  const walk = (goal: TreeGoal, path: string[]): void => {
    const children = structure.childrenOf(goal.id);
    if (children.length === 0) return;
    keys.push(nodeKey(path));
    for (const child of children) walk(child, [...path, child.id]);
  };
  for (const root of roots) walk(root, [root.id]);
  return keys;
}

export function GoalList({ goals, path, ...props }: TreeProps & { goals: readonly TreeGoal[]; path: readonly string[] }): ReactNode {
  return (
    <ul className={styles.tree}>
      {goals.map((goal) => (
        <GoalNode key={goal.id} goal={goal} path={[...path, goal.id]} {...props} />
      ))}
    </ul>
  );
}

function GoalNode({ goal, path, ...props }: TreeProps & { goal: TreeGoal; path: readonly string[] }): ReactNode {
  const { structure, expanded, onToggle, onChoose, selectedId, hrefOf, t } = props;
  const children = structure.childrenOf(goal.id);
  const key = nodeKey(path);
  const open = expanded.has(key);
  const selected = goal.id === selectedId;
  return (
    <li className={styles.node} data-goal-id={goal.id} data-level={goal.level}>
      <div className={selected ? `${styles.row} ${styles.selected}` : styles.row}>
        {children.length > 0 ? (
          <button
            type="button"
            className={styles.toggle}
            aria-expanded={open}
            aria-controls={`${key}-under`}
            aria-label={t.toggleChildren(goal.title, children.length)}
            onClick={() => onToggle(key)}
          >
            <span aria-hidden="true" className={open ? styles.chevronOpen : styles.chevron}>
              ▸
            </span>
            <span>{children.length}</span>
          </button>
        ) : (
          <span className={styles.leaf} aria-hidden="true" />
        )}
        <span className={styles.text}>
          <span className={styles.level}>{t.levels[goal.level]}</span>
          <Link to={hrefOf(goal.id)} onClick={onChoose} className={styles.title} aria-current={selected ? 'true' : undefined} lang="sv">
            {goal.title}
          </Link>
          {goal.organizations.length > 0 && (
            <span className={styles.orgs}>
              {goal.organizations.map((o) => (
                <abbr key={o.code} title={o.name}>
                  {o.code}
                </abbr>
              ))}
            </span>
          )}
        </span>
      </div>
      {children.length > 0 && (
        <div id={`${key}-under`} hidden={!open}>
          <GoalList goals={children} path={path} {...props} />
        </div>
      )}
    </li>
  );
}
