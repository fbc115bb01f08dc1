#!/usr/bin/env node
// `npm run bench` (after the release build into pkg/): the budget of docs/size.md, measured in
// headless Chromium, printed as one table and written as JSON under bench/results/. It only
// prints figures: nothing here fails on a missed target (and nothing else in the repo is timed).
//
//   node bench/run.mjs [--quick] [--pkg DIR] [--profile]
//
//   --quick    fewer and shorter samples: a smoke run (about 40 s), noisier figures
//   --pkg DIR  measure another build of the package (default: pkg/)
//   --profile  also record CPU profiles of the microbench's identify and track with the wasm's
//              names (the named build) and print the top self-time frames; the .cpuprofile
//              files go to bench/results/ (open them in DevTools)
//
// What each row measures and how: bench/README.md.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { basename, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import webpack from 'webpack';
import { CHROMIUM, CHROMIUM_ARGS } from '../scripts/chromium.mjs';
import { startServer } from '../scripts/serve.mjs';
import { crateCosts, gz, measureFiles, namedBuild, shippedFiles, twiggyTop } from './size.mjs';
import { describeNetwork, describeSteps, measureVisit } from './visit.mjs';
import bundles from './webpack.config.mjs';

const ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)));
const BENCH = join(ROOT, 'bench');
const args = process.argv.slice(2);
const option = (name) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const QUICK = args.includes('--quick');
const PROFILE = args.includes('--profile');
const PKG = resolve(option('--pkg') ?? join(ROOT, 'pkg'));

const CFG = QUICK
  ? {
      micro: { warmMs: 150, batchMs: 100, batches: 3 },
      share: { events: 300, block: 100, warm: 50 },
      startupSamples: 5,
      visit: { runs: 5, rttMs: 40 },
      memory: { first: 1000, total: 20000 },
    }
  : {
      micro: { warmMs: 300, batchMs: 200, batches: 7 },
      share: { events: 2000, block: 250, warm: 200 },
      startupSamples: 20,
      visit: { runs: 20, rttMs: 40 },
      memory: { first: 1000, total: 100000 },
    };
// The same visits as a real first visit: each new third-party origin (Segment's CDN, HubSpot's
// hosts) costs two more round trips (DNS, then TCP and TLS) before its first answer.
CFG.visitNew = { ...CFG.visit, newOriginRtts: 2 };

const TARGETS = {
  sizeGzip: { max: 30 * 1024, aim: 24 * 1024 },
  // Each other build a page may download instead (the full wasm, the actions wasm).
  otherBuildGzip: { max: 36 * 1024 },
  sharePercent: { max: 5, aim: 2 },
  visitRatio: { max: 1.05 }, // the Segment site's cold visit, ours / plain JS
  visitNewRatio: { max: 1.0, aim: 0.9 }, // the same where new origins cost their set-up
};

/** The page settles this long in a fresh context before a start-up sample: the new renderer's own start is not ours. */
const SETTLE_MS = 200;
// Cross-origin isolation: performance.now() then ticks in 5 µs instead of 100 µs.
const ISOLATION = { 'cross-origin-opener-policy': 'same-origin', 'cross-origin-embedder-policy': 'require-corp' };
const BENCH_ARGS = [
  ...CHROMIUM_ARGS,
  // window.gc() and unrounded performance.memory, for the memory figures only.
  '--js-flags=--expose-gc',
  '--enable-precise-memory-info',
  // Nothing but the local server resolves: no request may leave (there is no HubSpot or Segment
  // here). Not Playwright's request routing: that pauses every request, the wasm's fetch too,
  // for a round trip to Node, and start-up would pay for it.
  '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1',
];

