// The system Chromium that the end-to-end tests and the benchmarks drive (playwright-core), and
// the flags every one of its runs needs. Nothing here may reach the network, which is closed:
// Chromium's own background requests (updates, sync, safe browsing lists) are refused many at a
// time and at every start, so they are switched off.

/** Debian's Chromium (scripts/bootstrap.sh installs it); `CHROMIUM` names another. */
export const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';

/** Headless, as root, without a GPU or QUIC, and without Chromium's own traffic. */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
