// Texts of the sign-in view (/logga-in, /inloggning/klar, /utloggad). Swedish is the source; English is
// typed from it, so a text missing in English fails tsc.
import type { PersonRole } from '../auth/abilities';
import type { OrganizationKind } from '../gql/graphql';

const roleHints: Record<PersonRole, string> = {
  planner: 'Tar fram direktiv, följer årshjulet och läser allt som är offentligt.',
  committee: 'En nämnd eller ett bolag: egen verksamhetsplan, bedömning och åtgärder.',
  manager: 'Chef för en enhet: enhetens medarbetarmål.',
  employee: 'Dina egna medarbetarmål och vem som har läst dem.',
  reader: 'Läser mål, årshjul, direktiv och uppföljning.',
};

const kinds: Record<OrganizationKind, string> = {
  COUNCIL: 'Kommunfullmäktige',
  EXECUTIVE_BOARD: 'Kommunstyrelsen',
  COMMITTEE: 'Nämnder',
  COMPANY: 'Bolag',
  ADMINISTRATION: 'Förvaltningar',
  UNIT: 'Enheter',
};

export const sv = {
  title: 'Logga in',
  intro: 'Utvecklingsläge: välj vem du vill vara. Inloggningen gäller bara den här fliken.',
  expired: 'Din inloggning har gått ut. Logga in igen.',
  role: 'Roll',
  roleHints,
  organization: 'Organisation',
  organizationHintCommittee: 'Den nämnd eller det bolag du företräder.',
  organizationHintManager: 'Den enhet eller förvaltning du är chef för.',
  chooseOrganization: 'Välj organisation',
  kinds,
  loadingOrganizations: 'Hämtar organisationer…',
  employeeRef: 'Medarbetarreferens',
  employeeRefHint: 'Den pseudonyma referensen från HR-systemet, till exempel e7a1c9f2. Lämna tomt för en påhittad.',
  submit: 'Logga in',
  signingIn: 'Loggar in…',
  oidcIntro: 'Logga in med samma konto som du använder i kommunens andra system.',
  oidcSubmit: 'Logga in med kommunens konto',
  completing: 'Slutför inloggningen…',
  completeFailed: 'Inloggningen kunde inte slutföras. Försök igen.',
  signedOutTitle: 'Du är utloggad',
  signedOutBody: 'Du har loggat ut från vsm.',
  signInAgain: 'Logga in igen',
  // The development token endpoint's refusals, by the field it names.
  rules: {
    'sign-in.role': 'Välj en roll.',
    'sign-in.org': 'Välj en organisation för rollen.',
    'sign-in.sub': 'Ange en giltig medarbetarreferens.',
    'sign-in.unavailable': 'Inloggning med utvecklingstoken finns inte här.',
  } as Record<string, string>,
};

export type SignInTexts = typeof sv;

export const en: SignInTexts = {
  title: 'Sign in',
  intro: 'Development mode: choose who you want to be. The sign-in applies to this tab only.',
  expired: 'Your sign-in has expired. Sign in again.',
  role: 'Role',
  roleHints: {
    planner: 'Prepares directives, follows the annual cycle and reads everything public.',
    committee: 'A committee or company: its own operational plan, assessments and actions.',
    manager: 'Manager of a unit: the unit’s employee goals.',
    employee: 'Your own employee goals and who has read them.',
    reader: 'Reads goals, the annual cycle, directives and follow-up.',
  },
  organization: 'Organisation',
  organizationHintCommittee: 'The committee or company you act for.',
  organizationHintManager: 'The unit or administration you manage.',
  chooseOrganization: 'Choose organisation',
  kinds: {
    COUNCIL: 'Municipal council',
    EXECUTIVE_BOARD: 'Municipal executive board',
    COMMITTEE: 'Committees',
    COMPANY: 'Companies',
    ADMINISTRATION: 'Administrations',
    UNIT: 'Units',
  },
  loadingOrganizations: 'Loading organisations…',
  employeeRef: 'Employee reference',
  employeeRefHint: 'The pseudonymous reference from the HR system, for example e7a1c9f2. Leave empty for a made-up one.',
  submit: 'Sign in',
  signingIn: 'Signing in…',
  oidcIntro: 'Sign in with the account you use in the municipality’s other systems.',
  oidcSubmit: 'Sign in with the municipal account',
  completing: 'Completing the sign-in…',
  completeFailed: 'The sign-in could not be completed. Try again.',
  signedOutTitle: 'You are signed out',
  signedOutBody: 'You have signed out of vsm.',
  signInAgain: 'Sign in again',
  rules: {
    'sign-in.role': 'Choose a role.',
    'sign-in.org': 'Choose an organisation for the role.',
    'sign-in.sub': 'Enter a valid employee reference.',
    'sign-in.unavailable': 'Signing in with development tokens is not available here.',
  },
};
