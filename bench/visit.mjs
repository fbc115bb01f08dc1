#!/usr/bin/env node
// Start-up on a Segment site's cold visit, ours beside the plain-JS plugin (bench/plain-hubspot.js):
// from `AnalyticsBrowser.load()` to the first event beacon HubSpot's tracker sends, with HubSpot's
// chain as it is (the loader from js.hs-scripts.com adds the tracker from js.hs-analytics.net: our
// emulators, www/hubspot-loader-emulator.js and www/hubspot-emulator.js), every request answered
// after an added round trip (40 ms by default), the settings from a stand-in for Segment's CDN
// (cdn.segment.com), analytics-next's lazy chunks and the .wasm included. bench/run.mjs runs it
// as rows; alone:
//
//   node bench/visit.mjs [--runs N] [--rtt MS] [--settings-rtt MS] [--new-origin-rtts N] [--pkg DIR] [--preload]
//
// --new-origin-rtts: what a new third-party origin costs before its first answer, in round trips
// besides the request's own (DNS, then TCP and TLS: 2 on a real first visit; 0 by default). Each
// connection to Segment's or HubSpot's hosts pays it from the moment it opens, so a connection
// opened early (`<link rel="preconnect">`) has paid it by its first request.
// The third-party hosts are served by a TLS server of this file (a self-signed certificate made
// with openssl into bench/.build/, which Chromium is told to accept), reached through Chromium's
// --host-resolver-rules; the site's own files come from a plain HTTP server.
//
// --settings-rtt: the settings' own round trip (by default --rtt's), for a Segment CDN farther
// from the visitor than the site's own server.
// --preload: ours with the facade's <link rel=modulepreload> and <link rel=preload as=fetch> hints
// in the page (they fetch before the clock starts: for information, not the row's figure).
//
// Each visit is a fresh browser on a new profile (nothing compiled, cached or connected reused;
// the server sends no-store), ours and plain in pairs, the order alternating, one pair dropped as
// warm-up. Medians, and their ratio (target ≤ 1.05×). The page half is bench/visit.js.
import { createServer } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CHROMIUM, CHROMIUM_ARGS } from '../scripts/chromium.mjs';

const ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)));
const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.mjs': 'text/javascript',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
};
/** What the stand-in CDN answers for cdn.segment.com/v1/projects/<writeKey>/settings: no device-mode destination, no telemetry. */
const SETTINGS = JSON.stringify({ integrations: {}, metrics: { sampleRate: 0 }, plan: { track: { __default: { enabled: true } } } });

/** HubSpot's scripts by host: the loader, the tracker it adds, the cookie banner it adds. */
const HUBSPOT = [
  [/^js(-\w+)?\.hs-scripts\.com$/, 'www/hubspot-loader-emulator.js'],
  [/^js(-\w+)?\.hs-analytics\.net$/, 'www/hubspot-emulator.js'],
  [/^js\.hs-banner\.com$/, 'www/hubspot-banner-emulator.js'],
];

/** A self-signed certificate for the third-party hosts (made once, into bench/.build/). */
function certificate() {
  const dir = join(ROOT, 'bench/.build/tls');
  if (!existsSync(join(dir, 'cert.pem'))) {
    mkdirSync(dir, { recursive: true });
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-nodes',
        '-days',
        '3650',
        '-subj',
        '/CN=hubspot-wasm bench',
        '-keyout',
        join(dir, 'key.pem'),
        '-out',
        join(dir, 'cert.pem'),
      ],
      { stdio: 'ignore' },
    );
  }
  return { dir };
}

/**
 * The site's files on 127.0.0.1 (`/pkg/` from `pkg`), each answer sent `rttMs` after its request
 * arrived; and the third-party hosts (Segment's CDN: the settings, `settingsRttMs`; HubSpot's
 * scripts) on a TLS server whose connections each pay `newOriginRtts` round trips before their
 * first answer.
 */
