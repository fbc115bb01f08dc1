// node bench/held-memory.mjs [calls]: the memory the plugin holds per call while HubSpot's tracker
// is on its way (README, Guarantees). The e2e fixture in headless Chromium, the tracker's script
// held back; `calls` track calls (default 20,000) made on the plugin once its load() has run;
// garbage collected, then the JS heap (Chromium's Runtime.getHeapUsage) and the wasm's linear
// memory measured before and after, and once more after the tracker came and took them.
import { Harness } from '../tests/e2e/harness.mjs';

const calls = Number(process.argv[2] ?? 20_000);
const harness = new Harness();
await harness.start();
try {
  const visit = await harness.openFixture('app', { tracker: 'hold' });
  const cdp = await visit.context.newCDPSession(visit.page);
  await visit.page.evaluate(() =>
    fixture.start({ portalId: '62515', loadTimeoutMs: 3_600_000 }, { analyticsOptions: { integrations: { 'Segment.io': false } } }),
  );
  await visit.until(() => document.getElementById('hs-script-loader')); // load() ran: calls go to the Rust plugin
  const measure = async () => {
    await cdp.send('HeapProfiler.collectGarbage');
    const { usedSize } = await cdp.send('Runtime.getHeapUsage');
    const wasm = await visit.page.evaluate(
      async () => Object.values(await fixture.init()).find((v) => v instanceof WebAssembly.Memory).buffer.byteLength,
    );
    return { js: usedSize, wasm };
  };
  const track = (from, count) =>
    visit.page.evaluate(
      ([from, count]) => {
        for (let i = from; i < from + count; i++)
          fixture.plugin.track({ event: { type: 'track', event: `Order Completed ${i}`, properties: { plan: 'pro', revenue: 49.5 } } });
      },
      [from, count],
    );
  await track(0, 100); // warm-up: first-call allocations out of the figure
  const before = await measure();
  await track(100, calls);
  const after = await measure();
  visit.release('tracker');
  await visit.until((n) => (window.__hubspot?.sent ?? []).filter((s) => s.kind === 'customEvent').length >= n, calls + 100, {
    timeout: 120_000,
  });
  const taken = await measure();
  const perCall = (k) => ((after[k] - before[k]) / calls).toFixed(1);
  console.log(
    JSON.stringify(
      {
        calls,
        bytesPerHeldCall: {
          js: Number(perCall('js')),
          wasm: Number(perCall('wasm')),
          total: Number(((after.js - before.js + after.wasm - before.wasm) / calls).toFixed(1)),
        },
        before,
        after,
        // Linear memory only grows; the JS heap now holds the emulator's own records of every request.
        wasmAfterTheTrackerTookThem: taken.wasm,
      },
      null,
      2,
    ),
  );
} finally {
  await harness.stop();
}
