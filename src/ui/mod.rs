//! Rendering of the model (to be written).
pub fn render(_frame: &mut ratatui::Frame, _model: &crate::app::Model) {}
