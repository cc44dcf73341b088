'use client';
/** Light, dark, or whatever the system prefers (the default); kept in localStorage. */
export type ThemeChoice = 'system' | 'light' | 'dark';

import { THEME_KEY as KEY } from './theme-boot';

export function storedTheme(): ThemeChoice {
  const value = typeof window === 'undefined' ? null : window.localStorage.getItem(KEY);
  return value === 'light' || value === 'dark' ? value : 'system';
}

/** Sets data-theme on <html>; "system" follows prefers-color-scheme, also when it changes later. */
export function applyTheme(choice: ThemeChoice): () => void {
  window.localStorage.setItem(KEY, choice);
  const media = window.matchMedia('(prefers-color-scheme: dark)');
  const set = () =>
    document.documentElement.setAttribute(
      'data-theme',
      choice === 'system' ? (media.matches ? 'dark' : 'light') : choice,
    );
  set();
  if (choice !== 'system') return () => undefined;
  media.addEventListener('change', set);
  return () => media.removeEventListener('change', set);
}
