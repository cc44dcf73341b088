'use client';
import { UsersAdmin } from '../../components/users/users-admin';
import { useSession } from '../../components/shell/session-context';
import { ErrorState } from '../../components/states';
import { ApiError } from '../../lib/api';

/** Accounts of this Driftwatch (admins): not the end users of traced applications (those are at /end-users). */
export default function TeamPage() {
  const { me } = useSession();
  if (me.role !== 'admin') return <ErrorState error={new ApiError(403, 'Only admins manage the team.')} />;
  return <UsersAdmin />;
}
