// The package as users get it: `npm pack` of pkg/ (after `npm run build`), and that tarball
// unpacked into an app's node_modules/ as `npm install` would put it (the package has no
// dependencies, so nothing else is installed). Used by the bundler tests and `npm test`'s
// package checks; `node scripts/pack.mjs` prints the tarball's path.
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** Packs pkg/ into target/pack/; returns the tarball's path. */
export function pack() {
  const into = `${ROOT}target/pack`;
  rmSync(into, { recursive: true, force: true });
  mkdirSync(into, { recursive: true });
  const [{ filename }] = JSON.parse(
    execFileSync('npm', ['pack', `${ROOT}pkg`, '--pack-destination', into, '--json', '--silent'], { encoding: 'utf8' }),
  );
  return `${into}/${filename}`;
}

/** Unpacks `tarball` into `app`/node_modules/hubspot-wasm (replacing what was there). */
export function installPacked(tarball, app) {
  const into = `${app}/node_modules/hubspot-wasm`;
  rmSync(into, { recursive: true, force: true });
  mkdirSync(into, { recursive: true });
  execFileSync('tar', ['-xzf', tarball, '-C', into, '--strip-components=1']);
  return into;
}

if (import.meta.url === `file://${process.argv[1]}`) console.log(pack());