const log = (...a) => console.error('bench:', ...a);
const median = (xs) => {
  const s = xs.filter((x) => x != null).sort((a, b) => a - b);
  const m = s.length >> 1;
  return !s.length ? null : s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const kb = (n) => (n == null ? '—' : `${(n / 1024).toFixed(2)} KB`);
const ms = (x, digits = 2) => (x == null ? '—' : `${x.toFixed(digits)} ms`);
const pct = (x) => (x == null ? '—' : `${x.toFixed(2)} %`);
const rate = (r) => (r == null ? '—' : r >= 1e6 ? `${(r / 1e6).toFixed(2)} M/s` : `${(r / 1e3).toFixed(0)} k/s`);
const times = (x) => (x == null ? '—' : `${x.toFixed(2)}×`);
const verdict = (ok, aimed) => (ok == null ? '—' : !ok ? 'NO' : aimed ? 'yes (aim too)' : 'yes');
const stamp = new Date().toISOString().replace(/[:.]/g, '-');

// ---------------------------------------------------------------------------------------------
// Size

function bundleJs() {
  return new Promise((ok, fail) =>
    webpack(bundles, (err, stats) => {
      if (err || stats.hasErrors()) fail(err ?? new Error(stats.toString('errors-only')));
      else ok();
    }),
  );
}

function measureSize() {
  const files = measureFiles(PKG);
  const wasm = join(PKG, files.lean.file);
  const named = namedBuild(ROOT, wasm, log);
  const crates = named.wasm ? crateCosts(named.wasm) : null;
  const twiggy = named.wasm ? twiggyTop(named.wasm) : null;
  const peerBundle = readFileSync(join(BENCH, '.build/peer/peer.mjs'));
  const peer = {
    what: '@analytics/hubspot bundled and minified by webpack (bench/.build/peer/peer.mjs)',
    gzip9: gz(peerBundle),
    raw: peerBundle.length,
  };
  return { ...files, named, crates, twiggy, peer };
}

// ---------------------------------------------------------------------------------------------
// In the browser

async function openBenchPage(browser, base) {
  const context = await browser.newContext();
  const page = await context.newPage();
  const problems = [];
  // One line each: a stack trace would drown the table's notes.
  const note = (text) => problems.push(text.split('\n')[0].slice(0, 240));
  page.on('pageerror', (e) => note(String(e)));
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') note(`console.${m.type()}: ${m.text()}`);
  });
  page.on('requestfailed', (r) => note(`request failed: ${r.url()} (${r.failure()?.errorText})`));
  await page.goto(`${base}/bench/page.html`);
  await page.waitForFunction(() => window.bench);
  return { context, page, problems };
}

async function measureShare(browser, base, urls) {
  const { context, page, problems } = await openBenchPage(browser, base);
  try {
    const r = await page.evaluate((a) => window.bench.share(a), { ...urls, ...CFG.share });
    return { ...r, problems: [...new Set(problems)].slice(0, 5) };
  } finally {
    await context.close();
  }
}

/**
 * Start-up samples in pairs, ours and plain JS, each in a fresh browser context (its own
 * renderer process, nothing compiled reused; the server sends no-store, so every byte is fetched
 * again), the order alternating from pair to pair. The first pair warms up the browser and is
 * dropped.
 */
async function measureStartup(browser, base, urls) {
  const samples = { ours: [], plain: [] };
  const problems = [];
  for (let s = 0; s <= CFG.startupSamples; s++) {
    for (const kind of s % 2 ? ['plain', 'ours'] : ['ours', 'plain']) {
      const { context, page, problems: p } = await openBenchPage(browser, base);
      await page.waitForTimeout(SETTLE_MS);
      const r = await page.evaluate((a) => window.bench.startup(a), {
        url: urls[kind === 'ours' ? 'pkgUrl' : 'plainUrl'],
        ours: kind === 'ours',
      });
      await context.close();
      problems.push(...p);
      if (r.error) problems.push(`${kind}: ${r.error}`);
      else if (s > 0) samples[kind].push(r);
    }
  }
  const med = (kind, key) => median(samples[kind].map((x) => x[key]));
  const ours = Object.fromEntries(['total', 'importJs', 'wasm', 'wasmFetch', 'firstCall'].map((k) => [k, med('ours', k)]));
  const plain = Object.fromEntries(['total', 'importJs'].map((k) => [k, med('plain', k)]));
  return {
    pairs: Math.min(samples.ours.length, samples.plain.length),
    ours,
    plain,
    ratio: ours.total != null && plain.total ? ours.total / plain.total : null,
    firstCommand: { ours: samples.ours[0]?.command?.[0] ?? null, plain: samples.plain[0]?.command?.[0] ?? null },
    problems: [...new Set(problems)].slice(0, 5),
    samples,
  };
}

