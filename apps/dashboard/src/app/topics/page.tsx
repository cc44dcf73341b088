'use client';
import { Suspense } from 'react';
import { Loading } from '../../components/states';
import { TopicsView } from '../../components/topics/topics-view';

export default function TopicsPage() {
  return (
    <Suspense fallback={<Loading />}>
      <TopicsView />
    </Suspense>
  );
}
