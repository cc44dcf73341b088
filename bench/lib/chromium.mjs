// Headless Chromium for the benchmarks that load the dashboard (bench/dashboard, bench/scale): the system's
// Chromium (or DRIFTWATCH_CHROMIUM) with the flags a root, GPU-less machine needs.
import { chromium } from 'playwright-core';

export function launchChromium() {
  return chromium.launch({
    executablePath: process.env.DRIFTWATCH_CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
    ],
  });
}