async function measureMemory(browser, base, urls) {
  const { context, page, problems } = await openBenchPage(browser, base);
  try {
    return {
      ...(await page.evaluate((a) => window.bench.memory(a), { pkgUrl: urls.pkgUrl, ...CFG.memory })),
      problems: problems.slice(0, 5),
    };
  } finally {
    await context.close();
  }
}

/** The microbench: batches of each implementation interleaved, starting with a different one each round. */
async function measureMicro(browser, base, urls) {
  const { context, page, problems } = await openBenchPage(browser, base);
  try {
    const info = await page.evaluate((a) => window.bench.setup(a), urls);
    const rows = {};
    for (const [id, row] of Object.entries(info.rows)) {
      const impls = row.impls;
      for (const impl of impls) await page.evaluate(([i, m, t]) => window.bench.batch(i, m, t), [id, impl, CFG.micro.warmMs]);
      const rates = Object.fromEntries(impls.map((i) => [i, []]));
      const pushed = Object.fromEntries(impls.map((i) => [i, { calls: 0, pushes: 0 }]));
      let error = null;
      for (let b = 0; b < CFG.micro.batches && !error; b++) {
        for (let k = 0; k < impls.length; k++) {
          const impl = impls[(b + k) % impls.length];
          const r = await page.evaluate(([i, m, t]) => window.bench.batch(i, m, t), [id, impl, CFG.micro.batchMs]);
          if (r.error) {
            error = `${impl}: ${r.error}`;
            break;
          }
          rates[impl].push((r.calls / r.elapsed) * 1000);
          pushed[impl].calls += r.calls;
          pushed[impl].pushes += r.pushes;
        }
      }
      const perSec = Object.fromEntries(impls.map((i) => [i, median(rates[i])]));
      rows[id] = {
        label: row.label,
        callsPerSec: perSec,
        error,
        nsPerCall: Object.fromEntries(impls.map((i) => [i, perSec[i] ? 1e9 / perSec[i] : null])),
        // Commands pushed per call while timed: each implementation did its job.
        pushesPerCall: Object.fromEntries(impls.map((i) => [i, pushed[i].calls ? +(pushed[i].pushes / pushed[i].calls).toFixed(3) : null])),
      };
      log(`microbench ${row.label}: ${impls.map((i) => `${i} ${rate(perSec[i])}`).join(', ')}${error ? ` ERROR ${error}` : ''}`);
    }
    return {
      rows,
      samples: info.samples,
      version: info.version,
      notes: [...info.notes, ...problems.slice(0, 5)],
      crossOriginIsolated: info.crossOriginIsolated,
    };
  } finally {
    await context.close();
  }
}

/**
 * CPU profiles (the DevTools protocol's sampling profiler) of ours in the microbench, from a copy
 * of the package whose wasm is the named build's (same sources, so the same imports), so wasm
 * frames carry Rust names.
 */
