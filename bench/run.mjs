#!/usr/bin/env node
// `npm run bench` (after the release build into pkg/): size, speed, start-up and memory of the
// plugin in headless Chromium, beside the JavaScript peer @analytics/hubspot and a plain-JS
// floor, against the targets of SPEC S9 / issue 5. Prints a table and writes it as JSON under
// bench/results/. It only prints figures: nothing here fails on a missed target.
//
//   node bench/run.mjs [--pkg DIR] [--quick] [--profile] [--rows identify,track]
//
//   --pkg DIR   benchmark another build of the package (default: pkg/), e.g. a `--profiling` one
//   --quick     fewer/shorter samples (a smoke run, ~20 s; figures are noisier)
//   --profile   also record a CPU profile of ours (identify, track, trackMin) with the wasm's names
//               (a named build of the same code) and print the top self-time frames; the
//               .cpuprofile files go to bench/results/ (open them in DevTools)
//   --rows      only these speed rows (ids: identify, identifyFlush, track, trackCustom,
//               identifyMin, trackMin)
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { basename, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { chromium } from 'playwright-core';
import webpack from 'webpack';
import { startServer } from '../scripts/serve.mjs';
import peerConfig from './peer.webpack.config.mjs';

const ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)));
const BENCH = join(ROOT, 'bench');
const args = process.argv.slice(2);
const flag = (name) => args.includes(name);
const option = (name) => { const i = args.indexOf(name); return i >= 0 ? args[i + 1] : undefined; };

const QUICK = flag('--quick');
const PROFILE = flag('--profile');
const PKG = resolve(option('--pkg') ?? join(ROOT, 'pkg'));
const PKG_GIVEN = PKG;
const ROWS = option('--rows')?.split(',');
const CFG = QUICK
  ? { warmMs: 150, batchMs: 100, batches: 3, startupSamples: 5, memTotal: 20000 }
  : { warmMs: 300, batchMs: 200, batches: 7, startupSamples: 20, memTotal: 100000 };

const SETTLE_MS = 200;
// Cross-origin isolation: performance.now() then ticks in 5 µs instead of 100 µs.
const ISOLATION = { 'cross-origin-opener-policy': 'same-origin', 'cross-origin-embedder-policy': 'require-corp' };

const TARGETS = {
  sizeGzipBytes: 10 * 1024,      // wasm + JS entry, gzip -9
  speedVsPeer: 1, speedVsPeerAim: 2,
  floorOverOurs: 3,              // within 3x of the floor
  startupMs: 5,
};

const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
  // window.gc() and unrounded performance.memory, for the memory figures only.
  '--js-flags=--expose-gc', '--enable-precise-memory-info',
  // Nothing but the local server resolves (no HubSpot request is expected: the page already has
  // #hs-script-loader). Not Playwright's request routing: that pauses every request of the page,
  // the wasm's fetch too, for a round trip to Node, and start-up would pay for it.
  '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1'];

const log = (...a) => console.error('bench:', ...a);
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };
const kb = (n) => `${(n / 1024).toFixed(2)} KB`;
const gz = (buf) => gzipSync(buf, { level: 9 }).length;
const fmtRate = (r) => r == null ? '—' : r >= 1e6 ? `${(r / 1e6).toFixed(2)} M/s` : `${(r / 1e3).toFixed(0)} k/s`;
const fmtX = (x) => x == null ? '—' : `${x.toFixed(2)}×`;
const fmtMs = (x) => x == null ? '—' : `${x.toFixed(2)} ms`;
const yes = (b) => b == null ? '—' : b ? 'yes' : 'NO';

// ---------------------------------------------------------------------------------------------
// 1. Size

function walk(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)]);
}

/** What a browser downloads for the plugin: every JS module and wasm file of the package. */
function shippedFiles() {
  return walk(PKG).filter((f) => /\.(m?js|wasm)$/.test(f) && !/\.d\.ts$/.test(f)).sort();
}
const shippedWasm = () => shippedFiles().find((f) => f.endsWith('.wasm'));

