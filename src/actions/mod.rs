//! A Segment workspace's HubSpot Web (Actions) subscriptions, run as Segment's browser runtime runs them.

pub mod fql;
