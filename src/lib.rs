//! # hubspot-wasm
//!
//! HubSpot's browser ("device-mode") destination for Segment's analytics-next, in Rust and
//! WebAssembly. It loads HubSpot's tracking code, turns `page`, `identify` and `track` calls into
//! HubSpot `_hsq` commands, and holds identify traits until the next page or track, because
//! HubSpot only sends identity along with a tracking call.
//!
//! ```js
//! import { AnalyticsBrowser } from '@segment/analytics-next';
//! import { hubspotPlugin } from 'hubspot-wasm';
//! AnalyticsBrowser.load({ writeKey, plugins: [hubspotPlugin({ portalId: '62515' })] });
//! ```
//!
//! Data flows one way: `ctx.event` → [`value::Value`] → [`session`] / [`mapping`] →
//! [`mapping::Command`]s → `window._hsq`. [`settings`], [`mapping`], [`session`] and
//! [`destination`] are plain Rust that knows nothing of the browser and is tested natively;
//! [`browser`] (wasm only) is the plugin object analytics-next talks to: it reads events
//! (js-sys), loads HubSpot's scripts (web-sys, gloo-timers) and pushes the commands
//! (serde-wasm-bindgen).
#![deny(missing_docs)]

#[cfg(feature = "workspace-actions")]
pub mod actions;
pub mod consent;
pub mod destination;
#[cfg(feature = "form-submissions")]
pub mod forms;
pub mod mapping;
pub mod segment;
pub mod session;
pub mod settings;
pub mod value;

#[cfg(target_arch = "wasm32")]
pub mod browser;

pub use destination::Destination;

/// Talc instead of Rust's default dlmalloc: smaller and faster for the many small allocations of
/// property maps (README, Performance, has the measured difference). Each growth of the memory is
/// claimed as a heap of its own rather than joined to the last (`WasmGrowAndClaim`, the smaller of
/// talc's two sources): the plugin's memory grows a few times in a page's life, then stays flat.
#[cfg(all(target_arch = "wasm32", not(target_feature = "atomics")))]
#[global_allocator]
static TALC: talc::cell::TalcSyncCell<talc::wasm::WasmGrowAndClaim, talc::wasm::WasmBinning> =
    talc::cell::TalcSyncCell::new_wasm(talc::wasm::WasmGrowAndClaim);