function measureSize() {
  const files = shippedFiles();
  const perFile = files.map((f) => { const b = readFileSync(f); return { file: relative(PKG, f), raw: b.length, gzip9: gz(b) }; });
  const ours = { files: perFile, raw: sum(perFile, 'raw'), gzip9: sum(perFile, 'gzip9') };

  const peerBundle = readFileSync(join(BENCH, '.build', 'peer.mjs'));
  const peerMin = join(ROOT, 'node_modules/@analytics/hubspot/dist/@analytics/hubspot.min.js');
  const peer = {
    what: '@analytics/hubspot browser build, bundled + minified by webpack (bench/.build/peer.mjs)',
    version: JSON.parse(readFileSync(join(ROOT, 'node_modules/@analytics/hubspot/package.json'), 'utf8')).version,
    raw: peerBundle.length, gzip9: gz(peerBundle),
    distMin: existsSync(peerMin) ? { file: 'dist/@analytics/hubspot.min.js (UMD)', raw: statSync(peerMin).size, gzip9: gz(readFileSync(peerMin)) } : null,
  };
  return { ours, peer };
}
const sum = (xs, k) => xs.reduce((a, x) => a + x[k], 0);

function bundlePeer() {
  return new Promise((ok, fail) => webpack(peerConfig, (err, stats) => {
    if (err || stats.hasErrors()) fail(err ?? new Error(stats.toString('errors-only')));
    else ok();
  }));
}

const toolEnv = { ...process.env, PATH: `${process.env.HOME}/.cargo/bin:${process.env.PATH}` };
const which = (cmd) => { try { return execFileSync('bash', ['-c', `command -v ${cmd}`], { env: toolEnv, encoding: 'utf8' }).trim(); } catch { return null; } };

/**
 * The shipped wasm again, with names: cargo's output (target/…/release) through the build's
 * wasm-opt flags plus `-g`. For twiggy and for readable CPU profiles. Returns
 * { file, flags, note } (file null when it cannot be made).
 */
let namedCache;
function namedBuild() {
  if (namedCache) return namedCache;
  const raw = join(ROOT, 'target/wasm32-unknown-unknown/release/hubspot_wasm.wasm');
  if (PKG_GIVEN !== join(ROOT, 'pkg')) return (namedCache = { file: null, note: 'no named build for --pkg' });
  if (!existsSync(raw)) return (namedCache = { file: null, note: `no ${relative(ROOT, raw)}` });
  const notes = [];
  if (Math.abs(statSync(raw).mtimeMs - statSync(shippedWasm()).mtimeMs) > 10 * 60e3) notes.push(`${relative(ROOT, raw)} and pkg/ were built more than 10 min apart: the named build may not match`);
  try {
    const dir = mkdtempSync(join(tmpdir(), 'hubspot-wasm-named-'));
    // The build's wasm-opt: npm's binaryen if installed, else PATH's; its flags minus the stripping.
    const npmOpt = join(ROOT, 'node_modules/.bin/wasm-opt');
    const opt = existsSync(npmOpt) ? npmOpt : 'wasm-opt';
    const flags = wasmOptFlags().filter((f) => !f.startsWith('--strip'));
    const file = join(dir, 'named_opt.wasm');
    execFileSync(opt, [...flags, '-g', raw, '-o', file], { env: toolEnv, stdio: 'pipe' });
    // The same without names should be the shipped file; say so when it is not.
    execFileSync(opt, ['--strip-debug', '--strip-producers', file, '-o', join(dir, 'stripped.wasm')], { env: toolEnv, stdio: 'pipe' });
    const [mine, shipped] = [statSync(join(dir, 'stripped.wasm')).size, statSync(shippedWasm()).size];
    if (Math.abs(mine - shipped) > 0.03 * shipped) notes.push(`the named build (wasm-opt ${flags.join(' ')}) is ${mine} bytes without names, the shipped wasm ${shipped}: it is only indicative`);
    return (namedCache = { file, dir, flags: flags.join(' '), note: notes.join('; ') || null });
  } catch (e) {
    return (namedCache = { file: null, note: `named build failed: ${String(e.message).slice(0, 300)}` });
  }
}

/** `twiggy top` of the shipped wasm (wasm-opt has stripped its names) and of the named build. */
function twiggyReport() {
  const twiggy = which('twiggy');
  if (!twiggy) return { note: 'twiggy not installed: `cargo install twiggy --locked` (about 1 min on 2 cores) to see what the wasm bytes are; the bench does not install it' };
  const run = (...a) => execFileSync(twiggy, a, { encoding: 'utf8', maxBuffer: 64 << 20 });
  const out = { shipped: run('top', '-n', '15', shippedWasm()) };
  const named = namedBuild();
  out.note = named.note;
  if (named.file) {
    out.namedFlags = named.flags;
    out.named = run('top', '-n', '20', named.file);
  }
  return out;
}

