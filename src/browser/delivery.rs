//! Handing commands to HubSpot's tracker in order, however late it starts.
//!
//! When HubSpot's tracker starts it takes set-up commands (`setPath`, `identify` and others) out
//! of everything queued in `_hsq` and runs them first, then the rest, then its own automatic page
//! view. Two page views queued before it ran would both be recorded for the last path, and two
//! people's events for the last identity. So order-sensitive commands never wait in `_hsq`: until
//! the tracker runs, they are held here. One function entry waits in `_hsq` instead (HubSpot runs
//! those with the tracker, in order, once `_hsq.push` is its own): it hands over the commands
//! that belong to HubSpot's automatic page view (the first `page` call's path and identity)
//! while the tracker starts, and the rest just after that view.

use super::loader::TRACKER;
use super::queue::{push_entries, queue, tracker_started, HSQ};
use super::read::get;
use super::warn;
use crate::mapping::decimal;
use crate::value::concat;
use gloo_timers::callback::Timeout;
use js_sys::Function;
use std::cell::RefCell;
use std::rc::{Rc, Weak};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

/// Calls held once HubSpot is known not to come (its script failed, or it has not started within
/// `loadTimeoutMs`): past this many, the oldest are dropped (one warning). While it is merely on
/// its way, every call is held: a tracker that starts late receives them all, and a page that runs
/// for days without it holds bounded memory.
pub const MAX_HELD_CALLS: usize = 1000;

/// Where the plugin's commands go now.
#[derive(Clone, Copy, PartialEq)]
enum Stage {
    /// Nothing asked of HubSpot yet: calls are held here, but the start-up entry is not in `_hsq`
    /// (before `load()`, or while Segment's own HubSpot may deliver them).
    Idle,
    /// Held here; the start-up entry waits in `_hsq`.
    Held,
    /// The tracker has run the start-up entry; the rest goes right after its own page view.
    Starting,
    /// Straight to the tracker.
    Direct,
}

struct State {
    stage: Stage,
    /// The held calls, each its entries for `_hsq`, in order. A queue, taken from the front with
    /// `remove(0)` (at most a thousand calls, moved once each): a `VecDeque` measured 216 B more
    /// of the gzipped download, which is at its budget (docs/size.md).
    held: Vec<Vec<JsValue>>,
    /// How many held calls come before HubSpot's automatic page view (up to the first `page`).
    before_view: usize,
    /// HubSpot is known not to come: at most [`MAX_HELD_CALLS`] are held.
    bounded: bool,
    overflowed: bool,
}

/// The plugin's way to HubSpot's `_hsq`.
pub struct Delivery {
    state: RefCell<State>,
    /// The function entry for a new visitor: the tracker's `resetVisitor`, where it has one.
    reset_visitor: JsValue,
}

impl Delivery {
    /// A delivery that has asked nothing of HubSpot yet.
    pub fn new() -> Rc<Delivery> {
        let mut warned = false;
        let reset_visitor = Closure::<dyn FnMut(JsValue)>::new(move |tracker: JsValue| {
            match get(&tracker, "resetVisitor").dyn_into::<Function>() {
                Ok(reset) => drop(reset.call0(&tracker)),
                Err(_) if !warned => {
                    warned = true;
                    warn("hubspot-wasm: HubSpot's tracker has no resetVisitor: after analytics.reset() it may keep the previous user");
                }
                Err(_) => {}
            }
        });
        let state = State { stage: Stage::Idle, held: Vec::new(), before_view: 0, bounded: false, overflowed: false };
        Rc::new(Delivery { state: RefCell::new(state), reset_visitor: reset_visitor.into_js_value() })
    }

    /// The `_hsq` entry that starts a new visitor with no identity.
    pub fn reset_visitor(&self) -> JsValue {
        self.reset_visitor.clone()
    }

    /// Straight to the tracker when it runs; otherwise the start-up entry goes into `_hsq` and
    /// calls are held until the tracker runs it. Once only.
    pub fn start(self: &Rc<Self>) {
        if self.state.borrow().stage != Stage::Idle {
            return;
        }
        if tracker_started() {
            self.hand_over(usize::MAX); // what was held before (while Segment's own might deliver it)
            self.state.borrow_mut().stage = Stage::Direct;
            return;
        }
        self.state.borrow_mut().stage = Stage::Held;
        let delivery: Weak<Delivery> = Rc::downgrade(self);
        let on_start = Closure::<dyn FnMut()>::new(move || {
            if let Some(delivery) = delivery.upgrade() {
                delivery.tracker_starting();
            }
        });
        // Its own push: the array's, the tracker does not run yet.
        let (hsq, push) = queue(HSQ);
        let _ = push.call1(&hsq, &on_start.into_js_value());
    }