export async function startSlowServer({ pkg = join(ROOT, 'pkg'), rttMs = 40, settingsRttMs = rttMs, newOriginRtts = 0 } = {}) {
  const answer = async (req, res, delay, opened) => {
    const started = Date.now();
    let status = 200,
      type = 'text/plain',
      body = 'not found';
    try {
      const path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
      const host = (req.headers.host ?? '').replace(/:\d+$/, '');
      const hubspot = HUBSPOT.find(([pattern]) => pattern.test(host));
      if (host === 'cdn.segment.com' && /^\/v1\/projects\/[^/]+\/settings$/.test(path)) {
        [type, body, delay] = ['application/json', SETTINGS, settingsRttMs];
      } else if (hubspot) {
        [type, body] = ['text/javascript', await readFile(join(ROOT, hubspot[1]))];
      } else if (opened != null) {
        status = 404;
      } else {
        const [base, rest] = path.startsWith('/pkg/') ? [pkg, path.slice(5)] : [ROOT, path];
        const file = normalize(join(base, rest));
        if (!file.startsWith(base)) throw new Error('outside');
        [type, body] = [TYPES[extname(file)] ?? 'application/octet-stream', await readFile(file)];
      }
    } catch {
      status = 404;
    }
    // A new connection's set-up (DNS, TCP, TLS) comes before its first answer.
    const at = Math.max(started + delay, opened == null ? 0 : opened + (newOriginRtts + 1) * rttMs);
    const headers = { 'content-type': type, 'cache-control': 'no-store', 'access-control-allow-origin': '*', 'timing-allow-origin': '*' };
    setTimeout(() => res.writeHead(status, headers).end(body), Math.max(0, at - Date.now()));
  };
  const site = createServer((req, res) => answer(req, res, rttMs, null));
  const { dir } = certificate();
  // When each connection opened (its TCP connection accepted), by the client's port.
  const opened = new Map();
  const thirdParty = createTlsServer(
    { key: await readFile(join(dir, 'key.pem')), cert: await readFile(join(dir, 'cert.pem')) },
    (req, res) => answer(req, res, rttMs, opened.get(req.socket.remotePort) ?? Date.now()),
  );
  thirdParty.on('connection', (socket) => opened.set(socket.remotePort, Date.now()));
  const listen = (server) => new Promise((ok) => server.listen(0, '127.0.0.1', () => ok(server.address().port)));
  const [sitePort, thirdPartyPort] = [await listen(site), await listen(thirdParty)];
  const close = (server) =>
    new Promise((done) => {
      server.closeAllConnections?.();
      server.close(done);
    });
  return {
    url: `http://127.0.0.1:${sitePort}`,
    // Every https host to the TLS server; nothing else resolves but the site's own.
    hostRules: `MAP *:443 127.0.0.1:${thirdPartyPort}, MAP * ~NOTFOUND, EXCLUDE 127.0.0.1`,
    close: () => Promise.all([close(site), close(thirdParty)]),
  };
}

const median = (xs) => {
  const s = xs.filter((x) => x != null).sort((a, b) => a - b);
  const m = s.length >> 1;
  return !s.length ? null : s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

/**
 * A fresh browser for one visit, on a profile of its own (a new temporary directory): a first
 * visit, nothing cached, compiled or connected. Not an incognito-like context, which Chromium
 * gives no preconnects (its loading predictor is off there) where a visitor's browser makes them.
 * Third-party cookies allowed, as Chrome's default for a visitor: where they are blocked,
 * Chromium opens a credentialed request to a third-party host (a `<script>` without
 * `crossorigin`) on a connection of its own, never on a preconnected one (a probe: the
 * preconnected connection stayed unused, the script's request paid its own set-up).
 * `hostRules` send the third-party hosts to the local server.
 */
async function freshBrowser(hostRules) {
  const { chromium } = await import('playwright-core');
  const profile = mkdtempSync(join(tmpdir(), 'hubspot-wasm-visit-'));
  mkdirSync(join(profile, 'Default'));
  writeFileSync(
    join(profile, 'Default/Preferences'),
    JSON.stringify({ profile: { cookie_controls_mode: 0, block_third_party_cookies: false } }),
  );
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    ignoreHTTPSErrors: true,
    // As a visitor's browser: Chromium's own background traffic stays on (the host rules fail it
    // at once), so none of the other runs' flags but these.
    args: [
      ...CHROMIUM_ARGS.filter((flag) => !['--disable-background-networking', '--disable-sync'].includes(flag)),
      '--ignore-certificate-errors',
      `--host-resolver-rules=${hostRules}`,
    ],
  });
  return { context, close: () => context.close().finally(() => rmSync(profile, { recursive: true, force: true })) };
}

/**
 * The visits, in pairs, each in a fresh browser; returns medians per plugin, the ratio, the
 * samples and problems seen.
 */
