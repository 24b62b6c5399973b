//! Geometry for the explorer, as pure functions: where systems sit, where a message is on
//! its link, how a series becomes an SVG path, how playback moves through virtual time. No browser types, unit-tested natively.

pub mod chart;
pub mod pace;
pub mod topology;
