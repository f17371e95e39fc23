//! Names Lepton reserves, one list for the form validator (`app::forms`)
//! and the emulator's server-side checks.

/// Secret names the official CLI refuses (exact, case-sensitive): the union
/// of the 0.47.1 set and the 0.27.x set.
pub const RESERVED_SECRET_NAMES: [&str; 8] = [
    "LEPTON_WORKSPACE_ID",
    "LEPTON_DEPLOYMENT_NAME",
    "LEPTON_JOB_NAME",
    "LEPTON_RESOURCE_ACCELERATOR_TYPE",
    "LEPTON_WORKSPACE_ORIGIN_URL",
    "LEPTON_PHOTON_NAME",
    "LEPTON_PHOTON_ID",
    "LEPTON_CLASSIC",
];

/// The one `lepton_`-prefixed secret name the service accepts (the CLI
/// creates it).
pub const ALLOWED_LEPTON_SECRET: &str = "LEPTON_WORKSPACE_TOKEN";

/// Whether `name` is one of [`RESERVED_SECRET_NAMES`].
pub fn is_reserved_secret_name(name: &str) -> bool {
    RESERVED_SECRET_NAMES.contains(&name)
}

/// Whether `name` starts with the reserved `lepton_` prefix (any case) and
/// is not [`ALLOWED_LEPTON_SECRET`].
pub fn has_reserved_secret_prefix(name: &str) -> bool {
    name != ALLOWED_LEPTON_SECRET
        && name
            .get(..7)
            .is_some_and(|p| p.eq_ignore_ascii_case("lepton_"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reserved() {
        assert!(
            RESERVED_SECRET_NAMES
                .iter()
                .all(|n| is_reserved_secret_name(n))
        );
        assert!(!is_reserved_secret_name("lepton_workspace_id"));
        assert!(has_reserved_secret_prefix("lepton_foo"));
        assert!(has_reserved_secret_prefix("LEPTON_WORKSPACE_ID"));
        assert!(!has_reserved_secret_prefix(ALLOWED_LEPTON_SECRET));
        assert!(!has_reserved_secret_prefix("LEPTONX"));
        assert!(!has_reserved_secret_prefix("名前名前"));
    }
}
