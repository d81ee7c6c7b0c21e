// The wheel is a picture of the table beside it (aria-hidden): the months round the year and a ring per
// phase. Everything it shows is in the tables, in words.
import type { Arc, PhaseRow } from './cycles';
import { phaseArcs } from './cycles';
import styles from './year-wheel.module.css';

const MONTHS_SV = ['jan', 'feb', 'mar', 'apr', 'maj', 'jun', 'jul', 'aug', 'sep', 'okt', 'nov', 'dec'];
const MONTHS_EN = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const SIZE = 320;
const CENTRE = SIZE / 2;

function point(radius: number, fraction: number): [number, number] {
  const angle = fraction * 2 * Math.PI - Math.PI / 2;
  return [CENTRE + radius * Math.cos(angle), CENTRE + radius * Math.sin(angle)];
}

function arcPath(radius: number, arc: Arc): string {
  if (arc.whole) {
    return `M ${CENTRE - radius} ${CENTRE} a ${radius} ${radius} 0 1 0 ${2 * radius} 0 a ${radius} ${radius} 0 1 0 ${-2 * radius} 0`;
  }
  const span = (((arc.to - arc.from) % 1) + 1) % 1;
  const [x1, y1] = point(radius, arc.from);
  const [x2, y2] = point(radius, arc.from + span);
  return `M ${x1} ${y1} A ${radius} ${radius} 0 ${span > 0.5 ? 1 : 0} 1 ${x2} ${y2}`;
}

export function Wheel({ phases, lang }: { phases: readonly PhaseRow[]; lang: 'sv' | 'en' }) {
  const arcs = phaseArcs(phases);
  const state = new Map(phases.map((p) => [p.kind, p]));
  const months = lang === 'sv' ? MONTHS_SV : MONTHS_EN;
  const ring = (i: number) => 118 - i * 13;
  return (
    <svg
      className={styles.wheel}
      viewBox={`0 0 ${SIZE} ${SIZE}`}
      aria-hidden="true"
      focusable="false"
      data-testid="arshjul-hjul"
    >
      <circle cx={CENTRE} cy={CENTRE} r={134} className={styles.wheelRim} />
      {months.map((name, i) => {
        const [x1, y1] = point(128, i / 12);
        const [x2, y2] = point(140, i / 12);
        const [tx, ty] = point(150, (i + 0.5) / 12);
        return (
          <g key={name}>
            <line x1={x1} y1={y1} x2={x2} y2={y2} className={styles.wheelTick} />
            <text x={tx} y={ty} className={styles.wheelMonth} textAnchor="middle" dominantBaseline="middle">
              {name}
            </text>
          </g>
        );
      })}
      {arcs.map((arc, i) => {
        const phase = state.get(arc.kind);
        const look = phase?.overdue
          ? styles.arcOverdue
          : phase?.state === 'DONE'
            ? styles.arcDone
            : phase?.state === 'OPEN'
              ? styles.arcOpen
              : styles.arcPlanned;
        return <path key={arc.kind} d={arcPath(ring(i), arc)} className={`${styles.arc} ${look}`} />;
      })}
    </svg>
  );
}