/** wasm-opt's flags as the build uses them: scripts/build.mjs's call, else Cargo.toml's wasm-pack list, else -Oz. */
function wasmOptFlags() {
  const build = existsSync(join(ROOT, 'scripts/build.mjs')) ? readFileSync(join(ROOT, 'scripts/build.mjs'), 'utf8') : '';
  const call = /wasm-opt[^\[\n]*,\s*\[([^\]]*)\]/.exec(build)?.[1];
  if (call) {
    const args = [...call.matchAll(/'([^']*)'|"([^"]*)"/g)].map((m) => m[1] ?? m[2]);
    const end = args.indexOf('-o');
    return end >= 0 ? args.slice(0, end) : args;
  }
  const cargo = /wasm-opt\s*=\s*\[([^\]]*)\]/.exec(readFileSync(join(ROOT, 'Cargo.toml'), 'utf8'))?.[1];
  return cargo ? cargo.match(/"[^"]*"/g).map((f) => f.slice(1, -1)) : ['-Oz'];
}

// ---------------------------------------------------------------------------------------------
// 2-4. In the browser

async function openBenchPage(browser, base) {
  const context = await browser.newContext();
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') errors.push(`console.${m.type()}: ${m.text()}`); });
  await page.goto(`${base}/bench/page.html`);
  await page.waitForFunction(() => window.bench);
  return { context, page, errors };
}

async function measureSpeed(browser, base, urls) {
  const { context, page, errors } = await openBenchPage(browser, base);
  const info = await page.evaluate((u) => window.bench.setup(u), urls);
  for (const n of info.notes) log('note:', n);
  const rows = {};
  for (const [id, row] of Object.entries(info.rows)) {
    if (ROWS && !ROWS.includes(id)) continue;
    const impls = row.impls;
    for (const impl of impls) await page.evaluate(([i, m, ms]) => window.bench.batch(i, m, ms), [id, impl, CFG.warmMs]);
    const rates = Object.fromEntries(impls.map((i) => [i, []]));
    const pushed = Object.fromEntries(impls.map((i) => [i, { calls: 0, pushes: 0 }]));
    let error = null;
    for (let b = 0; b < CFG.batches && !error; b++) {
      // Interleaved, starting with a different implementation each round: drift hits all alike.
      for (let k = 0; k < impls.length; k++) {
        const impl = impls[(b + k) % impls.length];
        const r = await page.evaluate(([i, m, ms]) => window.bench.batch(i, m, ms), [id, impl, CFG.batchMs]);
        if (r.error) { error = `${impl}: ${r.error}`; break; }
        rates[impl].push((r.calls / r.elapsed) * 1000);
        pushed[impl].calls += r.calls;
        pushed[impl].pushes += r.pushes;
      }
    }
    const med = Object.fromEntries(impls.map((i) => [i, rates[i].length ? median(rates[i]) : null]));
    const spread = Object.fromEntries(impls.map((i) => [i, rates[i].length ? +((Math.max(...rates[i]) - Math.min(...rates[i])) / median(rates[i]) * 100).toFixed(1) : null]));
    rows[id] = {
      label: row.label, callsPerSec: med, spreadPercent: spread, batches: rates, error,
      oursOverPeer: med.peer && med.ours ? med.ours / med.peer : null,
      floorOverOurs: med.floor && med.ours ? med.floor / med.ours : null,
      nsPerCall: Object.fromEntries(impls.map((i) => [i, med[i] ? 1e9 / med[i] : null])),
      // Commands pushed per call: a sanity check that each implementation did its job while timed.
      pushesPerCall: Object.fromEntries(impls.map((i) => [i, pushed[i].calls ? +(pushed[i].pushes / pushed[i].calls).toFixed(3) : null])),
    };
    const expect = { identify: 0, identifyFlush: 2, track: 1, trackCustom: 1, identifyMin: 0, trackMin: 1 }[id];
    const got = rows[id].pushesPerCall.ours;
    if (expect != null && got != null && Math.abs(got - expect) > 0.01) info.notes.push(`${row.label}: ours pushed ${got} commands per call while timed, expected ${expect}`);
    log(`speed ${row.label}: ${impls.map((i) => `${i} ${fmtRate(med[i])}`).join(', ')}${error ? ` ERROR ${error}` : ''}`);
  }

  let profile = null;
  await context.close();
  if (PROFILE) profile = await profileOurs(browser, base, urls, Object.keys(rows));
  if (!info.crossOriginIsolated) info.notes.push('the page is not cross-origin isolated: performance.now() ticks in 100 µs (start-up figures are coarse)');
  return { rows, notes: info.notes, samples: info.samples, version: info.version, pageErrors: errors, profile };
}

