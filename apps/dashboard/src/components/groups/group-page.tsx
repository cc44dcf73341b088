'use client';
import Link from 'next/link';
import { useParams, usePathname, useRouter, useSearchParams } from 'next/navigation';
import type { ReactNode } from 'react';
import { query } from '../../lib/api';
import { useApi } from '../../lib/use-api';
import { ErrorState, Loading } from '../states';
import { UserText } from '../user-text';

/** Rows per page of a session's turns or a user's sessions. */
export const GROUP_PAGE = 50;

const KINDS = {
  session: {
    api: '/api/sessions',
    list: { href: '/sessions', label: 'Sessions' },
    title: 'Session',
    filter: 'sessionId',
    notFound: 'No traces carry this session id in the last 30 days of this project.',
  },
  user: {
    api: '/api/end-users',
    list: { href: '/end-users', label: 'Users' },
    title: 'User',
    filter: 'userId',
    notFound: 'No traces carry this user id in the last 30 days of this project.',
  },
} as const;

/**
 * The frame of a session's or an end user's page: its id (from the route's `param`) in the head with a link to
 * its traces, the page of its detail from the API (?offset= in the URL), and the loading and not-found states.
 * `children` draws the detail once it is in, with the offset and a way to change it.
 */
export function GroupPage<T>({
  kind,
  param,
  children,
}: {
  kind: keyof typeof KINDS;
  param: string;
  children: (data: T, page: { offset: number; onOffset: (offset: number) => void }) => ReactNode;
}) {
  const config = KINDS[kind];
  const id = decodeURIComponent(useParams<Record<string, string>>()[param] ?? '');
  const params = useSearchParams();
  const router = useRouter();
  const pathname = usePathname();
  const offset = Math.max(0, Number(params.get('offset')) || 0);
  const state = useApi<T>(
    `${config.api}/${encodeURIComponent(id)}${query({ limit: GROUP_PAGE, offset: offset || null })}`,
  );
  const head = (
    <div className="page-head">
      <div>
        <p className="crumbs">
          <Link href={config.list.href}>{config.list.label}</Link> / {kind}
        </p>
        <h1 className="ellipsis">
          {config.title} <UserText text={id} />
        </h1>
      </div>
      <Link className="button" href={`/traces${query({ [config.filter]: id, range: '30d' })}`}>
        Traces of this {kind}
      </Link>
    </div>
  );
  let body: ReactNode;
  if (state.loading && !state.data) body = <Loading label={`Loading ${kind}`} />;
  else if (state.error || !state.data)
    body = state.error ? (
      <ErrorState error={state.error} notFoundHint={config.notFound} onRetry={state.reload} />
    ) : null;
  else
    body = children(state.data, {
      offset,
      onOffset: (next) => router.push(`${pathname}${query({ offset: next || null })}`),
    });
  return (
    <div className="stack">
      {head}
      {body}
    </div>
  );
}
