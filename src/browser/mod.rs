//! The thin edge that touches the page: reading events, HubSpot's queues, loading scripts, and
//! the plugin object analytics-next calls. Everything it decides, it asks the pure core.

mod loader;
mod plugin;
mod queue;
mod read;

pub use plugin::{hubspot_plugin, HubSpot};

/// One `console.warn` line; the plugin's only way of speaking to the developer.
fn warn(message: &str) {
    web_sys::console::warn_1(&message.into());
}