async function profileOurs(browser, base, urls, named) {
  if (!named.wasm) return { note: `no named build: ${named.note}` };
  const dir = mkdtempSync(join(tmpdir(), 'hubspot-wasm-prof-'));
  cpSync(PKG, dir, { recursive: true });
  cpSync(named.wasm, join(dir, 'hubspot_wasm_bg.wasm'));
  const server = await startServer({
    root: dir,
    headers: { 'access-control-allow-origin': '*', 'cross-origin-resource-policy': 'cross-origin' },
  });
  const { context, page } = await openBenchPage(browser, base);
  try {
    await page.evaluate((a) => window.bench.setup(a), { ...urls, pkgUrl: `${server.url}/hubspot_wasm.js` });
    const cdp = await context.newCDPSession(page);
    await cdp.send('Profiler.enable');
    await cdp.send('Profiler.setSamplingInterval', { interval: 50 });
    const out = {};
    for (const id of ['identify', 'track']) {
      await page.evaluate((i) => window.bench.batch(i, 'ours', 500), id);
      await cdp.send('Profiler.start');
      await page.evaluate((i) => window.bench.batch(i, 'ours', 2000), id);
      const { profile } = await cdp.send('Profiler.stop');
      const file = join(BENCH, 'results', `profile-${id}-${stamp}.cpuprofile`);
      writeFileSync(file, JSON.stringify(profile));
      out[id] = { file: relative(ROOT, file), top: selfTimes(profile).slice(0, 20) };
    }
    return out;
  } finally {
    await context.close();
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Self time per frame, as a share of the profile. */
function selfTimes(profile) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map();
  let total = 0;
  profile.samples.forEach((id, i) => {
    const dt = profile.timeDeltas[i] ?? 0;
    total += dt;
    const cf = byId.get(id).callFrame;
    const key = `${cf.functionName || '(anonymous)'}  ${cf.url ? basename(cf.url.split('?')[0]) : ''}`.trim();
    self.set(key, (self.get(key) ?? 0) + dt);
  });
  return [...self].sort((a, b) => b[1] - a[1]).map(([frame, us]) => ({ frame, percent: +((100 * us) / total).toFixed(1) }));
}

// ---------------------------------------------------------------------------------------------
// The table

function table({ size, share, startup, visit, visitNew, memory, micro }) {
  const rows = [];
  const row = (metric, value = '', detail = '', target = '', met = '') => rows.push({ metric, value, detail, target, met });
  const T = TARGETS;

  const entryGzip = size.gzip9 - size.lean.gzip9;
  const margin = T.sizeGzip.max - size.gzip9;
  row(
    'size: download total (gzip -9)',
    kb(size.gzip9),
    `entry ${kb(entryGzip)} + lean wasm ${kb(size.lean.gzip9)}; raw ${kb(size.raw)}; margin ${margin >= 0 ? '' : '−'}${kb(Math.abs(margin))} ${margin >= 0 ? 'under' : 'over'} the budget`,
    '≤ 30 KB, aim 24 KB',
    verdict(size.gzip9 <= T.sizeGzip.max, size.gzip9 <= T.sizeGzip.aim),
  );
  // The other builds, each instead of the lean wasm, against their own budget.
  for (const [build, metric, what] of [
    [size.full, 'size: with form forwarding or the banner helper', 'full'],
    [size.actions, "size: a page naming no portal (the workspace's Actions subscriptions)", 'actions'],
  ]) {
    if (!build) continue;
    const over = build.gzip9 - T.otherBuildGzip.max;
    row(
      metric,
      kb(build.gzip9),
      `entry + ${what} wasm instead of the lean one; raw ${kb(build.raw)}; ${kb(Math.abs(over))} ${over > 0 ? 'over' : 'under'} the budget`,
      '≤ 36 KB',
      verdict(over <= 0),
    );
  }
  for (const f of size.files) row(`  ${f.file}`, kb(f.gzip9), `${f.role}; raw ${kb(f.raw)}`);
  if (size.crates) {
    const sum = size.crates.reduce((a, c) => a + c.gzip9, 0);
    row('size: the lean wasm by crate (each gzipped alone)', kb(sum), `sum of the parts; the whole wasm gzips to ${kb(size.lean.gzip9)}`);
    for (const c of size.crates) {
      const what =
        c.functions === 0
          ? 'no code of its own left (inlined into callers, or JS imports in the glue)'
          : `${c.functions == null ? '' : `${c.functions} fn, `}raw ${kb(c.raw)}; ${c.buys}`;
      row(`  ${c.crate}`, kb(c.gzip9), what);
    }
  } else {
    row('size: the wasm by crate', '—', size.named.note);
  }
  row('size: @analytics/hubspot (peer), bundled', kb(size.peer.gzip9), `raw ${kb(size.peer.raw)}`, 'info');

  for (const kind of ['identify', 'track']) {
    const o = share.result.ours[kind],
      p = share.result.plain[kind];
    row(
      `share inside analytics-next: ${kind}`,
      pct(o.sharePercent),
      `plugin ${ms(o.pluginMsPerEvent, 3)} of ${ms(o.analyticsMsPerEvent, 2)} per event (${o.events.toLocaleString('en')} events); plain JS ${pct(p.sharePercent)}`,
      '≤ 5 %, aim 2 %',
      verdict(o.sharePercent <= T.sharePercent.max, o.sharePercent <= T.sharePercent.aim),
    );
  }

  const s = startup;
  // The whole wasm's fetch and compile in plain view (nothing else to hide them behind): beside
  // the Segment site's cold visit below, which is the target.
  row(
    'start-up: import → first event in _hsq',
    `ours ${ms(s.ours.total)}`,
    `plain JS ${ms(s.plain.total)}; ours/plain ${times(s.ratio)} (medians of ${s.pairs} fresh contexts each)`,
    'info',
  );
  row(
    '  ours, by step (medians)',
    '',
    `import JS ${ms(s.ours.importJs)}, wasm fetch+compile+instantiate+new HubSpotPlugin ${ms(s.ours.wasm)} (the fetch alone ${ms(s.ours.wasmFetch)}), then load + the held track ${ms(s.ours.firstCall)}`,
  );
  row(
    '  plain JS, by step (medians)',
    '',
    `import JS ${ms(s.plain.importJs)}, then hubspotPlugin + load + track ${ms(s.plain.total - s.plain.importJs)}`,
  );

  // A Segment site's first page view, to HubSpot's first event beacon, through HubSpot's chain.
  for (const [v, target, limit] of [
    [visit, '≤ 1.05×', T.visitRatio],
    [visitNew, '≤ 1.0×, aim 0.9×', T.visitNewRatio],
  ]) {
    row(
      `start-up: Segment site cold visit (${describeNetwork(v)}), AnalyticsBrowser.load() → HubSpot's first event beacon`,
      `ours ${ms(v.ours.total)}`,
      `plain JS ${ms(v.plain.total)}; ours/plain ${times(v.ratio)}, median of the pairs' ratios ${times(v.pairRatio)} (${v.runs} fresh contexts each)`,
      target,
      verdict(v.ratio != null && v.ratio <= limit.max, limit.aim == null || (v.ratio != null && v.ratio <= limit.aim)),
    );
    row('  the steps (medians, from AnalyticsBrowser.load())', '', describeSteps(v));
  }

  const m1 = memory.afterFirst,
    m2 = memory.afterTotal;
  const tablesGrew = Object.entries(m2.tables).some(([k, v]) => v > (m1.tables[k] ?? 0));
  row(
    `memory: wasm after ${memory.first.toLocaleString('en')} → ${memory.total.toLocaleString('en')} calls`,
    `${kb(m1.wasmBytes)} → ${kb(m2.wasmBytes)}`,
    `tables ${JSON.stringify(m1.tables)} → ${JSON.stringify(m2.tables)}${memory.errors ? `; ${memory.errors} calls threw` : ''}`,
    'not larger',
    verdict(m2.wasmBytes <= m1.wasmBytes && !tablesGrew && !memory.errors),
  );

  for (const r of Object.values(micro.rows)) {
    const c = r.callsPerSec;
    row(
      `microbench: ${r.label}`,
      `ours ${rate(c.ours)}`,
      `peer ${rate(c.peer)}, plain JS ${rate(c.plain)}; ours/peer ${times(c.ours / c.peer)}${r.error ? `; ERROR ${r.error}` : ''}`,
      'info',
    );
  }
  return rows;
}

function printTable(rows) {
  const cols = ['metric', 'value', 'detail', 'target', 'met'];
  const head = { metric: 'metric', value: 'value', detail: 'detail', target: 'target', met: 'met?' };
  const w = Object.fromEntries(cols.map((c) => [c, Math.max(head[c].length, ...rows.map((r) => String(r[c]).length))]));
  const line = (r) =>
    cols
      .map((c) => String(r[c]).padEnd(w[c]))
      .join(' │ ')
      .trimEnd();
  console.log(line(head));
  console.log(cols.map((c) => '─'.repeat(w[c])).join('─┼─'));
  for (const r of rows) console.log(line(r));
}

// ---------------------------------------------------------------------------------------------

function gitDescribe() {
  try {
    const head = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--', 'src', 'js', 'Cargo.toml', 'Cargo.lock'], {
      cwd: ROOT,
      encoding: 'utf8',
    }).trim();
    return dirty ? `${head}+dirty` : head;
  } catch {
    return null;
  }
}