    /// One call's entries: to `_hsq` now, or held in order (HubSpot is asked to start).
    /// `hubspots_view`: they set the path and identity of HubSpot's automatic page view (the
    /// first `page` call).
    pub fn deliver(self: &Rc<Self>, entries: Vec<JsValue>, hubspots_view: bool) {
        self.start();
        let stage = self.state.borrow().stage;
        if stage == Stage::Held && tracker_started() {
            // A tracker that runs but never ran the start-up entry: hand everything over now.
            self.hand_over(usize::MAX);
            self.state.borrow_mut().stage = Stage::Direct;
        }
        if self.state.borrow().stage == Stage::Direct {
            push_entries(HSQ, &entries);
            return;
        }
        self.hold(entries, hubspots_view);
    }

    /// One call's entries held in order, without asking HubSpot to start: they go with the next
    /// [`Delivery::start`], or are dropped by [`Delivery::discard`].
    pub fn hold(&self, entries: Vec<JsValue>, hubspots_view: bool) {
        {
            let mut state = self.state.borrow_mut();
            state.held.push(entries);
            if hubspots_view {
                state.before_view = state.held.len();
            }
        }
        self.trim();
    }

    /// HubSpot is known not to come now (its script failed, or it has not started in time):
    /// from here on at most [`MAX_HELD_CALLS`] wait for it, the latest.
    pub fn bound(&self) {
        self.state.borrow_mut().bounded = true;
        self.trim();
    }

    /// Drops what is held: someone else (Segment's own HubSpot destination) delivers it.
    pub fn discard(&self) {
        let mut state = self.state.borrow_mut();
        state.held.clear();
        state.before_view = 0;
    }

    /// Where bounded, the oldest held calls past the limit dropped, with one warning.
    fn trim(&self) {
        let warn_now = {
            let mut state = self.state.borrow_mut();
            let over = if state.bounded { state.held.len().saturating_sub(MAX_HELD_CALLS) } else { 0 };
            if over == 0 {
                return;
            }
            // The latest kept (`split_off`, as `hand_over` takes them).
            state.held = state.held.split_off(over);
            state.before_view = state.before_view.saturating_sub(over);
            !std::mem::replace(&mut state.overflowed, true)
        };
        if warn_now {
            warn(&concat(&[
                "hubspot-wasm: ",
                &decimal(MAX_HELD_CALLS as i64),
                " calls are waiting for ",
                TRACKER,
                "; the oldest are dropped",
            ]));
        }
    }

    /// Run by the tracker while it starts: the calls up to the first page go now, to ride its
    /// automatic page view; the rest just after that view (the tracker sends it synchronously in
    /// the same start-up, so a zero-delay timer comes after it).
    fn tracker_starting(self: &Rc<Self>) {
        let before_view = {
            let mut state = self.state.borrow_mut();
            if state.stage != Stage::Held {
                return;
            }
            state.stage = Stage::Starting;
            std::mem::take(&mut state.before_view)
        };
        self.hand_over(before_view);
        let delivery = Rc::downgrade(self);
        // Runs once, so its closure is left to the timer rather than kept in the state.
        Timeout::new(0, move || {
            if let Some(delivery) = delivery.upgrade() {
                delivery.hand_over(usize::MAX);
                delivery.state.borrow_mut().stage = Stage::Direct;
            }
        })
        .forget();
    }

    /// Pushes the first `count` held calls, in order, taken out first: no borrow is held while
    /// the tracker runs. Calls held meanwhile (`usize::MAX`: all) follow.
    fn hand_over(&self, mut count: usize) {
        while count > 0 {
            let batch = {
                let mut state = self.state.borrow_mut();
                let at = count.min(state.held.len());
                let rest = state.held.split_off(at);
                std::mem::replace(&mut state.held, rest)
            };
            if batch.is_empty() {
                return;
            }
            count -= batch.len();
            for entries in &batch {
                push_entries(HSQ, entries);
            }
        }
    }
}
