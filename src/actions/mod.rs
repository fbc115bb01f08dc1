//! A Segment workspace's HubSpot Web (Actions) configuration, run as Segment's own runtime would.

pub mod fql;
pub mod mapping_kit;
