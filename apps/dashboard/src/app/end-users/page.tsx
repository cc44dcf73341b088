'use client';
import { Suspense } from 'react';
import { GroupListView } from '../../components/groups/group-list-view';
import { Loading } from '../../components/states';

export default function EndUsersPage() {
  return (
    <Suspense fallback={<Loading />}>
      <GroupListView kind="users" />
    </Suspense>
  );
}
