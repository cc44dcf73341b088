'use client';
import { ApiKeys } from '../../components/settings/api-keys';
import { PriceOverrides } from '../../components/settings/price-overrides';
import { ProjectForm } from '../../components/settings/project-form';
import { useSession } from '../../components/shell/session-context';

export default function SettingsPage() {
  const { me, project } = useSession();
  const admin = me.role === 'admin';
  return (
    <div className="stack">
      <div className="page-head">
        <h1>Project settings</h1>
      </div>
      {admin ? null : (
        <p className="notice" role="note">
          You are a {me.role}: you can read these settings; only admins can change them.
        </p>
      )}
      <ProjectForm projectId={project} canEdit={admin} />
      <ApiKeys projectId={project} canEdit={admin} />
      <PriceOverrides projectId={project} canEdit={admin} />
    </div>
  );
}
