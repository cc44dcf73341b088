'use client';
import type { AlertDestinationView } from '@driftwatch/api-schema';
import { Destinations } from '../../components/alerts/destinations';
import { MetricRules } from '../../components/alerts/metric-rules';
import { ProblemRoutes } from '../../components/alerts/problem-routes';
import { useSession } from '../../components/shell/session-context';
import { useApi } from '../../lib/use-api';

export default function AlertsPage() {
  const { me, project } = useSession();
  const admin = me.role === 'admin';
  const destinations = useApi<{ items: AlertDestinationView[] }>(
    `/api/projects/${encodeURIComponent(project)}/alert-destinations`,
  );
  const list = destinations.data?.items ?? [];
  return (
    <div className="stack">
      <div className="page-head">
        <h1>Alerts</h1>
      </div>
      {admin ? null : (
        <p className="notice" role="note">
          You are a {me.role}: you can read the alert settings and delivery logs; only admins can change them.
        </p>
      )}
      <Destinations projectId={project} canEdit={admin} state={destinations} />
      <ProblemRoutes projectId={project} canEdit={admin} destinations={list} />
      <MetricRules projectId={project} canEdit={admin} destinations={list} />
    </div>
  );
}
