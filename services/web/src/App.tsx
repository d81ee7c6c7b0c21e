import { lazy } from 'react';
import { Navigate, Route, Routes, useLocation } from 'react-router';
import type { ReactNode } from 'react';
import { ViewProblems } from './api/forms';
import { abilitiesFor } from './auth/abilities';
import { useSession } from './auth/session';
import { useViewer } from './auth/useViewer';
import { useTexts } from './i18n';
import * as common from './i18n/common';
import { Layout } from './layout/Layout';
import { PageHeading } from './layout/PageHeading';

// One lazily loaded chunk per view; each view's helper owns src/views/<view>/.
const SignIn = lazy(() => import('./views/sign-in'));
const GoalTree = lazy(() => import('./views/goal-tree'));
const YearWheel = lazy(() => import('./views/year-wheel'));
const Directive = lazy(() => import('./views/directive'));
const Plan = lazy(() => import('./views/plan'));
const FollowUp = lazy(() => import('./views/follow-up'));
const EmployeeGoals = lazy(() => import('./views/employee-goals'));

/** Views need a session; without one the user signs in and comes back. */
function RequireSession({ children }: { children: ReactNode }) {
  const session = useSession();
  const location = useLocation();
  if (!session) {
    const back = `${location.pathname}${location.search}`;
    return <Navigate to={`/logga-in?tillbaka=${encodeURIComponent(back)}`} replace />;
  }
  return children;
}

/** `/` goes to the role's home (planner → årshjul, committee → its follow-up, …). */
function Home() {
  const texts = useTexts(common);
  const { viewer, fetching, error } = useViewer();
  if (viewer) return <Navigate to={abilitiesFor(viewer).home} replace />;
  if (error) return <ViewProblems error={error} />;
  return fetching ? <p role="status">{texts.loading}</p> : null;
}

function NotFound() {
  const texts = useTexts(common);
  return (
    <>
      <PageHeading>{texts.notFoundTitle}</PageHeading>
      <p>{texts.notFoundBody}</p>
      <p>
        <a href="/">{texts.toHome}</a>
      </p>
    </>
  );
}

export function App() {
  const guard = (element: ReactNode) => <RequireSession>{element}</RequireSession>;
  return (
    <Routes>
      <Route element={<Layout />}>
        {/* Sign-in: the development chooser or OIDC; the OIDC callback and the signed-out page too. */}
        <Route path="/logga-in" element={<SignIn />} />
        <Route path="/inloggning/klar" element={<SignIn />} />
        <Route path="/utloggad" element={<SignIn />} />
        <Route index element={guard(<Home />)} />
        <Route path="/mal" element={guard(<GoalTree />)} />
        <Route path="/arshjul" element={guard(<YearWheel />)} />
        {/* The directive view has nested <Routes> for /direktiv and /direktiv/:id. */}
        <Route path="/direktiv/*" element={guard(<Directive />)} />
        {/* Without a code the view lets the user pick a nämnd or bolag. */}
        <Route path="/verksamhetsplan" element={guard(<Plan />)} />
        <Route path="/verksamhetsplan/:code" element={guard(<Plan />)} />
        <Route path="/uppfoljning" element={guard(<FollowUp />)} />
        {/* Nested: /uppfoljning/:code and the printable /uppfoljning/:code/rapport. */}
        <Route path="/uppfoljning/:code/*" element={guard(<FollowUp />)} />
        <Route path="/medarbetarmal" element={guard(<EmployeeGoals />)} />
        <Route path="*" element={<NotFound />} />
      </Route>
    </Routes>
  );
}
