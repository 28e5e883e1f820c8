//! The drift CLI (being implemented).
fn main() {}
