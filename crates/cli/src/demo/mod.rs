//! What the demo needs besides the library: GH Archive downloads and a generated sample for
//! when there is no network.

pub mod download;
pub mod sample;
