// Takes a screenshot of the demo after a short session (identify, track, page), for reviews:
//   node tests/e2e/screenshot.mjs [out.png]      (needs `npx webpack --mode production` first)
import { Harness } from './harness.mjs';

const out = process.argv[2] ?? 'demo.png';
const harness = new Harness();
await harness.start();
try {
  const { page } = await harness.open('/www/', { viewport: { width: 1400, height: 1000 } });
  await page.getByText('plugin: loaded').waitFor({ timeout: 10_000 });
  await page.getByRole('button', { name: 'Send identify' }).click();
  await page.getByRole('button', { name: 'Send track' }).click();
  await page.getByRole('button', { name: 'Send page' }).click();
  await page.locator('#sent li').nth(2).waitFor();
  await page.mouse.move(0, 0); // no hover state on the last button clicked
  await page.waitForTimeout(1500); // let the arrival highlight fade
  await page.screenshot({ path: out, fullPage: true });
  console.log(`screenshot: ${out}`);
} finally {
  await harness.stop();
}
