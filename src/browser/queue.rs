//! HubSpot's command queues on `window`: `_hsq` (tracking) and `_hsp` (privacy).
//!
//! Before HubSpot's code runs they are plain arrays it processes on start; afterwards HubSpot
//! has replaced their `push`. Either way a command is delivered by calling the current `push`.

use js_sys::{Array, Function, Reflect, JSON};
use wasm_bindgen::{JsCast, JsValue};

/// Which queue.
#[derive(Clone, Copy)]
pub enum Queue {
    /// `window._hsq`, tracking commands.
    Tracking,
    /// `window._hsp`, privacy and consent commands.
    Privacy,
}

impl Queue {
    fn key(self) -> JsValue {
        match self {
            Queue::Tracking => "_hsq".into(),
            Queue::Privacy => "_hsp".into(),
        }
    }

    fn current(self) -> JsValue {
        Reflect::get(&js_sys::global(), &self.key()).unwrap_or(JsValue::UNDEFINED)
    }

    /// The queue, made an empty array if absent (or unusable); an existing one keeps its contents.
    pub fn ensure(self) -> JsValue {
        let queue = self.current();
        if push_of(&queue).is_some() {
            return queue;
        }
        let fresh: JsValue = Array::new().into();
        let _ = Reflect::set(&js_sys::global(), &self.key(), &fresh);
        fresh
    }

    /// Pushes each command of a JSON array of commands, in order. A throwing `push` (a broken
    /// tracker) costs that command a warning, never an exception into the page.
    pub fn push_json(self, commands: &str) {
        if commands == "[]" {
            return;
        }
        let Ok(commands) = JSON::parse(commands) else { return };
        for command in commands.unchecked_into::<Array>().iter() {
            let queue = self.ensure();
            if let Some(push) = push_of(&queue) {
                if push.call1(&queue, &command).is_err() {
                    super::warn("hubspot-wasm: HubSpot's queue threw while taking a command");
                }
            }
        }
    }
}

fn push_of(queue: &JsValue) -> Option<Function> {
    if !queue.is_object() {
        return None;
    }
    Reflect::get(queue, &"push".into()).ok()?.dyn_into().ok()
}

/// HubSpot's code replaces `_hsq.push` when it starts: the one sign that it is running.
pub fn tracker_started() -> bool {
    let array_push = Reflect::get(&Array::new(), &"push".into()).unwrap_or(JsValue::UNDEFINED);
    push_of(&Queue::Tracking.current()).is_some_and(|push| JsValue::from(push) != array_push)
}
