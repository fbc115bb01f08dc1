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
//! Data flows one way: JS event → JSON text → [`value::Value`] → [`session`] / [`mapping`] →
//! [`mapping::Command`]s → JSON text → `window._hsq`. The crate is plain Rust, tested natively;
//! [`Destination`] is its face to JavaScript (a few plain wasm exports), and the thin browser
//! edge that loads the wasm and HubSpot's scripts and calls it is `js/hubspot_wasm.js`.
#![deny(missing_docs)]
#![no_std]

extern crate alloc;
// Everything but the shipped wasm (tests, native builds) takes std's panic handler and allocator.
#[cfg(any(test, not(all(feature = "standalone", target_arch = "wasm32"))))]
extern crate std;

/// Input never panics (fuzzed natively); should a bug, the trap leaves analytics running.
#[cfg(all(feature = "standalone", target_arch = "wasm32"))]
#[panic_handler]
fn panic(_: &core::panic::PanicInfo) -> ! {
    core::arch::wasm32::unreachable()
}

#[cfg(all(feature = "standalone", target_arch = "wasm32"))]
mod heap;

#[cfg(all(feature = "standalone", target_arch = "wasm32"))]
#[global_allocator]
static HEAP: heap::Heap = heap::Heap::new();

pub mod mapping;
pub mod session;
pub mod settings;
pub mod value;

mod wasm;
pub use wasm::{version, Destination};