/**
 * CPU profile (CDP sampling profiler) of ours, rows identify, track and trackMin, in a page of its
 * own that loads a copy of the package carrying the named build of the wasm, so wasm frames have
 * Rust names. Top self-time frames, and self time per script.
 */
async function profileOurs(browser, base, urls, ids) {
  const named = namedBuild();
  let pkgCopy = null, server = null, profUrls = urls, note = null;
  if (named.file) {
    pkgCopy = mkdtempSync(join(tmpdir(), 'hubspot-wasm-prof-'));
    cpSync(PKG, pkgCopy, { recursive: true });
    cpSync(named.file, join(pkgCopy, relative(PKG, shippedWasm())));
    server = await startServer({ root: pkgCopy, headers: { 'access-control-allow-origin': '*', 'cross-origin-resource-policy': 'cross-origin' } });
    profUrls = { ...urls, pkgUrl: `${server.url}/hubspot_wasm.js` };
  } else {
    note = `wasm frames are unnamed: ${named.note}`;
  }
  const { context, page } = await openBenchPage(browser, base);
  try {
    await page.evaluate((u) => window.bench.setup(u), profUrls);
    const cdp = await context.newCDPSession(page);
    await cdp.send('Profiler.enable');
    await cdp.send('Profiler.setSamplingInterval', { interval: 50 });
    const out = { note };
    for (const id of ['identify', 'track', 'trackMin'].filter((i) => ids.includes(i))) {
      await page.evaluate((i) => window.bench.batch(i, 'ours', 500), id); // warm-up
      await cdp.send('Profiler.start');
      await page.evaluate((i) => window.bench.batch(i, 'ours', 2000), id);
      const { profile } = await cdp.send('Profiler.stop');
      const file = join(BENCH, 'results', `profile-${id}-${stamp}.cpuprofile`);
      writeFileSync(file, JSON.stringify(profile));
      out[id] = { file: relative(ROOT, file), top: selfTimes(profile).slice(0, 20), byFile: selfTimes(profile, true) };
    }
    await cdp.detach();
    return out;
  } finally {
    await context.close();
    if (server) await server.close();
    if (pkgCopy) rmSync(pkgCopy, { recursive: true, force: true });
  }
}

/** Self time per frame (or, `byFile`, per script: native builtins such as encodeInto count apart). */
function selfTimes(profile, byFile = false) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map();
  let total = 0;
  profile.samples.forEach((id, i) => {
    const dt = profile.timeDeltas[i] ?? 0;
    total += dt;
    const cf = byId.get(id).callFrame;
    const file = cf.url ? basename(cf.url.split('?')[0]) : '';
    const key = byFile ? (file || (cf.functionName.startsWith('(') ? cf.functionName : `(native: ${cf.functionName})`)) : `${cf.functionName || '(anonymous)'}  ${file}`.trim();
    self.set(key, (self.get(key) ?? 0) + dt);
  });
  return [...self].sort((a, b) => b[1] - a[1]).map(([frame, us]) => ({ frame, percent: +(100 * us / total).toFixed(1) }));
}

async function measureStartup(browser, base, urls) {
  const samples = [], noNet = [], peer = [];
  for (let s = 0; s <= CFG.startupSamples; s++) {
    // A fresh browser context each time: its own renderer process, so no compiled wasm is reused;
    // the server sends no-store, so every byte is fetched again. The page settles first: what is
    // measured is the plugin, not the new process's own start.
    {
      const { context, page } = await openBenchPage(browser, base);
      await page.waitForTimeout(SETTLE_MS);
      const r = await page.evaluate((u) => window.bench.startup(u), urls);
      const p = await page.evaluate((u) => window.bench.peerStartup(u), urls);
      await context.close();
      if (s > 0) { samples.push(r); peer.push(p); } // the first context warms up the browser itself
    }
    {
      const { context, page } = await openBenchPage(browser, base);
      await page.waitForTimeout(SETTLE_MS);
      const r = await page.evaluate((u) => window.bench.startupNoNetwork(u), urls);
      await context.close();
      if (s > 0) noNet.push(r);
    }
  }
  const med = (xs, k) => { const v = xs.map((x) => x[k]).filter((x) => x != null); return v.length ? median(v) : null; };
  const keys = ['importJs', 'init', 'hubspotPlugin', 'ready', 'firstTrack', 'load', 'wasmFetch'];
  return {
    samples: samples.length,
    median: Object.fromEntries(keys.map((k) => [k, med(samples, k)])),
    min: Object.fromEntries(keys.map((k) => [k, Math.min(...samples.map((x) => x[k] ?? Infinity))])),
    max: Object.fromEntries(keys.map((k) => [k, Math.max(...samples.map((x) => x[k] ?? -Infinity))])),
    loadResults: [...new Set(samples.map((x) => x.loadResult))],
    noNetwork: { samples: noNet.length, smallFileBytes: urls.smallFileBytes, median: Object.fromEntries(['init', 'hubspotPlugin', 'ready', 'smallFetch', 'wasmFetch'].map((k) => [k, med(noNet, k)])) },
    peer: { median: { importJs: med(peer, 'importJs'), ready: med(peer, 'ready') } },
    all: samples,
  };
}

