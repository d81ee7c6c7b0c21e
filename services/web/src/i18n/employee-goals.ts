// Texts of the medarbetarmål view (/medarbetarmal). Swedish is the source; English is typed from it, so a
// text missing in English fails tsc. Enum labels are Records over the generated enums.
import type { GoalState } from '../gql/graphql';

const states: Record<GoalState, string> = {
  DRAFT: 'Utkast',
  ADOPTED: 'Antaget',
  RETIRED: 'Avvecklat',
};

export const sv = {
  title: 'Medarbetarmål',
  ownTitle: 'Mina medarbetarmål',
  unitTitle: (unit: string) => `Medarbetarmål för ${unit}`,
  intro:
    'Medarbetarmålen kommer från HR-systemet och ändras där. Varje gång de visas loggas vem som läste, när och varför.',
  unit: 'Enhet',
  unitHint: 'Enhetens kod, till exempel BUF-CENTRUM.',
  show: 'Visa',
  noUnit: (code: string) => `Det finns ingen enhet med koden ${code}.`,
  loading: 'Hämtar medarbetarmål…',
  count: (shown: number, total: number) =>
    shown === total ? `${total} medarbetarmål` : `${shown} av ${total} medarbetarmål visas`,
  none: 'Det finns inga medarbetarmål att visa.',
  more: 'Visa fler',
  goalsCaption: 'Medarbetarmål',
  columns: {
    title: 'Medarbetarmål',
    operationalGoal: 'Bidrar till verksamhetsmål',
    unit: 'Enhet',
    employee: 'Medarbetarreferens',
    state: 'Status',
    source: 'Källa',
  },
  states,
  accessLogTitle: 'Vem har läst mina mål',
  accessLogIntro: 'Registerutdraget: varje läsning av dina medarbetarmål, den senaste först. Också den här visningen finns med.',
  accessLogLoading: 'Hämtar registerutdraget…',
  accessLogCaption: 'Läsningar av mina medarbetarmål',
  accessColumns: {
    accessedAt: 'Tidpunkt',
    actor: 'Vem',
    purpose: 'Ändamål',
    operation: 'Typ',
    goalCount: 'Antal mål',
  },
  operations: { read: 'Läsning', export: 'Registerutdrag' } as Record<string, string>,
  rules: {
    'employee_goals.unit_unknown': 'Det finns ingen enhet med den koden.',
  } as Record<string, string>,
};

export type EmployeeGoalsTexts = typeof sv;

export const en: EmployeeGoalsTexts = {
  title: 'Employee goals',
  ownTitle: 'My employee goals',
  unitTitle: (unit: string) => `Employee goals of ${unit}`,
  intro:
    'Employee goals come from the HR system and are changed there. Each time they are shown, who read them, when and why is logged.',
  unit: 'Unit',
  unitHint: 'The unit’s code, for example BUF-CENTRUM.',
  show: 'Show',
  noUnit: (code: string) => `There is no unit with the code ${code}.`,
  loading: 'Loading employee goals…',
  count: (shown: number, total: number) =>
    shown === total ? `${total} employee goals` : `${shown} of ${total} employee goals shown`,
  none: 'There are no employee goals to show.',
  more: 'Show more',
  goalsCaption: 'Employee goals',
  columns: {
    title: 'Employee goal',
    operationalGoal: 'Contributes to operational goal',
    unit: 'Unit',
    employee: 'Employee reference',
    state: 'State',
    source: 'Source',
  },
  states: { DRAFT: 'Draft', ADOPTED: 'Adopted', RETIRED: 'Retired' },
  accessLogTitle: 'Who has read my goals',
  accessLogIntro: 'The data export: every read of your employee goals, latest first. This view is included too.',
  accessLogLoading: 'Loading the data export…',
  accessLogCaption: 'Reads of my employee goals',
  accessColumns: {
    accessedAt: 'Time',
    actor: 'Who',
    purpose: 'Purpose',
    operation: 'Kind',
    goalCount: 'Goals',
  },
  operations: { read: 'Read', export: 'Data export' },
  rules: {
    'employee_goals.unit_unknown': 'There is no unit with that code.',
  },
};
