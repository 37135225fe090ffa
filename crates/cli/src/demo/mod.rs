//! What the demo needs besides the library: a generated sample for when there is no network
//! (downloads are `builtby_sources::gharchive::download`).

pub mod sample;
