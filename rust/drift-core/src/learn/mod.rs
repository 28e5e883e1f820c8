//! Convention learning. (Being implemented: see the engine issue.)