export async function measureVisit({ pkg, rttMs = 40, settingsRttMs = rttMs, newOriginRtts = 0, runs = 20, preload = false } = {}) {
  const server = await startSlowServer({ pkg, rttMs, settingsRttMs, newOriginRtts });
  const samples = { ours: [], plain: [] };
  const problems = [];
  const pairRatios = [];
  try {
    for (let s = 0; s <= runs; s++) {
      const pair = {};
      for (const plugin of s % 2 ? ['plain', 'ours'] : ['ours', 'plain']) {
        const browser = await freshBrowser(server.hostRules);
        const page = browser.context.pages()[0] ?? (await browser.context.newPage());
        page.on('pageerror', (e) => problems.push(`${plugin}: ${String(e).split('\n')[0]}`));
        page.on('console', (m) => {
          if (m.type() === 'error' || m.type() === 'warning') problems.push(`${plugin}: console.${m.type()}: ${m.text().slice(0, 200)}`);
        });
        await page.goto(`${server.url}/bench/visit.html?plugin=${plugin}${preload ? '&preload' : ''}`);
        await page.waitForFunction(() => window.visit);
        const r = await page.evaluate(() => window.visit());
        await browser.close();
        if (r.error) problems.push(`${plugin}: ${r.error}`);
        else pair[plugin] = r;
      }
      if (s === 0 || !pair.ours || !pair.plain) continue; // the first pair warms the browser up
      samples.ours.push(pair.ours);
      samples.plain.push(pair.plain);
      pairRatios.push(pair.ours.total / pair.plain.total);
    }
  } finally {
    await server.close();
  }
  const med = (plugin, pick) => median(samples[plugin].map(pick));
  const summary = (plugin) => ({
    total: med(plugin, (r) => r.total),
    loadCalled: med(plugin, (r) => r.loadCalled),
    trackCalled: med(plugin, (r) => r.trackCalled),
    initDone: med(plugin, (r) => r.initDone),
    loaderStart: med(plugin, (r) => r.loader?.start),
    loaderEnd: med(plugin, (r) => r.loader?.end),
    // How many of the visits' loader and tracker requests opened a connection of their own.
    newConnections: samples[plugin].filter((r) => r.loader?.connected).length + samples[plugin].filter((r) => r.tracker?.connected).length,
    trackerStart: med(plugin, (r) => r.tracker?.start),
    trackerEnd: med(plugin, (r) => r.tracker?.end),
    pageView: med(plugin, (r) => r.pageView),
    settingsEnd: med(plugin, (r) => r.settings?.end),
    wasmStart: med(plugin, (r) => r.wasm?.start),
    wasmEnd: med(plugin, (r) => r.wasm?.end),
    command: samples[plugin][0]?.command ?? null,
  });
  const ours = summary('ours'),
    plain = summary('plain');
  return {
    rttMs,
    settingsRttMs,
    newOriginRtts,
    preload,
    runs: Math.min(samples.ours.length, samples.plain.length),
    ours,
    plain,
    ratio: ours.total != null && plain.total ? ours.total / plain.total : null,
    // Each pair's ratio, then their median: steadier when the machine's load drifts.
    pairRatio: median(pairRatios),
    samples,
    problems: [...new Set(problems)].slice(0, 5),
  };
}

const ms = (x) => (x == null ? '—' : `${x.toFixed(1)} ms`);

/** One line of figures, for the console. */
export function describeVisit(v) {
  const x = (r) => (r == null ? '—' : `${r.toFixed(3)}×`);
  return (
    `ours ${ms(v.ours.total)}, plain JS ${ms(v.plain.total)}, ours/plain ${x(v.ratio)} (median of the pairs' ratios ${x(v.pairRatio)}) ` +
    `(medians of ${v.runs} visits each, ${describeNetwork(v)}); ${describeSteps(v)}`
  );
}

/** The visit's network, in words. */
export function describeNetwork(v) {
  return `${v.rttMs} ms per request${v.settingsRttMs === v.rttMs ? '' : `, the settings ${v.settingsRttMs} ms`}${v.newOriginRtts ? `, each new third-party connection ${v.newOriginRtts} round trips more` : ''}`;
}

/** The steps of both (medians, from AnalyticsBrowser.load()). */
export function describeSteps(v) {
  const steps = (s) =>
    `settings in ${ms(s.settingsEnd)}, load() called ${ms(s.loadCalled)}, loader requested ${ms(s.loaderStart)}, in ${ms(s.loaderEnd)}, tracker requested ${ms(s.trackerStart)}, in ${ms(s.trackerEnd)}, ` +
    `its page view ${ms(s.pageView)}, track() ${ms(s.trackCalled)}; ${s.newConnections} of ${2 * v.runs} loader and tracker requests opened a connection`;
  return `ours: wasm requested ${ms(v.ours.wasmStart)}, in ${ms(v.ours.wasmEnd)}, instantiated ${ms(v.ours.initDone)}, ${steps(v.ours)}; plain: ${steps(v.plain)}`;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const args = process.argv.slice(2);
  const option = (name, fallback) => {
    const i = args.indexOf(name);
    return i >= 0 ? args[i + 1] : fallback;
  };
  const pkg = resolve(option('--pkg', join(ROOT, 'pkg')));
  if (!existsSync(join(ROOT, 'bench/.build/analytics/analytics.mjs'))) {
    const { default: webpack } = await import('webpack');
    const { default: bundles } = await import('./webpack.config.mjs');
    await new Promise((ok, fail) =>
      webpack(bundles, (err, stats) => (err || stats.hasErrors() ? fail(err ?? new Error(stats.toString('errors-only'))) : ok())),
    );
  }
  const rttMs = Number(option('--rtt', 40));
  const v = await measureVisit({
    pkg,
    rttMs,
    settingsRttMs: Number(option('--settings-rtt', rttMs)),
    newOriginRtts: Number(option('--new-origin-rtts', 0)),
    runs: Number(option('--runs', 20)),
    preload: args.includes('--preload'),
  });
  console.log(
    `Segment site cold visit, AnalyticsBrowser.load() → HubSpot's first event beacon (${pkg}):\n  ${describeVisit(v)}\n  first beacons: ours ${v.ours.command}, plain ${v.plain.command}`,
  );
  if (v.problems.length) console.log(`  problems: ${v.problems.join(' | ')}`);
}
