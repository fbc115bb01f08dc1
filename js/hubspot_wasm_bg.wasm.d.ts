/**
 * One of the package's two .wasm files (`hubspot-wasm/hubspot_wasm_bg.wasm`, the lean build, or
 * `hubspot-wasm/hubspot_wasm_full_bg.wasm`, the full one), imported through a bundler that turns
 * a file into its URL: esbuild's `--loader:.wasm=file`, Vite's `?url` suffix, webpack's
 * `asset/resource`. Hand the URL to `init({ module_or_path })` (with `full: true` for the full
 * build) when the bundler does not emit the .wasm for the package's entry by itself.
 */
declare const url: string;
export default url;