async function measureMemory(browser, base, urls) {
  const { context, page, errors } = await openBenchPage(browser, base);
  const r = await page.evaluate((a) => window.bench.memory(a), { ...urls, total: CFG.memTotal, first: 1000 });
  await context.close();
  return { ...r, pageErrors: errors.slice(0, 10) };
}

/**
 * What each part of the wasm costs on its own: the function bodies of the named build, read
 * straight from its code and name sections, grouped by module of our crate, Rust's `alloc` and
 * `core`, and the data segments; each group gzipped -9 alone (groups share little, so the parts
 * add up to about the whole). Plus the rules together (`mapping`, `settings`, `session`): how
 * much of the size target they take by themselves (README, Performance). Needs no twiggy.
 */
function partsGzip() {
  const named = namedBuild();
  if (!named.file) return { note: named.note };
  const buf = readFileSync(named.file);
  let at = 8;
  const uleb = () => { let n = 0, shift = 0, b; do { b = buf[at++]; n += (b & 127) * 2 ** shift; shift += 7; } while (b & 128); return n; };
  const name = () => { const n = uleb(); const text = buf.toString('utf8', at, at + n); at += n; return text; };
  let imported = 0;
  const bodies = [], names = new Map(), data = [];
  while (at < buf.length) {
    const id = buf[at++];
    const end = uleb() + at;
    if (id === 2) { // imports: functions among them shift the index of every body
      for (let n = uleb(); n > 0; n--) {
        name(); name();
        const kind = buf[at++];
        if (kind === 0) { uleb(); imported++; }
        else if (kind === 1) { at++; const f = uleb(); uleb(); if (f & 1) uleb(); }
        else if (kind === 2) { const f = uleb(); uleb(); if (f & 1) uleb(); }
        else at += 2;
      }
    } else if (id === 10) {
      for (let n = uleb(); n > 0; n--) { const len = uleb(); bodies.push(buf.subarray(at, at + len)); at += len; }
    } else if (id === 11) {
      data.push(buf.subarray(at, end));
    } else if (id === 0 && name() === 'name') {
      while (at < end) {
        const sub = buf[at++];
        const subEnd = uleb() + at;
        if (sub === 1) for (let n = uleb(); n > 0; n--) { const index = uleb(); names.set(index, name()); }
        at = subEnd;
      }
    }
    at = end;
  }
  // Mangled names (`_ZN12hubspot_wasm7mapping…`, `…$LT$alloc..vec..Vec…`, v0 `…5alloc6string…`):
  // the first crate named is the item's (for `<T as Trait>`, T's).
  const group = (n) => {
    const ours = /hubspot_wasm(?:\.\.|\d+)([a-z_]+)/.exec(n)?.[1];
    if (ours) return `hubspot_wasm::${ours}`;
    if (/^(destination_new|loader|identify|track|page|reset|consent|crate_version|input|output|output_len)$/.test(n)) return 'hubspot_wasm::wasm';
    return /(?:\d|\.\.|\$LT\$|_)(alloc|core)(?:\d|\.\.)/.exec(n)?.[1] ?? 'other (builtins, allocator shims)';
  };
  const groups = new Map([['data (messages, keys, hosts)', data]]);
  bodies.forEach((body, i) => {
    const g = group(names.get(i + imported) ?? '');
    groups.set(g, [...(groups.get(g) ?? []), body]);
  });
  const measure = (part, chunks) => { const all = Buffer.concat(chunks); return { part, raw: all.length, gzip9: gz(all) }; };
  const parts = [...groups].map(([part, chunks]) => measure(part, chunks)).sort((a, b) => b.gzip9 - a.gzip9);
  const rules = ['mapping', 'settings', 'session'].flatMap((m) => groups.get(`hubspot_wasm::${m}`) ?? []);
  return { parts, rules: measure('the rules together: mapping, settings, session', rules), shippedGzip9: gz(readFileSync(shippedWasm())) };
}

