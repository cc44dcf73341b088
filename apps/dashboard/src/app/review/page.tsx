'use client';
import { CreateQueue } from '../../components/review/create-queue';
import { QueuesTable } from '../../components/review/queues-table';
import { RubricEditor } from '../../components/review/rubric-editor';
import { useSession } from '../../components/shell/session-context';
import type { QueueView } from '../../lib/review';
import { useApi } from '../../lib/use-api';

export default function ReviewQueuesPage() {
  const { me, project } = useSession();
  const queues = useApi<{ items: QueueView[] }>('/api/review-queues');
  return (
    <div className="stack">
      <div className="page-head">
        <h1>Review queues</h1>
      </div>
      {me.role === 'viewer' ? (
        <p className="notice" role="note">
          You are a viewer: you can read queues, progress and agreement; members review, admins define queues.
        </p>
      ) : null}
      <QueuesTable state={queues} canReview={me.role !== 'viewer'} />
      {me.role === 'admin' ? <CreateQueue reload={queues.reload} /> : null}
      <RubricEditor projectId={project} canEdit={me.role === 'admin'} />
    </div>
  );
}
