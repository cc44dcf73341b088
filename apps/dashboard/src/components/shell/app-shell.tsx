'use client';
import Link from 'next/link';
import { usePathname, useRouter } from 'next/navigation';
import { type ReactNode, useCallback, useEffect, useMemo, useState } from 'react';
import {
  api,
  ApiError,
  cachedMe,
  currentProject,
  rememberMe,
  setCurrentProject,
  type MeResponse,
} from '../../lib/api';
import { ErrorState, Loading } from '../states';
import { KeyboardHelp } from './keyboard-help';
import { SessionContext } from './session-context';
import { ThemeSwitch } from './theme-switch';

const NAV = [
  { href: '/', label: 'Overview' },
  { href: '/problems', label: 'Problems' },
  { href: '/traces', label: 'Traces' },
  { href: '/sessions', label: 'Sessions' },
  // End users of the traced applications; Driftwatch's own accounts are the admins' "Team".
  { href: '/end-users', label: 'Users' },
  { href: '/topics', label: 'Topics' },
  { href: '/review', label: 'Review' },
  { href: '/datasets', label: 'Datasets' },
  { href: '/alerts', label: 'Alerts' },
  { href: '/settings', label: 'Settings' },
];

/** Signs the visitor in (or sends them to /sign-in), then frames every page with navigation and the project. */
export function AppShell({ children }: { children: ReactNode }) {
  const pathname = usePathname();
  const router = useRouter();
  const [me, setMe] = useState<MeResponse | null>(null);
  const [error, setError] = useState<Error | null>(null);
  const [project, setProject] = useState<string | null>(null);
  const publicPage = pathname === '/sign-in';

  useEffect(() => {
    if (publicPage) return;
    const apply = (value: MeResponse) => {
      const stored = currentProject();
      const chosen = value.projects.find((p) => p.id === stored)?.id ?? value.projects[0]?.id ?? 'default';
      setCurrentProject(chosen);
      setProject(chosen);
      setMe(value);
    };
    // The last answer renders the page at once (its data calls start in parallel); the server still checks
    // every call, and the fresh answer below replaces it or sends the visitor to sign in.
    const cached = cachedMe();
    if (cached) apply(cached);
    api<MeResponse>('/api/auth/me').then(
      (value) => {
        rememberMe(value);
        apply(value);
      },
      (e: Error) => {
        rememberMe(null);
        if (e instanceof ApiError && e.status === 401)
          router.replace(`/sign-in?next=${encodeURIComponent(window.location.pathname)}`);
        else setError(e);
      },
    );
    // Once per full page load: client-side navigation keeps the session.
  }, [publicPage]);

  const switchProject = useCallback((id: string) => {
    setCurrentProject(id);
    setProject(id);
  }, []);
  const session = useMemo(
    () => (me && project ? { me, project, switchProject } : null),
    [me, project, switchProject],
  );

  if (publicPage)
    return (
      <main className="center-page">
        {children}
        <ThemeSwitch />
      </main>
    );
  if (error)
    return (
      <main className="page">
        <ErrorState error={error} />
      </main>
    );
  if (!session)
    return (
      <main className="page">
        <Loading label="Signing in" />
      </main>
    );

  const nav = session.me.role === 'admin' ? [...NAV, { href: '/team', label: 'Team' }] : NAV;
  return (
    <SessionContext.Provider value={session}>
      <header className="topbar">
        <Link href="/" className="brand">
          Driftwatch
        </Link>
        <nav aria-label="Main">
          {nav.map((item) => (
            <Link
              key={item.href}
              href={item.href}
              aria-current={isActive(pathname, item.href) ? 'page' : undefined}
              className="nav-link"
            >
              {item.label}
            </Link>
          ))}
        </nav>
        <div className="topbar-end">
          <ThemeSwitch />
          <label className="project-picker">
            <span className="visually-hidden">Project</span>
            <select
              aria-label="Project"
              value={session.project}
              onChange={(e) => switchProject(e.target.value)}
            >
              {session.me.projects.map((p) => (
                <option key={p.id} value={p.id}>
                  {p.name}
                </option>
              ))}
            </select>
          </label>
          <span className="who" title={session.me.role}>
            {session.me.user.email}
          </span>
          <button
            type="button"
            className="button ghost"
            onClick={async () => {
              rememberMe(null);
              await api('/api/auth/logout', { method: 'POST' });
              window.location.assign('/sign-in');
            }}
          >
            Sign out
          </button>
        </div>
      </header>
      <main className="page" key={session.project}>
        {children}
      </main>
      <KeyboardHelp />
    </SessionContext.Provider>
  );
}

function isActive(pathname: string, href: string): boolean {
  return href === '/' ? pathname === '/' : pathname.startsWith(href);
}
