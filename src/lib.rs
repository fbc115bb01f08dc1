//! # hubspot-wasm
//!
//! HubSpot's browser ("device-mode") destination for Segment's analytics-next, in Rust and
//! WebAssembly. It loads HubSpot's tracking code, turns `page`, `identify` and `track` calls into
//! HubSpot `_hsq` commands, and holds identify traits until the next page or track, because
//! HubSpot only sends identity along with a tracking call.
//!
//! ```js
//! import init, { hubspotPlugin } from 'hubspot-wasm';
//! await init();
//! await analytics.register(hubspotPlugin({ portalId: '62515' }));
//! ```
//!
//! Data flows one way: JS event → [`value::Value`] → [`session`] / [`mapping`] →
//! [`mapping::Command`]s → `window._hsq`. Everything but `browser` is plain Rust, tested natively.
#![deny(missing_docs)]

pub mod mapping;
pub mod session;
pub mod settings;
pub mod value;

#[cfg(target_arch = "wasm32")]
mod browser;

#[cfg(target_arch = "wasm32")]
pub use browser::{hubspot_plugin, HubSpot};
