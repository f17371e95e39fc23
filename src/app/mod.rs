//! Model, messages, effects and the pure reducer (to be written).
pub mod forms;