// ---------------------------------------------------------------------------------------------

function gitDescribe() {
  try {
    const head = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--', 'src', 'Cargo.toml', 'Cargo.lock'], { cwd: ROOT, encoding: 'utf8' }).trim();
    return dirty ? `${head}+dirty` : head;
  } catch { return null; }
}

function table(size, speed, startup, mem) {
  const T = TARGETS;
  const rows = [];
  const sizeMet = size.ours.gzip9 <= T.sizeGzipBytes;
  rows.push({ metric: 'size: wasm + JS, gzip -9', ours: kb(size.ours.gzip9), peer: kb(size.peer.gzip9), floor: '', ratio: `${fmtX(size.ours.gzip9 / size.peer.gzip9)} of peer`, target: '≤ 10 KB', met: yes(sizeMet) });
  rows.push({ metric: 'size: wasm + JS, raw', ours: kb(size.ours.raw), peer: kb(size.peer.raw), floor: '', ratio: '', target: '', met: '' });
  for (const [id, r] of Object.entries(speed.rows)) {
    const c = r.callsPerSec;
    const vsPeer = r.oursOverPeer, vsFloor = r.floorOverOurs;
    const ratio = [vsPeer != null ? `${fmtX(vsPeer)} peer` : null, vsFloor != null ? `floor ${fmtX(vsFloor)}` : null].filter(Boolean).join(', ');
    const primary = id === 'identify' || id === 'track' || id === 'identifyFlush';
    const target = primary ? (c.peer != null ? '≥ peer (aim 2×), floor ≤ 3×' : 'floor ≤ 3×') : 'info';
    const met = !primary || r.error ? (r.error ? 'ERROR' : '') : yes((vsPeer == null || vsPeer >= T.speedVsPeer) && vsFloor != null && vsFloor <= T.floorOverOurs)
      + (vsPeer != null && vsPeer >= T.speedVsPeerAim ? ' (2× peer)' : '');
    rows.push({ metric: `speed: ${r.label}`, ours: fmtRate(c.ours), peer: fmtRate(c.peer), floor: fmtRate(c.floor), wasmFloor: fmtRate(c.wasmFloor), ratio, target, met });
  }
  rows.push({ metric: 'start-up: init() + hubspotPlugin(), median', ours: fmtMs(startup.median.ready), peer: fmtMs(startup.peer.median.ready), floor: '', ratio: '', target: '< 5 ms', met: yes(startup.median.ready < T.startupMs) });
  if (startup.noNetwork) {
    const nn = startup.noNetwork.median;
    rows.push({ metric: 'start-up: same, wasm bytes already in memory', ours: fmtMs(nn.ready), peer: '', floor: '', ratio: '', target: 'info', met: '' });
    // The request alone: what any design that fetches a file pays before its first byte of work.
    rows.push({ metric: `start-up: fetching a ${startup.noNetwork.smallFileBytes} B file from the same server`, ours: '', peer: '', floor: fmtMs(nn.smallFetch), ratio: `the wasm's bytes alone ${fmtMs(nn.wasmFetch)}`, target: 'info', met: '' });
  }
  rows.push({ metric: 'start-up: + fetching the JS entry / peer bundle', ours: fmtMs(startup.median.importJs + startup.median.ready), peer: fmtMs(startup.peer.median.importJs + startup.peer.median.ready), floor: '', ratio: '', target: 'info', met: '' });
  const m1 = mem.afterFirst.wasmBytes, m2 = mem.afterTotal.wasmBytes;
  rows.push({ metric: `memory: wasm linear memory after ${mem.first.toLocaleString('en')} calls`, ours: kb(m1), peer: '', floor: '', ratio: '', target: '', met: '' });
  const tablesGrew = Object.entries(mem.afterTotal.tables).some(([k, v]) => v > (mem.afterFirst.tables[k] ?? 0));
  rows.push({ metric: `memory: … after ${mem.total.toLocaleString('en')} calls`, ours: kb(m2), peer: '', floor: '', ratio: `${fmtX(m2 / m1)}${tablesGrew ? '; a table grew' : ''}`, target: 'not larger', met: mem.errors ? `errors: ${mem.errors}` : yes(m2 <= m1 && !tablesGrew) });
  return rows;
}

