'use client';
import { useCallback, useState } from 'react';

/** Runs a change (POST, PATCH, DELETE), keeps its error for the form, and reloads the list after success. */
export function useAction(reload: () => void): {
  error: string | null;
  act: (work: () => Promise<unknown>) => Promise<void>;
} {
  const [error, setError] = useState<string | null>(null);
  const act = useCallback(
    async (work: () => Promise<unknown>) => {
      setError(null);
      try {
        await work();
        reload();
      } catch (e) {
        setError((e as Error).message);
      }
    },
    [reload],
  );
  return { error, act };
}
