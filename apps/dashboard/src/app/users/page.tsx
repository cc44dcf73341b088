'use client';
import { UsersAdmin } from '../../components/users/users-admin';
import { useSession } from '../../components/shell/session-context';
import { ErrorState } from '../../components/states';
import { ApiError } from '../../lib/api';

export default function UsersPage() {
  const { me } = useSession();
  if (me.role !== 'admin') return <ErrorState error={new ApiError(403, 'Only admins manage users.')} />;
  return <UsersAdmin />;
}
