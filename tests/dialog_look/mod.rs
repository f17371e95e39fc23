//! The keymap and look the dialog tests draw with (shared by
//! tests/forms.rs and tests/form_snapshots.rs).

/// The default keymap (what every dialog reads its keys through).
pub fn km() -> &'static lepdash::app::Keymap {
    static KM: std::sync::LazyLock<lepdash::app::Keymap> =
        std::sync::LazyLock::new(lepdash::app::Keymap::default);
    &KM
}

/// The dark theme (or mono) with Unicode glyphs and the default keymap.
pub fn look(mono: bool) -> lepdash::ui::form::DialogLook<'static> {
    use lepdash::app::ThemeName;
    use lepdash::ui::theme::{Glyphs, Theme};
    use std::sync::LazyLock;
    static DARK: LazyLock<Theme> = LazyLock::new(|| Theme::new(ThemeName::Dark));
    static MONO: LazyLock<Theme> = LazyLock::new(|| Theme::new(ThemeName::Mono));
    static GLYPHS: LazyLock<Glyphs> = LazyLock::new(|| Glyphs::new(false));
    lepdash::ui::form::DialogLook {
        theme: if mono { &MONO } else { &DARK },
        glyphs: &GLYPHS,
        keymap: km(),
    }
}
