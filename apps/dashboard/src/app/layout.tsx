import type { Metadata, Viewport } from 'next';
import type { ReactNode } from 'react';
import { AppShell } from '../components/shell/app-shell';
import { THEME_BOOT_SCRIPT } from '../lib/theme-boot';
import './globals.css';

export const metadata: Metadata = {
  title: 'Driftwatch',
  description: 'Watch your LLM application in production',
};
export const viewport: Viewport = { width: 'device-width', initialScale: 1 };

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    // data-theme is set before the first paint by the script (so a dark page never flashes light).
    <html lang="en" suppressHydrationWarning>
      <head>
        <script dangerouslySetInnerHTML={{ __html: THEME_BOOT_SCRIPT }} />
      </head>
      <body>
        <AppShell>{children}</AppShell>
      </body>
    </html>
  );
}
