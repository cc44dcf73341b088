'use client';
import { createContext, useContext } from 'react';
import type { MeResponse } from '../../lib/api';

export interface SessionValue {
  me: MeResponse;
  project: string;
  switchProject: (id: string) => void;
}

export const SessionContext = createContext<SessionValue | null>(null);

/** The signed-in user and the current project; only inside the shell's signed-in branch. */
export function useSession(): SessionValue {
  const value = useContext(SessionContext);
  if (!value) throw new Error('useSession outside a signed-in page');
  return value;
}
