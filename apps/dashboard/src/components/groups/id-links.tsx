import Link from 'next/link';
import { UserText } from '../user-text';

/** A session id as a link to its conversation; "—" when the trace has none. */
export function SessionLink({ id, className }: { id: string | null | undefined; className?: string }) {
  if (!id) return <span className="muted">—</span>;
  return (
    <Link href={`/sessions/${encodeURIComponent(id)}`} className={className} title={id}>
      <UserText text={id} />
    </Link>
  );
}

/** An end user's id as a link to their page; "—" when unknown. */
export function UserLink({ id, className }: { id: string | null | undefined; className?: string }) {
  if (!id) return <span className="muted">—</span>;
  return (
    <Link href={`/end-users/${encodeURIComponent(id)}`} className={className} title={id}>
      <UserText text={id} />
    </Link>
  );
}
