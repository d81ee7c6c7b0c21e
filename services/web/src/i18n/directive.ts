// Texts of the direktiv view (/direktiv, /direktiv/:id). Swedish is the source; English is typed from it.
import type {
  AssignmentState,
  DirectiveKind,
  DirectiveState,
  GoalEstablishmentState,
  GoalState,
} from '../gql/graphql';

const kinds: Record<DirectiveKind, string> = {
  PLANNING_DIRECTIVE: 'Planeringsdirektiv',
  OWNER_DIRECTIVE: 'Ägardirektiv',
};

const states: Record<DirectiveState, string> = {
  DRAFT: 'Utkast',
  ADOPTED: 'Antaget',
  SUPERSEDED: 'Ersatt',
};

const goalStates: Record<GoalState, string> = {
  DRAFT: 'Utkast',
  ADOPTED: 'Antaget',
  RETIRED: 'Avvecklat',
};

const assignmentStates: Record<AssignmentState, string> = {
  NOT_STARTED: 'Ej påbörjat',
  IN_PROGRESS: 'Pågår',
  DONE: 'Genomfört',
};

const establishment: Record<GoalEstablishmentState, string> = {
  PENDING: 'Målservicen har ännu inte svarat (brukar ta några sekunder).',
  ESTABLISHED: 'De konkretiserade målen är antagna med KF:s beslut.',
  REFUSED: 'Målservicen vägrade anta de konkretiserade målen; inget av dem antogs.',
};

export const sv = {
  listTitle: 'Direktiv',
  listIntro: 'Kommunfullmäktiges planeringsdirektiv till nämnderna och ägardirektiv till bolagen.',
  budgetYear: 'Budgetår',
  show: 'Visa',
  loading: 'Hämtar direktiven …',
  noDirectives: (year: number) => `Det finns inga direktiv för budgetår ${year}.`,
  inForce: 'Antagna direktiv',
  drafts: 'Utkast',
  revision: (n: number) => `revision ${n}`,
  back: 'Alla direktiv för budgetåret',
  notFound: 'Direktivet finns inte.',
  kind: 'Typ',
  state: 'Status',
  cycle: 'Planeringscykel',
  decision: 'KF:s beslut',
  decisionText: (date: string, paragraph: string | null, diary: string | null, body: string) =>
    [date, paragraph, diary ? `diarienummer ${diary}` : null, body].filter(Boolean).join(', '),
  notAdopted: 'Inte antaget än.',
  revisions: 'Revisioner',
  revisionRow: (n: number) => `Revision ${n}`,
  thisRevision: '(denna)',
  adoptedOn: (date: string) => `antagen ${date}`,
  supersededBy: (n: number) => `Ersätts av revision ${n}`,
  taxRateTitle: 'Skattesats',
  taxRate: (rate: string) => `${rate} kr per 100 kr`,
  noTaxRate: 'Ingen skattesats i detta direktiv.',
  framesTitle: 'Budgetramar',
  framesCaption: (from: number, to: number) => `Budgetramar per mottagare, budgetår och planår ${from}–${to} (kronor)`,
  recipient: 'Mottagare',
  sum: 'Summa',
  noFrame: 'Ingen ram',
  noFrames: 'Inga budgetramar än.',
  goalsTitle: 'Konkretiserade mål och prioriteringar',
  noGoals: 'Inga konkretiserade mål.',
  goal: 'Mål',
  validity: 'Gäller',
  validRange: (from: string, to: string) => `${from} – ${to}`,
  goalRecipients: 'Nämnder och bolag',
  assignmentsTitle: 'Särskilda uppdrag',
  noAssignments: 'Inga särskilda uppdrag.',
  assignment: 'Uppdrag',
  dueOn: 'Redovisas senast',
  overdue: 'Försenat',
  establishmentTitle: 'Målens fastställande',
  refusal: (goal: string, rule: string) => `${goal} (${rule})`,
  apiSays: 'Svar från vsm:',
  none: '–',
  // Sentences for the API's rules this view can meet; the API's own message follows each.
  rules: {
    'id.format': 'Adressen pekar inte ut något direktiv.',
  } as Record<string, string>,
  kinds,
  states,
  goalStates,
  assignmentStates,
  establishment,
};

export type DirectiveTexts = typeof sv;

export const en: DirectiveTexts = {
  listTitle: 'Directives',
  listIntro: "The municipal council's planning directives to the committees and owner directives to the companies.",
  budgetYear: 'Budget year',
  show: 'Show',
  loading: 'Loading the directives …',
  noDirectives: (year: number) => `There are no directives for budget year ${year}.`,
  inForce: 'Adopted directives',
  drafts: 'Drafts',
  revision: (n: number) => `revision ${n}`,
  back: 'All directives of the budget year',
  notFound: 'The directive does not exist.',
  kind: 'Kind',
  state: 'Status',
  cycle: 'Planning cycle',
  decision: "The council's decision",
  decisionText: (date: string, paragraph: string | null, diary: string | null, body: string) =>
    [date, paragraph, diary ? `reference ${diary}` : null, body].filter(Boolean).join(', '),
  notAdopted: 'Not adopted yet.',
  revisions: 'Revisions',
  revisionRow: (n: number) => `Revision ${n}`,
  thisRevision: '(this one)',
  adoptedOn: (date: string) => `adopted ${date}`,
  supersededBy: (n: number) => `Superseded by revision ${n}`,
  taxRateTitle: 'Tax rate',
  taxRate: (rate: string) => `SEK ${rate} per SEK 100`,
  noTaxRate: 'No tax rate in this directive.',
  framesTitle: 'Budget frames',
  framesCaption: (from: number, to: number) => `Budget frames per recipient, budget year and plan years ${from}–${to} (SEK)`,
  recipient: 'Recipient',
  sum: 'Total',
  noFrame: 'No frame',
  noFrames: 'No budget frames yet.',
  goalsTitle: 'Concrete goals and priorities',
  noGoals: 'No concrete goals.',
  goal: 'Goal',
  validity: 'Valid',
  validRange: (from: string, to: string) => `${from} – ${to}`,
  goalRecipients: 'Committees and companies',
  assignmentsTitle: 'Special assignments',
  noAssignments: 'No special assignments.',
  assignment: 'Assignment',
  dueOn: 'Due',
  overdue: 'Overdue',
  establishmentTitle: 'Establishment of the goals',
  refusal: (goal: string, rule: string) => `${goal} (${rule})`,
  apiSays: 'Answer from vsm:',
  none: '–',
  rules: {
    'id.format': 'The address does not point to a directive.',
  },
  kinds: { PLANNING_DIRECTIVE: 'Planning directive', OWNER_DIRECTIVE: 'Owner directive' },
  states: { DRAFT: 'Draft', ADOPTED: 'Adopted', SUPERSEDED: 'Superseded' },
  goalStates: { DRAFT: 'Draft', ADOPTED: 'Adopted', RETIRED: 'Retired' },
  assignmentStates: { NOT_STARTED: 'Not started', IN_PROGRESS: 'In progress', DONE: 'Done' },
  establishment: {
    PENDING: 'The goals service has not answered yet (usually a matter of seconds).',
    ESTABLISHED: "The concrete goals are adopted with the council's decision.",
    REFUSED: 'The goals service refused to adopt the concrete goals; none of them was adopted.',
  },
};
