#!/usr/bin/env node
// Start-up on a Segment site's cold visit, ours beside the plain-JS plugin (bench/plain-hubspot.js):
// from `AnalyticsBrowser.load()` to the first event command in `window._hsq`, with every request
// answered after an added round trip (40 ms by default), the settings from a local stand-in for
// Segment's CDN, analytics-next's lazy chunks and the .wasm included. bench/run.mjs runs it as
// one row; alone:
//
//   node bench/visit.mjs [--runs N] [--rtt MS] [--settings-rtt MS] [--pkg DIR] [--preload]
//
// --settings-rtt: the settings' own round trip (by default --rtt's), for a Segment CDN farther
// from the visitor than the site's own server.
// --preload: ours with the facade's <link rel=modulepreload> and <link rel=preload as=fetch> hints
// in the page (they fetch before the clock starts: for information, not the row's figure).
//
// Each visit is a fresh browser context (its own renderer, nothing compiled or cached reused;
// the server sends no-store), ours and plain in pairs, the order alternating, one pair dropped as
// warm-up. Medians, and their ratio (target ≤ 1.05×). The page half is bench/visit.js.
import { createServer } from 'node:http';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)));
const TYPES = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.mjs': 'text/javascript', '.json': 'application/json', '.wasm': 'application/wasm' };
/** What the stand-in CDN answers for /segment-cdn/v1/projects/<writeKey>/settings: no device-mode destination, no telemetry. */
const SETTINGS = JSON.stringify({ integrations: {}, metrics: { sampleRate: 0 }, plan: { track: { __default: { enabled: true } } } });

/**
 * The repository on 127.0.0.1, `/pkg/` from `pkg`, Segment's settings at /segment-cdn, each
 * answer sent `rttMs` after its request arrived (the settings `settingsRttMs`).
 */
export function startSlowServer({ pkg = join(ROOT, 'pkg'), rttMs = 40, settingsRttMs = rttMs } = {}) {
  const server = createServer(async (req, res) => {
    const started = Date.now();
    let status = 200, type = 'text/plain', body = 'not found', delay = rttMs;
    try {
      const path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
      if (/^\/segment-cdn\/v1\/projects\/[^/]+\/settings$/.test(path)) {
        [type, body, delay] = ['application/json', SETTINGS, settingsRttMs];
      } else {
        const [base, rest] = path.startsWith('/pkg/') ? [pkg, path.slice(5)] : [ROOT, path];
        const file = normalize(join(base, rest));
        if (!file.startsWith(base)) throw new Error('outside');
        [type, body] = [TYPES[extname(file)] ?? 'application/octet-stream', await readFile(file)];
      }
    } catch {
      status = 404;
    }
    setTimeout(() => res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' }).end(body), Math.max(0, delay - (Date.now() - started)));
  });
  return new Promise((ok) => server.listen(0, '127.0.0.1', () => ok({
    url: `http://127.0.0.1:${server.address().port}`,
    close: () => new Promise((done) => { server.closeAllConnections?.(); server.close(done); }),
  })));
}

const median = (xs) => { const s = xs.filter((x) => x != null).sort((a, b) => a - b); const m = s.length >> 1; return !s.length ? null : s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };

/** The visits, in pairs; returns medians per plugin, the ratio, the samples and problems seen. */
export async function measureVisit(browser, { pkg, rttMs = 40, settingsRttMs = rttMs, runs = 20, preload = false } = {}) {
  const server = await startSlowServer({ pkg, rttMs, settingsRttMs });
  const samples = { ours: [], plain: [] };
  const problems = [];
  const pairRatios = [];
  try {
    for (let s = 0; s <= runs; s++) {
      const pair = {};
      for (const plugin of s % 2 ? ['plain', 'ours'] : ['ours', 'plain']) {
        const context = await browser.newContext();
        const page = await context.newPage();
        page.on('pageerror', (e) => problems.push(`${plugin}: ${String(e).split('\n')[0]}`));
        page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') problems.push(`${plugin}: console.${m.type()}: ${m.text().slice(0, 200)}`); });
        await page.goto(`${server.url}/bench/visit.html?plugin=${plugin}${preload ? '&preload' : ''}`);
        await page.waitForFunction(() => window.visit);
        const r = await page.evaluate(() => window.visit());
        await context.close();
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
    settingsEnd: med(plugin, (r) => r.settings?.end),
    wasmStart: med(plugin, (r) => r.wasm?.start),
    wasmEnd: med(plugin, (r) => r.wasm?.end),
    command: samples[plugin][0]?.command ?? null,
  });
  const ours = summary('ours'), plain = summary('plain');
  return {
    rttMs, settingsRttMs, preload, runs: Math.min(samples.ours.length, samples.plain.length), ours, plain,
    ratio: ours.total != null && plain.total ? ours.total / plain.total : null,
    // Each pair's ratio, then their median: steadier when the machine's load drifts.
    pairRatio: median(pairRatios),
    samples, problems: [...new Set(problems)].slice(0, 5),
  };
}

const ms = (x) => (x == null ? '—' : `${x.toFixed(1)} ms`);

/** One line of figures, for the console. */
export function describeVisit(v) {
  const x = (r) => (r == null ? '—' : `${r.toFixed(3)}×`);
  return `ours ${ms(v.ours.total)}, plain JS ${ms(v.plain.total)}, ours/plain ${x(v.ratio)} (median of the pairs' ratios ${x(v.pairRatio)}) ` +
    `(medians of ${v.runs} visits each, ${v.rttMs} ms per request${v.settingsRttMs === v.rttMs ? '' : `, the settings ${v.settingsRttMs} ms`}); ours: settings in at ${ms(v.ours.settingsEnd)}, ` +
    `wasm requested at ${ms(v.ours.wasmStart)}, in at ${ms(v.ours.wasmEnd)}, instantiated at ${ms(v.ours.initDone)}, load() called at ${ms(v.ours.loadCalled)}, ` +
    `track() at ${ms(v.ours.trackCalled)}; plain: load() at ${ms(v.plain.loadCalled)}, track() at ${ms(v.plain.trackCalled)}`;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const args = process.argv.slice(2);
  const option = (name, fallback) => { const i = args.indexOf(name); return i >= 0 ? args[i + 1] : fallback; };
  const pkg = resolve(option('--pkg', join(ROOT, 'pkg')));
  if (!existsSync(join(ROOT, 'bench/.build/analytics/analytics.mjs'))) {
    const { default: webpack } = await import('webpack');
    const { default: bundles } = await import('./webpack.config.mjs');
    await new Promise((ok, fail) => webpack(bundles, (err, stats) => (err || stats.hasErrors() ? fail(err ?? new Error(stats.toString('errors-only'))) : ok())));
  }
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1'] });
  try {
    const rttMs = Number(option('--rtt', 40));
    const v = await measureVisit(browser, { pkg, rttMs, settingsRttMs: Number(option('--settings-rtt', rttMs)), runs: Number(option('--runs', 20)), preload: args.includes('--preload') });
    console.log(`Segment site cold visit, AnalyticsBrowser.load() → first event in _hsq (${pkg}):\n  ${describeVisit(v)}\n  first commands: ours ${v.ours.command}, plain ${v.plain.command}`);
    if (v.problems.length) console.log(`  problems: ${v.problems.join(' | ')}`);
  } finally {
    await browser.close();
  }
}
