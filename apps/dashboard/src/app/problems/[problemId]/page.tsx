'use client';
import { useParams, useSearchParams } from 'next/navigation';
import { Suspense, useEffect } from 'react';
import { ProblemDetailView } from '../../../components/problems/problem-detail';
import { useSession } from '../../../components/shell/session-context';
import { Loading } from '../../../components/states';

/** Alert messages link here with ?project=...: switch to it when the user has it, else keep the session's. */
function ProblemPageBody() {
  const { problemId } = useParams<{ problemId: string }>();
  const wanted = useSearchParams().get('project');
  const { me, project, switchProject } = useSession();
  const switching = !!wanted && wanted !== project && me.projects.some((p) => p.id === wanted);
  useEffect(() => {
    if (switching) switchProject(wanted);
  }, [switching, wanted, switchProject]);
  if (switching) return <Loading label="Switching project" />;
  return <ProblemDetailView key={project} problemId={problemId} />;
}

export default function ProblemPage() {
  return (
    <Suspense fallback={<Loading />}>
      <ProblemPageBody />
    </Suspense>
  );
}