async function main() {
  const t0 = Date.now();
  const loadBefore = loadavg()[0];
  if (!existsSync(join(PKG, 'hubspot_wasm.js')) || !shippedFiles(PKG).some((f) => f.endsWith('.wasm'))) {
    console.error(`bench: ${PKG} has no hubspot_wasm.js or no .wasm: run \`node scripts/build.mjs\` first (or \`npm run bench\`)`);
    process.exit(2);
  }
  mkdirSync(join(BENCH, 'results'), { recursive: true });
  log('bundling the peer and analytics-next (webpack)');
  await bundleJs();
  const size = measureSize();
  log(
    `size: ${kb(size.gzip9)} gzip -9 (${size.files.map((f) => `${f.file} ${f.gzip9} B`).join(', ')}; with the full wasm ${size.full ? kb(size.full.gzip9) : '—'})`,
  );
  if (size.named.note) log(`note: ${size.named.note}`);

  const server = await startServer({ root: ROOT, headers: ISOLATION });
  // Another build (--pkg DIR) is served from its own origin, with CORS for the module import.
  const pkgServer =
    PKG === join(ROOT, 'pkg')
      ? null
      : await startServer({ root: PKG, headers: { 'access-control-allow-origin': '*', 'cross-origin-resource-policy': 'cross-origin' } });
  const urls = {
    pkgUrl: pkgServer ? `${pkgServer.url}/hubspot_wasm.js` : `${server.url}/pkg/hubspot_wasm.js`,
    plainUrl: `${server.url}/bench/plain-hubspot.js`,
    peerUrl: `${server.url}/bench/.build/peer/peer.mjs`,
    analyticsUrl: `${server.url}/bench/.build/analytics/analytics.mjs`,
  };
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: BENCH_ARGS });
  let share,
    startup,
    visit,
    visitNew,
    memory,
    micro,
    profile = null;
  try {
    log(`share: ${CFG.share.events} identify + ${CFG.share.events} track through analytics-next, ours and plain JS`);
    share = await measureShare(browser, server.url, urls);
    log(`share: identify ${pct(share.result.ours.identify.sharePercent)}, track ${pct(share.result.ours.track.sharePercent)}`);
    startup = await measureStartup(browser, server.url, urls);
    log(`start-up: ours ${ms(startup.ours.total)}, plain JS ${ms(startup.plain.total)} (medians of ${startup.pairs})`);
    visit = await measureVisit({ pkg: PKG, ...CFG.visit });
    log(`start-up, Segment site cold visit: ours ${ms(visit.ours.total)}, plain JS ${ms(visit.plain.total)} (medians of ${visit.runs})`);
    visitNew = await measureVisit({ pkg: PKG, ...CFG.visitNew });
    log(`start-up, the same with new origins' set-up: ours ${ms(visitNew.ours.total)}, plain JS ${ms(visitNew.plain.total)}`);
    memory = await measureMemory(browser, server.url, urls);
    log(`memory: ${kb(memory.afterFirst.wasmBytes)} after ${memory.first}, ${kb(memory.afterTotal.wasmBytes)} after ${memory.total} calls`);
    micro = await measureMicro(browser, server.url, urls);
    if (PROFILE) profile = await profileOurs(browser, server.url, urls, size.named);
  } catch (e) {
    console.error(`\nbench: the browser part failed, so there is no table. Size so far: ${kb(size.gzip9)} gzip -9.\n`);
    throw e;
  } finally {
    await browser.close();
    await server.close();
    if (pkgServer) await pkgServer.close();
  }

  const notes = [];
  const load = { before: +loadBefore.toFixed(2), after: +loadavg()[0].toFixed(2), cpus: cpus().length };
  if (Math.max(load.before, load.after) > 0.5 * load.cpus) {
    notes.push(
      `the machine was busy (1-min load average ${load.before} before, ${load.after} after, on ${load.cpus} CPUs): timings are noisy; the shares and ratios (measured side by side) hold up better than absolute figures`,
    );
  }
  if (size.named.note) notes.push(size.named.note);
  if (!share.crossOriginIsolated)
    notes.push('the page was not cross-origin isolated: performance.now() ticked in 100 µs, too coarse for the plugin time');
  for (const kind of ['identify', 'track']) {
    const o = share.result.ours[kind];
    if (o.pluginCalls !== o.events)
      notes.push(`share, ${kind}: analytics-next called the plugin ${o.pluginCalls} times for ${o.events} events`);
  }
  if (startup.firstCommand.ours !== 'trackCustomBehavioralEvent')
    notes.push(`start-up: ours' first command was ${startup.firstCommand.ours}, not trackCustomBehavioralEvent`);
  for (const [what, list] of [
    ['share', share.problems],
    ['start-up', startup.problems],
    ['cold visit', visit.problems],
    ['cold visit, new origins', visitNew.problems],
    ['memory', [...memory.problems, ...memory.notes]],
    ['microbench', micro.notes],
  ]) {
    for (const p of list) notes.push(`${what}: ${p}`);
  }
  for (const r of Object.values(micro.rows)) {
    if (r.pushesPerCall.ours !== r.pushesPerCall.plain)
      notes.push(`microbench ${r.label}: ours pushed ${r.pushesPerCall.ours} commands per call, plain JS ${r.pushesPerCall.plain}`);
  }

  const rows = table({ size, share, startup, visit, visitNew, memory, micro });
  const result = {
    timestamp: new Date().toISOString(),
    commit: gitDescribe(),
    pkg: relative(ROOT, PKG) || PKG,
    pluginVersion: micro.version,
    chromium: browser.version(),
    node: process.version,
    load,
    quick: QUICK,
    config: CFG,
    targets: TARGETS,
    table: rows,
    size,
    share,
    startup,
    visit,
    visitNew,
    memory,
    micro,
    profile,
    notes,
    seconds: (Date.now() - t0) / 1000,
  };
  const file = join(BENCH, 'results', `bench-${stamp}.json`);
  writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
  writeFileSync(join(BENCH, 'results', 'latest.json'), `${JSON.stringify(result, null, 2)}\n`);

  console.log(
    `\nhubspot-wasm ${result.pluginVersion ?? ''} benchmark — ${result.timestamp}, commit ${result.commit ?? '?'}, Chromium ${result.chromium}${QUICK ? ' (--quick: noisy)' : ''}\n`,
  );
  printTable(rows);
  const ns = (r) =>
    Object.entries(r.nsPerCall)
      .map(([k, v]) => `${k} ${v ? v.toFixed(0) : '—'}`)
      .join(' / ');
  console.log(
    `\nmicrobench, ns per call (median): ${Object.values(micro.rows)
      .map((r) => `${r.label}: ${ns(r)}`)
      .join('; ')}`,
  );
  if (size.twiggy)
    console.log(
      `\ntwiggy top of the named build (${relative(ROOT, size.named.wasm)}; names kept, so a little larger than shipped):\n${size.twiggy.top}`,
    );
  const show = (cmds) =>
    (cmds ?? [])
      .map((c) => {
        const t = JSON.stringify(c);
        return t.length > 300 ? `${t.slice(0, 300)}…` : t;
      })
      .join('\n    ');
  console.log(
    `\nwhat one identify then one track push (microbench events, not timed):\n  ours:\n    ${show(micro.samples.ours)}\n  peer:\n    ${show(micro.samples.peer)}\n  plain JS:\n    ${show(micro.samples.plain)}`,
  );
  if (profile) {
    if (profile.note) console.log(`\nCPU profile: ${profile.note}`);
    for (const [id, p] of Object.entries(profile).filter(([k]) => k !== 'note')) {
      console.log(
        `\nCPU profile, ours ${id} (self time; ${p.file}):\n${p.top.map((t) => `  ${String(t.percent).padStart(5)} %  ${t.frame}`).join('\n')}`,
      );
    }
  }
  if (notes.length) console.log(`\nnotes:\n${notes.map((n) => `  - ${n}`).join('\n')}`);
  console.log(`\nwritten: ${relative(ROOT, file)} (${result.seconds.toFixed(0)} s)`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
