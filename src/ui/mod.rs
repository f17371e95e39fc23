//! Rendering of the model (to be written).