function printTable(rows) {
  const cols = ['metric', 'ours', 'peer', 'floor', 'wasmFloor', 'ratio', 'target', 'met'];
  const head = { metric: 'metric', ours: 'ours', peer: 'peer (@analytics/hubspot)', floor: 'floor (copy+push)', wasmFloor: 'JSON via no-op wasm', ratio: 'ratio', target: 'target', met: 'met?' };
  for (const r of rows) r.wasmFloor ??= '';
  const w = Object.fromEntries(cols.map((c) => [c, Math.max(head[c].length, ...rows.map((r) => String(r[c]).length))]));
  const line = (r) => cols.map((c) => String(r[c]).padEnd(w[c])).join(' │ ');
  console.log(line(head));
  console.log(cols.map((c) => '─'.repeat(w[c])).join('─┼─'));
  for (const r of rows) console.log(line(r));
}

const stamp = new Date().toISOString().replace(/[:.]/g, '-');

async function main() {
  const t0 = Date.now();
  const loadBefore = loadavg()[0];
  if (!existsSync(join(PKG, 'hubspot_wasm.js')) || !shippedWasm()) {
    console.error(`bench: ${PKG} has no hubspot_wasm.js or no .wasm: run \`node scripts/build.mjs\` first (or \`npm run bench\`)`);
    process.exit(2);
  }
  mkdirSync(join(BENCH, 'results'), { recursive: true });
  await bundlePeer();
  const size = measureSize();
  log(`size: ours ${kb(size.ours.gzip9)} gzip -9 (${kb(size.ours.raw)} raw), peer ${kb(size.peer.gzip9)}`);
  const twiggy = twiggyReport();
  size.parts = partsGzip();

  const server = await startServer({ root: ROOT, headers: ISOLATION });
  // Another build (--pkg DIR) is served from its own origin, with CORS for the module import.
  const pkgServer = PKG === join(ROOT, 'pkg') ? null : await startServer({ root: PKG, headers: { 'access-control-allow-origin': '*', 'cross-origin-resource-policy': 'cross-origin' } });
  const urls = {
    pkgUrl: pkgServer ? `${pkgServer.url}/hubspot_wasm.js` : `${server.url}/pkg/hubspot_wasm.js`,
    peerUrl: `${server.url}/bench/.build/peer.mjs`,
  };
  urls.wasmUrl = new URL(relative(PKG, shippedWasm()), urls.pkgUrl).href;
  // The start-up's request floor fetches the package's own small package.json.
  urls.smallUrl = new URL('package.json', urls.pkgUrl).href;
  urls.smallFileBytes = statSync(join(PKG, 'package.json')).size;
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
  let speed, startup, mem;
  try {
    speed = await measureSpeed(browser, server.url, urls);
    startup = await measureStartup(browser, server.url, urls);
    log(`start-up: init()+hubspotPlugin() median ${fmtMs(startup.median.ready)} (${startup.samples} fresh contexts)`);
    mem = await measureMemory(browser, server.url, urls);
    log(`memory: ${kb(mem.afterFirst.wasmBytes)} after ${mem.first}, ${kb(mem.afterTotal.wasmBytes)} after ${mem.total} calls`);
  } catch (e) {
    console.error(`\nbench: the browser part failed, so there is no table. Size so far: ours ${kb(size.ours.gzip9)} gzip -9, peer ${kb(size.peer.gzip9)}.\n`);
    throw e;
  } finally {
    await browser.close();
    await server.close();
    if (pkgServer) await pkgServer.close();
  }

  const load = { before: +loadBefore.toFixed(2), after: +loadavg()[0].toFixed(2), cpus: cpus().length };
  if (Math.max(load.before, load.after) > 0.5 * load.cpus) {
    speed.notes.push(`the machine was busy (1-min load average ${load.before} before, ${load.after} after, on ${load.cpus} CPUs): timings are noisy; ratios (interleaved batches) hold up better than absolute figures`);
  }
  const rows = table(size, speed, startup, mem);
  const result = {
    timestamp: new Date().toISOString(), commit: gitDescribe(), pkg: relative(ROOT, PKG_GIVEN) || PKG_GIVEN, pluginVersion: speed.version,
    chromium: browser.version(), node: process.version, load, quick: QUICK, config: CFG, targets: TARGETS,
    table: rows, size, twiggy, speed, startup, memory: mem, seconds: (Date.now() - t0) / 1000,
  };
  const file = join(BENCH, 'results', `bench-${stamp}.json`);
  writeFileSync(file, JSON.stringify(result, null, 2) + '\n');
  writeFileSync(join(BENCH, 'results', 'latest.json'), JSON.stringify(result, null, 2) + '\n');

  console.log(`\nhubspot-wasm benchmark — ${result.timestamp}, commit ${result.commit ?? '?'}, Chromium ${result.chromium}${QUICK ? ' (--quick: noisy)' : ''}\n`);
  printTable(rows);
  console.log('\nfloor: copy the traits/properties key by key into a new object and push it. JSON via no-op wasm: stringify what the mapping reads, encodeInto wasm memory, call a no-op export, decode, JSON.parse, push: the cost of the JSON boundary alone.');
  console.log('\nbytes per file (gzip -9):', size.ours.files.map((f) => `${f.file} ${f.gzip9} B (raw ${f.raw})`).join(', '));
  console.log(`ns per call (median): ${Object.values(speed.rows).map((r) => `${r.label}: ${Object.entries(r.nsPerCall).map(([k, v]) => `${k} ${v ? v.toFixed(0) : '—'}`).join(' / ')}`).join('; ')}`);
  const s = startup.median, nn = startup.noNetwork?.median;
  console.log(`start-up medians: import JS ${fmtMs(s.importJs)}, init() ${fmtMs(s.init)} (of which the wasm's fetch ${fmtMs(s.wasmFetch)}), hubspotPlugin() ${fmtMs(s.hubspotPlugin)}, first track ${fmtMs(s.firstTrack)}, load() ${fmtMs(s.load)} [${startup.loadResults.join('; ')}]${nn ? `; without network: init({ module_or_path: bytes }) ${fmtMs(nn.init)} + hubspotPlugin() ${fmtMs(nn.hubspotPlugin)}` : ''}`);
  console.log(`memory: after init ${kb(mem.atInit.wasmBytes)}, tables ${JSON.stringify(mem.afterFirst.tables)} → ${JSON.stringify(mem.afterTotal.tables)}, JS heap ${mem.afterFirst.jsHeapUsed} → ${mem.afterTotal.jsHeapUsed} B`);
  const part = (p) => `  ${String(p.gzip9).padStart(6)} B gzip (${String(p.raw).padStart(5)} raw)  ${p.part}`;
  if (size.parts.parts) console.log(`\nthe wasm by part, each gzipped -9 alone (whole: ${size.parts.shippedGzip9} B):\n${size.parts.parts.map(part).join('\n')}\n${part(size.parts.rules)}`);
  else console.log(`\nthe wasm by part: ${size.parts.note}`);
  if (twiggy.note) console.log(`\ntwiggy: ${twiggy.note}`);
  else {
    console.log(`\ntwiggy top -n 15 ${relative(ROOT, shippedWasm())} (shipped; names stripped by wasm-opt):\n${twiggy.shipped}`);
    if (twiggy.named) console.log(`twiggy top -n 20, the same build with names (target/…/release/hubspot_wasm.wasm → wasm-opt ${twiggy.namedFlags} -g):\n${twiggy.named}`);
    for (const n of [twiggy.note, twiggy.namedError].filter(Boolean)) console.log(`twiggy: ${n}`);
  }
  if (speed.profile) {
    if (speed.profile.note) console.log(`CPU profile: ${speed.profile.note}`);
    for (const [id, p] of Object.entries(speed.profile).filter(([k]) => k !== 'note')) {
      console.log(`CPU profile, ours ${id} (self time; ${p.file}):\n${p.top.map((t) => `  ${String(t.percent).padStart(5)}%  ${t.frame}`).join('\n')}`);
      console.log(`  by script (JSON.stringify/parse count in their caller's script): ${p.byFile.filter((t) => t.percent >= 0.5).map((t) => `${t.frame} ${t.percent}%`).join(', ')}`);
    }
  }
  const show = (cmds) => (cmds ?? []).map((c) => { const t = JSON.stringify(c); return t.length > 400 ? `${t.slice(0, 400)}…` : t; }).join('\n    ');
  console.log(`\nwhat one identify + one track push (first pool events):\n  ours:\n    ${show(speed.samples.ours)}\n  peer:\n    ${show(speed.samples.peer)}`);
  const notes = [...speed.notes, ...speed.pageErrors.slice(0, 5), ...mem.notes, ...(mem.firstError ? [`memory run: ${mem.errors} calls threw, first: ${mem.firstError}`] : [])];
  if (notes.length) console.log(`\nnotes:\n${notes.map((n) => `  - ${n}`).join('\n')}`);
  console.log(`\nwritten: ${relative(ROOT, file)} (${result.seconds.toFixed(0)} s)`);
  if (namedCache?.dir) rmSync(namedCache.dir, { recursive: true, force: true });
}

main().catch((e) => { console.error(e); process.exit(1); });
