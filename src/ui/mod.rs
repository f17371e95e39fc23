//! Rendering of the model (to be written).
pub mod form;
