'use client';
import { useEffect, useState } from 'react';
import { applyTheme, storedTheme, type ThemeChoice } from '../../lib/theme';

/** System / light / dark: the system's preference until the reader picks one. */
export function ThemeSwitch() {
  const [choice, setChoice] = useState<ThemeChoice>('system');
  useEffect(() => setChoice(storedTheme()), []);
  useEffect(() => applyTheme(choice), [choice]);
  return (
    <label className="theme-picker">
      <span className="visually-hidden">Theme</span>
      <select
        aria-label="Theme"
        className="theme-switch"
        value={choice}
        onChange={(e) => setChoice(e.target.value as ThemeChoice)}
      >
        <option value="system">System theme</option>
        <option value="light">Light</option>
        <option value="dark">Dark</option>
      </select>
    </label>
  );
}
