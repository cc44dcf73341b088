'use client';
import { Suspense } from 'react';
import { ProblemsList } from '../../components/problems/problems-list';
import { Loading } from '../../components/states';

export default function ProblemsPage() {
  return (
    <Suspense fallback={<Loading />}>
      <ProblemsList />
    </Suspense>
  );
}
