import { Route, Routes, useParams } from 'react-router';
import { ChooseOrganization } from './ChooseOrganization';
import { FollowUpPage } from './FollowUpPage';
import { ReportPage } from './ReportPage';

/** Uppföljning: /uppfoljning, /uppfoljning/:code and the printable /uppfoljning/:code/rapport. */
export default function FollowUpView() {
  const { code } = useParams();
  if (!code) return <ChooseOrganization />;
  return (
    <Routes>
      <Route index element={<FollowUpPage />} />
      <Route path="rapport" element={<ReportPage />} />
    </Routes>
  );
}
