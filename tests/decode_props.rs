//! Property tests of everything lepdash decodes from outside: API responses,
//! error bodies, the `lep login` record and the settings file.
//!
//! - no decoder panics, on arbitrary bytes or on JSON shaped like each type
//!   (right keys, wrong types, unknown enum strings, nested junk);
//! - a list with one bad item among good ones keeps every good one, in order,
//!   and notes exactly one skipped item;
//! - unknown enum strings survive as `Unknown(s)`, in both directions;
//! - `SecretWrite`, `RegistryWrite` and `CreatedToken` never show the secret
//!   in `Debug`;
//! - the login-record reader and the settings loader never panic, never leak
//!   a token, and keep their documented invariants.
//!
//! 256 cases per property (proptest's default; `PROPTEST_CASES` changes it).
//! The coverage-guided fuzzers of the same entry points are in `fuzz/`
//! (`scripts/fuzz.sh`).

use std::path::Path;
use std::time::Duration;

use lepdash::api::error::parse_retry_after;
use lepdash::api::types::*;
use lepdash::api::{ApiError, ServerMessage};
use lepdash::cli::Global;
use lepdash::config::{self, MIN_INTERVAL};
use lepdash::credentials::{self, LOGIN_RECORD_FILE};
use proptest::prelude::*;
use proptest::test_runner::FileFailurePersistence;
use secrecy::{ExposeSecret, SecretString};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

fn cfg() -> ProptestConfig {
    ProptestConfig {
        // Failures print their minimal input; no regression files in the tree.
        failure_persistence: Some(Box::new(FileFailurePersistence::Off)),
        ..ProptestConfig::default()
    }
}

// ================================================================ strategies

/// What a field holds when it is "plausible".
#[derive(Clone, Copy)]
enum K {
    Str,
    Int,
    Uint,
    Float,
    Bool,
    Enum(&'static [&'static str]),
    Strs,
    StrMap,
    Obj(&'static [(&'static str, K)]),
    MapOf(&'static [(&'static str, K)]),
    Any,
}

const VISIBILITY: &[&str] = &["public", "private"];
const WS_STATES: &[&str] = &["normal", "paused", "all-pods-terminated", "terminated"];
const ACTIVATION: &[&str] = &["not_activated", "pending", "active"];
const WORKLOAD: &[&str] = &["job", "pod", "deployment"];
const ROLES: &[&str] = &["admin", "user", "viewer"];
const MEMBER_STATUS: &[&str] = &["active", "invited"];

const METADATA: &[(&str, K)] = &[
    ("id", K::Str),
    ("name", K::Str),
    ("created_at", K::Int),
    ("version", K::Any),
    ("created_by", K::Str),
    ("last_modified_by", K::Str),
    ("last_modified_at", K::Int),
    ("semantic_version", K::Str),
    ("labels", K::StrMap),
    ("owner", K::Str),
    ("visibility", K::Enum(VISIBILITY)),
];
const SHAPE: &[(&str, K)] = &[
    ("description", K::Str),
    ("cpu", K::Float),
    ("memory", K::Float),
    ("accelerator_type", K::Str),
    ("accelerator_num", K::Float),
    ("accelerator_fraction", K::Float),
];
const WORKLOADS: &[(&str, K)] = &[
    ("num_deployments", K::Uint),
    ("num_jobs", K::Uint),
    ("num_pods", K::Uint),
    ("num_secrets", K::Uint),
    ("num_image_pull_secrets", K::Uint),
    ("num_photons", K::Uint),
];
const QUOTA_AMOUNT: &[(&str, K)] = &[
    ("cpu", K::Float),
    ("memory", K::Float),
    ("accelerator_num", K::Float),
];
const RESOURCE_QUOTA: &[(&str, K)] = &[
    ("limit", K::Obj(QUOTA_AMOUNT)),
    ("used", K::Obj(QUOTA_AMOUNT)),
];
const SERVICE_AMOUNT: &[(&str, K)] = &[("kv_store_num", K::Uint), ("queue_num", K::Uint)];
const SERVICE_QUOTA: &[(&str, K)] = &[
    ("limit", K::Obj(SERVICE_AMOUNT)),
    ("used", K::Obj(SERVICE_AMOUNT)),
];
const FEATURES: &[(&str, K)] = &[
    ("enable_new_deployment_api", K::Bool),
    ("enable_secure_endpoint_defaults", K::Bool),
];
const WORKSPACE_INFO: &[(&str, K)] = &[
    ("build_time", K::Str),
    ("git_commit", K::Str),
    ("workspace_name", K::Str),
    ("workspace_tier", K::Str),
    ("workspace_state", K::Enum(WS_STATES)),
    ("supported_shapes", K::MapOf(SHAPE)),
    ("not_in_use", K::Bool),
    ("workspace_disk_usage_bytes", K::Uint),
    ("workloads", K::Obj(WORKLOADS)),
    ("resource_quota", K::Obj(RESOURCE_QUOTA)),
    ("service_quota", K::Obj(SERVICE_QUOTA)),
    ("dedicated_node_group_only", K::Bool),
    ("features", K::Obj(FEATURES)),
];
const RESOLVER: &[(&str, K)] = &[
    ("id", K::Str),
    ("display_name", K::Str),
    ("workspace_url", K::Str),
    ("activation_state", K::Enum(ACTIVATION)),
    ("activation_updated_at", K::Int),
    ("early_access", K::Bool),
];
const MEMBER: &[(&str, K)] = &[
    ("id", K::Str),
    ("email", K::Str),
    ("name", K::Str),
    ("role", K::Enum(ROLES)),
    ("status", K::Enum(MEMBER_STATUS)),
    ("invited_by", K::Str),
    ("created_at", K::Int),
    ("last_active_at", K::Int),
];
const TOKEN: &[(&str, K)] = &[
    ("id", K::Str),
    ("name", K::Str),
    ("masked_value", K::Str),
    ("scopes", K::Strs),
    ("created_at", K::Int),
    ("expires_at", K::Int),
    ("created_by", K::Str),
];
const CREATED_TOKEN: &[(&str, K)] = &[
    ("id", K::Str),
    ("name", K::Str),
    ("masked_value", K::Str),
    ("scopes", K::Strs),
    ("created_at", K::Int),
    ("expires_at", K::Int),
    ("created_by", K::Str),
    ("token", K::Str),
];
const SECRET: &[(&str, K)] = &[
    ("name", K::Str),
    ("tags", K::Strs),
    ("owner", K::Str),
    ("visibility", K::Enum(VISIBILITY)),
];
const REGISTRY_SPEC: &[(&str, K)] = &[
    ("registry_server", K::Str),
    ("username", K::Str),
    ("email", K::Str),
    ("provider", K::Str),
];
const REGISTRY: &[(&str, K)] = &[
    ("metadata", K::Obj(METADATA)),
    ("spec", K::Obj(REGISTRY_SPEC)),
];
const TEMPLATE_SPEC: &[(&str, K)] = &[
    ("content", K::Any),
    ("json_schema", K::Any),
    ("workload_type", K::Enum(WORKLOAD)),
];
const TEMPLATE_STATUS: &[(&str, K)] = &[("state", K::Str)];
const TEMPLATE: &[(&str, K)] = &[
    ("metadata", K::Obj(METADATA)),
    ("spec", K::Obj(TEMPLATE_SPEC)),
    ("status", K::Obj(TEMPLATE_STATUS)),
];

fn text() -> BoxedStrategy<String> {
    prop_oneof![
        3 => "[a-zA-Z0-9_.:/-]{0,16}",
        1 => any::<String>(),
        1 => Just(String::new()),
        1 => prop::sample::select(vec!["null", "true", "0", "admin", "{}", "\u{0}", "é…"])
            .prop_map(String::from),
    ]
    .boxed()
}

/// Any JSON leaf, including the edges of each number type.
fn leaf() -> BoxedStrategy<Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        prop::sample::select(vec![0, -1, i64::MIN, i64::MAX]).prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        Just(Value::from(u64::MAX)),
        any::<f64>().prop_filter_map("finite", |f| serde_json::Number::from_f64(f)
            .map(Value::Number)),
        text().prop_map(Value::from),
    ]
    .boxed()
}

fn key() -> BoxedStrategy<String> {
    let known: Vec<&str> = [
        METADATA,
        SHAPE,
        WORKLOADS,
        WORKSPACE_INFO,
        RESOLVER,
        MEMBER,
        CREATED_TOKEN,
        SECRET,
        REGISTRY,
        TEMPLATE,
    ]
    .iter()
    .flat_map(|f| f.iter().map(|(k, _)| *k))
    .collect();
    prop_oneof![prop::sample::select(known).prop_map(String::from), text(),].boxed()
}

/// Arbitrary nested JSON.
fn junk() -> BoxedStrategy<Value> {
    leaf()
        .prop_recursive(3, 16, 4, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
                prop::collection::btree_map(key(), inner, 0..4)
                    .prop_map(|m| Value::Object(m.into_iter().collect())),
            ]
        })
        .boxed()
}

fn plausible(k: K) -> BoxedStrategy<Value> {
    match k {
        K::Str => text().prop_map(Value::from).boxed(),
        K::Int => prop_oneof![
            8 => any::<i64>().prop_map(Value::from),
            1 => Just(Value::from(u64::MAX)),
            1 => Just(serde_json::json!(1.5)),
        ]
        .boxed(),
        K::Uint => prop_oneof![
            9 => any::<u64>().prop_map(Value::from),
            1 => Just(Value::from(-1)),
        ]
        .boxed(),
        K::Float => prop_oneof![
            any::<f64>().prop_filter_map("finite", |f| serde_json::Number::from_f64(f)
                .map(Value::Number)),
            any::<i32>().prop_map(Value::from),
        ]
        .boxed(),
        K::Bool => any::<bool>().prop_map(Value::from).boxed(),
        K::Enum(known) => prop_oneof![
            2 => prop::sample::select(known).prop_map(Value::from),
            1 => text().prop_map(Value::from),
        ]
        .boxed(),
        K::Strs => prop::collection::vec(text().prop_map(Value::from), 0..4)
            .prop_map(Value::Array)
            .boxed(),
        K::StrMap => prop::collection::btree_map(text(), text().prop_map(Value::from), 0..4)
            .prop_map(|m| Value::Object(m.into_iter().collect()))
            .boxed(),
        K::Obj(fields) => shaped(fields),
        K::MapOf(fields) => prop::collection::btree_map(text(), shaped(fields), 0..3)
            .prop_map(|m| Value::Object(m.into_iter().collect()))
            .boxed(),
        K::Any => junk(),
    }
}

/// A JSON object with the type's keys (each present or not, usually of the
/// right type, sometimes junk) plus a few unknown keys.
fn shaped(fields: &'static [(&'static str, K)]) -> BoxedStrategy<Value> {
    let per_field: Vec<_> = fields
        .iter()
        .map(|&(name, k)| {
            prop::option::weighted(0.8, prop_oneof![19 => plausible(k), 1 => junk()])
                .prop_map(move |v| (name, v))
        })
        .collect();
    let extras = prop::collection::btree_map("[a-z_]{1,10}", leaf(), 0..3);
    (per_field, extras)
        .prop_map(|(fields, extras)| {
            let mut obj: serde_json::Map<String, Value> = extras.into_iter().collect();
            for (name, v) in fields {
                if let Some(v) = v {
                    obj.insert(name.to_string(), v);
                }
            }
            Value::Object(obj)
        })
        .boxed()
}

/// Usually an object shaped like the type, sometimes anything at all.
fn item(fields: &'static [(&'static str, K)]) -> BoxedStrategy<Value> {
    prop_oneof![5 => shaped(fields), 1 => junk()].boxed()
}

fn list_of(fields: &'static [(&'static str, K)]) -> BoxedStrategy<Value> {
    prop::collection::vec(item(fields), 0..6)
        .prop_map(Value::Array)
        .boxed()
}

// ================================================================ checks

/// Decode a list; check nothing is lost silently and every item re-encodes.
fn check_list<T>(value: &Value) -> Result<(), TestCaseError>
where
    T: DeserializeOwned + Serialize + std::fmt::Debug,
{
    let bytes = serde_json::to_vec(value).unwrap();
    let listed = Listed::<T>::from_json(&bytes).map_err(TestCaseError::fail)?;
    let len = value.as_array().map_or(0, Vec::len);
    prop_assert_eq!(listed.items.len() + listed.skipped.len(), len);
    for item in &listed.items {
        let again = serde_json::to_vec(item).unwrap();
        prop_assert!(
            serde_json::from_slice::<T>(&again).is_ok(),
            "{item:?} does not re-decode"
        );
    }
    let _ = format!("{listed:?}");
    Ok(())
}

fn check_object<T>(value: &Value) -> Result<Option<T>, TestCaseError>
where
    T: DeserializeOwned + Serialize + std::fmt::Debug,
{
    let bytes = serde_json::to_vec(value).unwrap();
    let Ok(v) = serde_json::from_slice::<T>(&bytes) else {
        return Ok(None);
    };
    let again = serde_json::to_vec(&v).unwrap();
    prop_assert!(
        serde_json::from_slice::<T>(&again).is_ok(),
        "{v:?} does not re-decode"
    );
    let _ = format!("{v:?}");
    Ok(Some(v))
}

fn all_decoders(bytes: &[u8], status: u16) {
    let _ = Listed::<Member>::from_json(bytes);
    let _ = Listed::<Token>::from_json(bytes);
    let _ = Listed::<Secret>::from_json(bytes);
    let _ = Listed::<Registry>::from_json(bytes);
    let _ = Listed::<Template>::from_json(bytes)
        .map(|l| l.items.iter().map(|t| t.spec.schema()).collect::<Vec<_>>());
    let _ = serde_json::from_slice::<WorkspaceInfo>(bytes);
    let _ = serde_json::from_slice::<Resolver>(bytes).map(|r| r.activation());
    let _ = serde_json::from_slice::<CreatedToken>(bytes).map(|t| format!("{t:?}"));
    let _ = ServerMessage::from_body(bytes).to_string();
    let retry = std::str::from_utf8(bytes).ok().and_then(parse_retry_after);
    let e = ApiError::from_status(status, retry, bytes);
    let _ = (e.to_string(), e.hint(), e.status(), e.code());
}

// ================================================================ no panics

proptest! {
    #![proptest_config(cfg())]

    #[test]
    fn no_decoder_panics_on_arbitrary_bytes(
        bytes in prop::collection::vec(any::<u8>(), 0..512),
        status in any::<u16>(),
    ) {
        all_decoders(&bytes, status);
    }

    #[test]
    fn no_decoder_panics_on_arbitrary_json(v in junk(), status in any::<u16>()) {
        all_decoders(&serde_json::to_vec(&v).unwrap(), status);
        // One level wrapped, as a list body.
        all_decoders(&serde_json::to_vec(&Value::Array(vec![v])).unwrap(), status);
    }

    #[test]
    fn member_lists_decode_safely(v in list_of(MEMBER)) {
        check_list::<Member>(&v)?;
    }

    #[test]
    fn token_lists_decode_safely(v in list_of(TOKEN)) {
        check_list::<Token>(&v)?;
    }

    #[test]
    fn secret_lists_decode_safely(v in list_of(SECRET)) {
        check_list::<Secret>(&v)?;
    }

    #[test]
    fn registry_lists_decode_safely(v in list_of(REGISTRY)) {
        check_list::<Registry>(&v)?;
    }

    #[test]
    fn template_lists_decode_safely(v in list_of(TEMPLATE)) {
        check_list::<Template>(&v)?;
        let bytes = serde_json::to_vec(&v).unwrap();
        for t in Listed::<Template>::from_json(&bytes).unwrap().items {
            let _ = (t.id(), t.name(), t.spec.schema());
        }
    }

    #[test]
    fn single_objects_decode_safely(
        ws in item(WORKSPACE_INFO),
        resolver in item(RESOLVER),
        created in item(CREATED_TOKEN),
    ) {
        check_object::<WorkspaceInfo>(&ws)?;
        if let Some(r) = check_object::<Resolver>(&resolver)? {
            let _ = r.activation();
        }
        check_object::<CreatedToken>(&created)?;
    }

    #[test]
    fn error_bodies_decode_safely(
        body in prop_oneof![
            shaped(&[("code", K::Str), ("message", K::Str)]),
            junk(),
        ],
        status in prop_oneof![any::<u16>(), prop::sample::select(vec![400u16, 401, 403, 404, 409, 422, 429, 500, 599, 600])],
        retry_after in prop_oneof!["[0-9 ]{0,8}", any::<String>()],
    ) {
        let bytes = serde_json::to_vec(&body).unwrap();
        let m = ServerMessage::from_body(&bytes);
        if let Some(obj) = body.as_object() {
            let code = obj.get("code").and_then(Value::as_str).unwrap_or_default();
            let message = obj.get("message").and_then(Value::as_str).unwrap_or_default();
            let well_typed = ["code", "message"].iter().all(|k| obj.get(*k).is_none_or(Value::is_string));
            // What is kept is trimmed (blank is empty), cut and token-masked:
            // plain short text comes through trimmed and otherwise unchanged.
            let (code, message) = (code.trim(), message.trim());
            let plain = |s: &str| s.chars().count() <= 64 && !s.contains("nvapi") && !s.to_ascii_lowercase().contains("bearer");
            if well_typed && (!code.is_empty() || !message.is_empty()) {
                prop_assert_eq!(m.code.is_some(), !code.is_empty());
                if plain(code) {
                    prop_assert_eq!(m.code.as_deref(), (!code.is_empty()).then_some(code));
                }
                if plain(message) {
                    prop_assert_eq!(&m.message, message);
                }
            }
        }
        let retry = parse_retry_after(&retry_after);
        let e = ApiError::from_status(status, retry, &bytes);
        prop_assert_eq!(e.status(), Some(if status == 422 { 400 } else { status }));
        prop_assert_eq!(e.retry_after(), if status == 429 { retry } else { None });
        prop_assert_eq!(e.server_message(), Some(&m));
        let _ = (e.to_string(), e.hint());
    }
}

// ================================================================ one bad item

fn opt<S: Strategy>(s: S) -> impl Strategy<Value = Option<S::Value>> {
    prop::option::of(s)
}

fn open<E>(known: &'static [&'static str], parse: fn(&str) -> E) -> impl Strategy<Value = E>
where
    E: std::fmt::Debug + Clone,
{
    prop_oneof![prop::sample::select(known).prop_map(String::from), text()]
        .prop_map(move |s| parse(&s))
}

fn member() -> impl Strategy<Value = Member> {
    (
        (text(), text(), opt(text()), open(ROLES, Role::parse)),
        (
            open(MEMBER_STATUS, MemberStatus::parse),
            opt(text()),
            opt(any::<i64>()),
            opt(any::<i64>()),
        ),
    )
        .prop_map(
            |((id, email, name, role), (status, invited_by, created_at, last_active_at))| Member {
                id: id.into(),
                email: email.into(),
                name: name.map(Into::into),
                role,
                status,
                invited_by: invited_by.map(Into::into),
                created_at,
                last_active_at,
            },
        )
}

fn token() -> impl Strategy<Value = Token> {
    (
        text(),
        text(),
        text(),
        prop::collection::vec(text(), 0..3),
        opt(any::<i64>()),
        opt(any::<i64>()),
        opt(text()),
    )
        .prop_map(
            |(id, name, masked_value, scopes, created_at, expires_at, created_by)| Token {
                id: id.into(),
                name: name.into(),
                masked_value: masked_value.into(),
                scopes: scopes.into_iter().map(Into::into).collect(),
                created_at,
                expires_at,
                created_by: created_by.map(Into::into),
            },
        )
}

/// A good secret item and how it is written: object or legacy bare name.
fn secret() -> impl Strategy<Value = (Secret, Value)> {
    prop_oneof![
        (
            text(),
            prop::collection::vec(text(), 0..3),
            opt(text()),
            opt(open(VISIBILITY, Visibility::parse)),
        )
            .prop_map(|(name, tags, owner, visibility)| {
                let s = Secret {
                    name: name.into(),
                    tags: tags.into_iter().map(Into::into).collect(),
                    owner: owner.map(Into::into),
                    visibility,
                };
                let v = serde_json::to_value(&s).unwrap();
                (s, v)
            }),
        text().prop_map(|name| {
            let v = Value::from(name.clone());
            (
                Secret {
                    name: name.into(),
                    tags: vec![],
                    owner: None,
                    visibility: None,
                },
                v,
            )
        }),
    ]
}

/// JSON without floats, so structs holding it compare equal after a round trip.
fn plain_json() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<i64>().prop_map(Value::from),
        text().prop_map(Value::from),
        prop::collection::btree_map("[a-z]{1,6}", text(), 0..3)
            .prop_map(|m| serde_json::to_value(m).unwrap()),
    ]
}

fn metadata() -> impl Strategy<Value = Metadata> {
    (
        (
            opt(text()),
            opt(text()),
            opt(any::<i64>()),
            opt(plain_json()),
        ),
        (
            opt(text()),
            opt(prop::collection::btree_map(text(), text(), 0..3)),
        ),
        opt(open(VISIBILITY, Visibility::parse)),
    )
        .prop_map(
            |((id, name, created_at, version), (owner, labels), visibility)| Metadata {
                id: id.map(Into::into),
                name: name.map(Into::into),
                created_at,
                // `Some(null)` is written as `null` and read back as `None`.
                owner: owner.map(Into::into),
                more: MetadataMore {
                    version: version.filter(|v| !v.is_null()),
                    labels,
                    ..MetadataMore::default()
                }
                .boxed(),
                visibility,
            },
        )
}

fn registry() -> impl Strategy<Value = Registry> {
    (metadata(), text(), text(), opt(text()), opt(text())).prop_map(
        |(metadata, registry_server, username, email, provider)| Registry {
            metadata,
            spec: RegistrySpec {
                registry_server: registry_server.into(),
                username: username.into(),
                email: email.map(Into::into),
                provider: provider.map(Into::into),
            },
        },
    )
}

fn template() -> impl Strategy<Value = Template> {
    (
        metadata(),
        plain_json(),
        plain_json(),
        opt(open(WORKLOAD, WorkloadType::parse)),
        opt(opt(text())),
    )
        .prop_map(
            |(metadata, content, json_schema, workload_type, status)| Template {
                metadata,
                spec: TemplateSpec {
                    content: content.into(),
                    json_schema: json_schema.into(),
                    workload_type,
                },
                status: status.map(|state| TemplateStatus {
                    state: state.map(Into::into),
                }),
            },
        )
}

fn non_objects() -> BoxedStrategy<Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        Just(serde_json::json!(2.5)),
    ]
    .boxed()
}

fn bad_member() -> BoxedStrategy<Value> {
    prop_oneof![
        non_objects(),
        text().prop_map(Value::from),
        Just(serde_json::json!({"email": "no-id@example.com", "role": "admin"})),
        Just(serde_json::json!({"id": "u1"})),
        Just(serde_json::json!({"id": 7, "role": "admin"})),
        Just(serde_json::json!({"id": "u1", "role": 3})),
        Just(serde_json::json!({"id": "u1", "role": "admin", "created_at": "yesterday"})),
    ]
    .boxed()
}

fn bad_token() -> BoxedStrategy<Value> {
    prop_oneof![
        non_objects(),
        text().prop_map(Value::from),
        Just(serde_json::json!({"name": "no id"})),
        Just(serde_json::json!({"id": ["t"]})),
        Just(serde_json::json!({"id": "t", "scopes": "read"})),
        Just(serde_json::json!({"id": "t", "expires_at": "soon"})),
    ]
    .boxed()
}

fn bad_secret() -> BoxedStrategy<Value> {
    prop_oneof![
        non_objects(),
        Just(serde_json::json!({"tags": ["no name"]})),
        Just(serde_json::json!({"name": 5})),
        Just(serde_json::json!({"name": "s", "tags": "a"})),
        Just(serde_json::json!({"name": "s", "visibility": 1})),
    ]
    .boxed()
}

fn bad_registry() -> BoxedStrategy<Value> {
    prop_oneof![
        non_objects(),
        text().prop_map(Value::from),
        Just(serde_json::json!({"metadata": 5})),
        Just(serde_json::json!({"spec": {"registry_server": 1}})),
        Just(serde_json::json!({"metadata": {"created_at": "yesterday"}})),
    ]
    .boxed()
}

fn bad_template() -> BoxedStrategy<Value> {
    prop_oneof![
        non_objects(),
        text().prop_map(Value::from),
        Just(serde_json::json!({"metadata": "x"})),
        Just(serde_json::json!({"spec": {"workload_type": 3}})),
        Just(serde_json::json!({"status": {"state": 1}})),
    ]
    .boxed()
}

/// Put `bad` at `pos` among the good items; decode; check the good ones are all
/// kept, in order, and exactly the bad one is noted.
fn one_bad<T>(goods: &[T], written: Vec<Value>, bad: Value, pos: usize) -> Result<(), TestCaseError>
where
    T: DeserializeOwned + PartialEq + std::fmt::Debug,
{
    let pos = pos % (written.len() + 1);
    let mut array = written;
    array.insert(pos, bad.clone());
    let bytes = serde_json::to_vec(&Value::Array(array)).unwrap();
    let listed = Listed::<T>::from_json(&bytes).map_err(TestCaseError::fail)?;
    prop_assert_eq!(
        listed.items.as_slice(),
        goods,
        "bad item {} at {}",
        bad,
        pos
    );
    prop_assert_eq!(listed.skipped.len(), 1, "{:?}", listed.skipped);
    let prefix = format!("item {pos}:");
    prop_assert!(
        listed.skipped[0].starts_with(&prefix),
        "{:?} should start with {:?}",
        listed.skipped[0],
        prefix
    );
    Ok(())
}

fn written<T: Serialize>(items: &[T]) -> Vec<Value> {
    items
        .iter()
        .map(|i| serde_json::to_value(i).unwrap())
        .collect()
}

proptest! {
    #![proptest_config(cfg())]

    #[test]
    fn one_bad_member_among_good_ones(
        goods in prop::collection::vec(member(), 0..5),
        bad in bad_member(),
        pos in any::<usize>(),
    ) {
        one_bad(&goods, written(&goods), bad, pos)?;
    }

    #[test]
    fn one_bad_token_among_good_ones(
        goods in prop::collection::vec(token(), 0..5),
        bad in bad_token(),
        pos in any::<usize>(),
    ) {
        one_bad(&goods, written(&goods), bad, pos)?;
    }

    #[test]
    fn one_bad_secret_among_good_ones(
        goods in prop::collection::vec(secret(), 0..5),
        bad in bad_secret(),
        pos in any::<usize>(),
    ) {
        let (items, json): (Vec<Secret>, Vec<Value>) = goods.into_iter().unzip();
        one_bad(&items, json, bad, pos)?;
    }

    #[test]
    fn one_bad_registry_among_good_ones(
        goods in prop::collection::vec(registry(), 0..5),
        bad in bad_registry(),
        pos in any::<usize>(),
    ) {
        one_bad(&goods, written(&goods), bad, pos)?;
    }

    #[test]
    fn one_bad_template_among_good_ones(
        goods in prop::collection::vec(template(), 0..5),
        bad in bad_template(),
        pos in any::<usize>(),
    ) {
        one_bad(&goods, written(&goods), bad, pos)?;
    }
}

// ================================================================ open enums

/// `Unknown(s)` for every string that is not a known spelling, through
/// `parse`, `as_str`, `Display` and JSON in both directions; known spellings
/// map to their variant and back.
macro_rules! open_enum_props {
    ($($test:ident: $ty:ty,)+) => {
        proptest! {
            #![proptest_config(cfg())]
            $(
                #[test]
                fn $test(s in any::<String>(), pick in any::<prop::sample::Index>()) {
                    let known: Vec<&str> = <$ty>::KNOWN.iter().map(|k| k.as_str()).collect();
                    let k = &<$ty>::KNOWN[pick.index(<$ty>::KNOWN.len())];
                    prop_assert_eq!(&<$ty>::parse(k.as_str()), k);
                    prop_assert!(!k.is_unknown());
                    let json: $ty = serde_json::from_value(Value::from(k.as_str())).unwrap();
                    prop_assert_eq!(&json, k);

                    prop_assume!(!known.contains(&s.as_str()));
                    let v = <$ty>::parse(&s);
                    prop_assert_eq!(&v, &<$ty>::Unknown(s.clone()));
                    prop_assert!(v.is_unknown());
                    prop_assert_eq!(v.as_str(), s.as_str());
                    prop_assert_eq!(v.to_string(), s.clone());
                    let from_json: $ty = serde_json::from_value(Value::from(s.clone())).unwrap();
                    prop_assert_eq!(&from_json, &<$ty>::Unknown(s.clone()));
                    prop_assert_eq!(serde_json::to_value(&from_json).unwrap(), Value::from(s.clone()));
                }
            )+
        }
    };
}

open_enum_props! {
    workspace_state_keeps_unknown_values: WorkspaceState,
    activation_state_keeps_unknown_values: ActivationState,
    visibility_keeps_unknown_values: Visibility,
    workload_type_keeps_unknown_values: WorkloadType,
    role_keeps_unknown_values: Role,
    member_status_keeps_unknown_values: MemberStatus,
}

proptest! {
    #![proptest_config(cfg())]

    /// Unknown values inside real objects stay too (a member with a custom
    /// role is kept, not skipped).
    #[test]
    fn unknown_enums_survive_inside_objects(role in text(), state in text()) {
        let body = serde_json::json!([{"id": "u1", "role": role, "status": state}]);
        let listed = Listed::<Member>::from_json(&serde_json::to_vec(&body).unwrap()).unwrap();
        prop_assert_eq!(listed.items.len(), 1);
        prop_assert_eq!(listed.items[0].role.as_str(), role.as_str());
        prop_assert_eq!(listed.items[0].status.as_str(), state.as_str());
        let again = serde_json::to_value(&listed.items[0]).unwrap();
        prop_assert_eq!(&again["role"], &Value::from(role));
    }
}

// ================================================================ secrets

/// A secret that no other generated field can contain by chance.
fn canary() -> impl Strategy<Value = String> {
    "[A-Za-z0-9_.:+/=-]{8,40}".prop_map(|s| format!("S3cr3t~{s}"))
}

proptest! {
    #![proptest_config(cfg())]

    #[test]
    fn secret_write_debug_hides_the_value(
        name in text(),
        value in canary(),
        tags in prop::collection::vec(text(), 0..3),
        visibility in opt(open(VISIBILITY, Visibility::parse)),
    ) {
        let w = SecretWrite { name, value: SecretString::from(value.clone()), visibility, tags };
        let shown = format!("{w:?}");
        prop_assert!(!shown.contains(&value), "secret shown: {}", shown);
        let shown = format!("{:?}", vec![w.clone()]);
        prop_assert!(!shown.contains(&value), "secret shown: {}", shown);
        // The request body is the only place it goes.
        let json = serde_json::to_value(&w).unwrap();
        prop_assert_eq!(json["value"].as_str(), Some(value.as_str()));
        let back: SecretWrite = serde_json::from_value(json).unwrap();
        prop_assert_eq!(back.value.expose_secret(), value.as_str());
        let shown = format!("{back:?}");
        prop_assert!(!shown.contains(&value), "secret shown: {}", shown);
    }

    #[test]
    fn registry_write_debug_hides_the_password(
        meta in metadata(),
        server in text(),
        username in text(),
        password in canary(),
        email in opt(text()),
        provider in opt(text()),
    ) {
        let w = RegistryWrite {
            metadata: meta,
            spec: RegistryWriteSpec {
                registry_server: server,
                username,
                password: SecretString::from(password.clone()),
                email,
                provider,
            },
        };
        let shown = format!("{w:?}");
        prop_assert!(!shown.contains(&password), "secret shown: {}", shown);
        let shown = format!("{:#?}", w.spec);
        prop_assert!(!shown.contains(&password), "secret shown: {}", shown);
        let json = serde_json::to_value(&w).unwrap();
        prop_assert_eq!(json["spec"]["password"].as_str(), Some(password.as_str()));
        let back: RegistryWrite = serde_json::from_value(json).unwrap();
        let shown = format!("{back:?}");
        prop_assert!(!shown.contains(&password), "secret shown: {}", shown);
    }

    #[test]
    fn created_token_debug_hides_the_plaintext(record in token(), plaintext in canary()) {
        let t = CreatedToken { record, plaintext: SecretString::from(plaintext.clone()) };
        let shown = format!("{t:?}");
        prop_assert!(!shown.contains(&plaintext), "secret shown: {}", shown);
        // Decoded from the server's answer, the same holds.
        let json = serde_json::to_vec(&t).unwrap();
        let back: CreatedToken = serde_json::from_slice(&json).unwrap();
        prop_assert_eq!(back.plaintext.expose_secret(), plaintext.as_str());
        prop_assert_eq!(&back.record, &t.record);
        let shown = format!("{back:?}");
        prop_assert!(!shown.contains(&plaintext), "secret shown: {}", shown);
        let shown = format!("{:#?}", back);
        prop_assert!(!shown.contains(&plaintext), "secret shown: {}", shown);
    }
}

// ================================================================ lep login record

const STDIN_CANARY: &str = "stdin-canary-token-Zq81";
const ENV_CANARY: &str = "env-canary-token-Wx55";

/// Resolve credentials from `record` (raw file bytes) under one of seven
/// flag/environment set-ups; returns everything a user could be shown.
fn resolve_with(dir: &Path, record: &[u8], setup: u8) -> String {
    std::fs::write(dir.join(LOGIN_RECORD_FILE), record).unwrap();
    let mut global = Global::default();
    let mut vars: Vec<(&str, String)> = vec![("LEPTON_CACHE_DIR", dir.display().to_string())];
    let mut stdin = None;
    match setup % 7 {
        0 => {}
        1 => global.workspace = Some("ws1".into()),
        2 => {
            vars.push(("LEPTON_WORKSPACE_ID", "ws1".into()));
            vars.push(("LEPTON_WORKSPACE_TOKEN", ENV_CANARY.into()));
        }
        3 => vars.push((
            "LEPTON_WORKSPACE_URL",
            "http://203.0.113.9/api/v2/workspaces/other/".into(),
        )),
        4 => vars.push(("LEPTON_WORKSPACE_ORIGIN_URL", "not a url".into())),
        5 => {
            global.url =
                Some("https://gateway.dgxc-lepton.nvidia.com/api/v2/workspaces/ws2".into());
            stdin = Some(SecretString::from(format!("  {STDIN_CANARY}\n")));
        }
        _ => vars.push(("LEPTON_WORKSPACE_ID", format!("ws1:{ENV_CANARY}"))),
    }
    let env = move |k: &str| vars.iter().find(|(n, _)| *n == k).map(|(_, v)| v.clone());
    match credentials::resolve(&global, &env, stdin) {
        Ok(r) => {
            for t in std::iter::once(&r.current).chain(&r.others) {
                let _ = (t.masked_token(), t.label());
            }
            format!("{r:?}\n{}\n{}", r.source, r.warnings.join("\n"))
        }
        Err(e) => format!("{e}\n{e:?}"),
    }
}

fn ws_id() -> BoxedStrategy<String> {
    prop_oneof![
        prop::sample::select(vec!["ws1", "ws2", "legacy9", "123", "true", "null", "~"])
            .prop_map(String::from),
        "[a-z0-9-]{1,10}",
    ]
    .boxed()
}

fn login_token() -> BoxedStrategy<String> {
    "[A-Za-z0-9_.:-]{6,24}"
        .prop_map(|s| format!("tok-{s}"))
        .boxed()
}

fn yaml_scalar() -> BoxedStrategy<String> {
    prop_oneof![
        Just("null".to_string()),
        Just("~".to_string()),
        Just("".to_string()),
        any::<i64>().prop_map(|i| i.to_string()),
        any::<f64>().prop_map(|f| f.to_string()),
        Just("1.0e400".to_string()),
        Just("[]".to_string()),
        Just("{}".to_string()),
        Just("[a, b]".to_string()),
        Just("*alias".to_string()),
        Just("&anchor x".to_string()),
        Just("!!binary aGk=".to_string()),
        Just("|\n      block".to_string()),
        "[a-zA-Z0-9 :/._-]{0,20}",
        "[a-zA-Z0-9 :/._-]{0,20}".prop_map(|s| format!("'{s}'")),
        "[a-zA-Z0-9 :/._-]{0,20}".prop_map(|s| format!("\"{s}\"")),
    ]
    .boxed()
}

/// One entry line of a record, with its token (if any) quoted in some style.
fn entry_line() -> BoxedStrategy<String> {
    let token_value = prop_oneof![
        login_token(),
        login_token().prop_map(|t| format!("'{t}'")),
        login_token().prop_map(|t| format!("\"{t}\"")),
        Just("null".to_string()),
    ];
    prop_oneof![
        3 => token_value.prop_map(|t| format!("auth_token: {t}")),
        2 => ws_id().prop_map(|i| format!("id: {i}")),
        1 => yaml_scalar().prop_map(|s| format!("id: {s}")),
        1 => yaml_scalar().prop_map(|s| format!("display_name: {s}")),
        1 => prop::sample::select(vec![
            "url: https://gateway.dgxc-lepton.nvidia.com/api/v2/workspaces/ws1",
            "url: http://127.0.0.1:8080/api/v2/workspaces/ws2",
            "url: http://example.com/x",
            "url: null",
            "workspace_origin_url: https://gateway.dgxc-lepton.nvidia.com",
            "workspace_origin_url: https://gateway.dgxc-lepton.nvidia.com/api/v2/workspaces/ws1",
            "workspace_origin_url: ://",
            "workspace_origin_url: null",
            "is_lepton_classic: false",
        ]).prop_map(String::from),
        1 => yaml_scalar().prop_map(|s| format!("url: {s}")),
        1 => yaml_scalar().prop_map(|s| format!("workspace_origin_url: {s}")),
        2 => prop_oneof![
            any::<i64>().prop_map(|i| i.to_string()),
            yaml_scalar(),
        ].prop_map(|s| format!("token_expires_at: {s}")),
    ]
    .boxed()
}

/// A record shaped like the ones `lep` writes, with odd values.
fn structured_record() -> BoxedStrategy<String> {
    let entry = (
        ws_id(),
        prop::option::weighted(0.9, prop::collection::vec(entry_line(), 0..7)),
    );
    (
        prop_oneof![ws_id(), yaml_scalar()],
        prop::collection::vec(entry, 0..4),
        any::<bool>(),
    )
        .prop_map(|(current, entries, current_first)| {
            let current = format!("current_workspace: {current}\n");
            let mut ws = String::from("workspaces:\n");
            for (key, lines) in entries {
                match lines {
                    None => ws.push_str(&format!("  {key}: null\n")),
                    Some(lines) => {
                        ws.push_str(&format!("  {key}:\n"));
                        for l in lines {
                            ws.push_str(&format!("    {l}\n"));
                        }
                    }
                }
            }
            if current_first {
                current + &ws
            } else {
                ws + &current
            }
        })
        .boxed()
}

/// Lines of record vocabulary at random indentation, plus junk lines.
fn line_soup() -> BoxedStrategy<String> {
    let line = prop_oneof![
        3 => entry_line(),
        1 => ws_id().prop_map(|i| format!("{i}:")),
        1 => prop_oneof![ws_id(), yaml_scalar()].prop_map(|s| format!("current_workspace: {s}")),
        1 => Just("workspaces:".to_string()),
        1 => prop::sample::select(vec![
            "workspaces: {}", "workspaces: null", "workspaces: []", "---", "...", "- x",
            "? complex", "# comment", "\t", "%YAML 1.2", "<<: *a", "a: &a {b: 1}",
            "workspaces: {ws1: {auth_token: tok-flowstyle-AAAA, id: ws1}}",
        ]).prop_map(String::from),
        1 => any::<String>(),
    ];
    prop::collection::vec((0usize..4, line), 0..12)
        .prop_map(|lines| {
            lines
                .into_iter()
                .map(|(indent, l)| format!("{}{l}\n", "  ".repeat(indent)))
                .collect()
        })
        .boxed()
}

fn tokens_in(text: &str) -> Vec<String> {
    // Every `tok-…` value the generators wrote (they appear nowhere else).
    text.match_indices("tok-")
        .map(|(i, _)| {
            text[i..]
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || "_.:-".contains(*c))
                .collect::<String>()
        })
        .filter(|t| t.len() >= 10)
        .collect()
}

proptest! {
    #![proptest_config(cfg())]

    /// Never panics, and no token (from the file, stdin or the environment)
    /// shows in an error, a warning or Debug output.
    #[test]
    fn login_record_reader_is_total_and_discreet(
        record in prop_oneof![3 => structured_record(), 2 => line_soup(), 1 => any::<String>()],
        setup in any::<u8>(),
    ) {
        let dir = tempfile::tempdir().unwrap();
        let shown = resolve_with(dir.path(), record.as_bytes(), setup);
        for t in tokens_in(&record).iter().map(String::as_str).chain([STDIN_CANARY, ENV_CANARY]) {
            prop_assert!(!shown.contains(t), "token {:?} leaked from\n{}\ninto\n{}", t, record, shown);
        }
    }

    #[test]
    fn login_record_reader_survives_arbitrary_bytes(
        bytes in prop::collection::vec(any::<u8>(), 0..256),
        setup in any::<u8>(),
    ) {
        let dir = tempfile::tempdir().unwrap();
        let shown = resolve_with(dir.path(), &bytes, setup);
        prop_assert!(!shown.contains(STDIN_CANARY) && !shown.contains(ENV_CANARY));
    }
}

// ================================================================ settings file

fn toml_value() -> BoxedStrategy<String> {
    prop_oneof![
        prop::sample::select(vec![
            "\"5s\"",
            "\"0\"",
            "\"0s\"",
            "\"1ms\"",
            "\"999ms\"",
            "\"24h\"",
            "\"25h\"",
            "\"1.5m\"",
            "\"-1s\"",
            "\"nan\"",
            "\"inf\"",
            "\"1e3\"",
            "\"\"",
            "\" 2 min \"",
            "\"9999999999999999999h\"",
            "5",
            "0",
            "-5",
            "0x10",
            "0o7",
            "0b1",
            "1_000",
            "1.5",
            "1e400",
            "-0.0",
            "nan",
            "inf",
            "-inf",
            "true",
            "false",
            "[]",
            "[\"j\", 5, \"ctrl-\"]",
            "{}",
            "{a = 1}",
            "\"dark\"",
            "\"LIGHT\"",
            "\"no-color\"",
            "\"sepia\"",
            "1979-05-27T07:32:00Z",
            "'''x'''",
            "\"\"\"\nx\"\"\"",
        ])
        .prop_map(String::from),
        any::<i64>().prop_map(|i| i.to_string()),
        any::<f64>().prop_map(|f| format!("{f:?}")),
        "[a-zA-Z0-9 ._-]{0,12}".prop_map(|s| format!("\"{s}\"")),
        text().prop_map(|s| format!("{s:?}")),
    ]
    .boxed()
}

fn key_spec() -> BoxedStrategy<String> {
    prop_oneof![
        prop::sample::select(vec![
            "j",
            "ctrl-c",
            "Ctrl-C",
            "shift-tab",
            "alt-enter",
            "pagedown",
            "F5",
            "-",
            "ctrl--",
            "",
            "ctrl-",
            "jj",
            "page down",
            "\\u0007",
            "ctrl-alt-shift-x",
            "é",
            "🦀",
        ])
        .prop_map(String::from),
        text(),
    ]
    .prop_map(|s| format!("{s:?}"))
    .boxed()
}

fn toml_text() -> BoxedStrategy<String> {
    let top_key = prop_oneof![
        4 => prop::sample::select(vec![
            "interval", "hidden_interval", "connect_timeout", "request_timeout", "theme",
            "mouse", "ascii_borders", "read_only", "keys",
        ]).prop_map(String::from),
        1 => "[a-z_]{1,10}",
        1 => Just("\"interval\"".to_string()),
        1 => Just("keys.quit".to_string()),
    ];
    let line = prop_oneof![
        5 => (top_key, toml_value()).prop_map(|(k, v)| format!("{k} = {v}")),
        2 => ("[a-z_]{1,8}", prop::collection::vec(key_spec(), 0..4))
            .prop_map(|(a, ks)| format!("{a} = [{}]", ks.join(", "))),
        2 => ("[a-z_]{1,8}", key_spec()).prop_map(|(a, k)| format!("{a} = {k}")),
        1 => prop::sample::select(vec![
            "[keys]", "[keys.sub]", "[[keys]]", "[other]", "[", "]", "= 1", "# comment",
            "interval = ", "keys = 5", "keys = \"q\"", "interval = \"5s\" # trailing",
        ]).prop_map(String::from),
        1 => any::<String>(),
    ];
    prop::collection::vec(line, 0..12)
        .prop_map(|lines| lines.join("\n"))
        .boxed()
}

fn check_config(
    text: &str,
    c: &config::Config,
    warnings: &[String],
    source: &str,
) -> Result<(), TestCaseError> {
    prop_assert!(c.interval >= MIN_INTERVAL);
    prop_assert!(c.hidden_interval >= c.interval);
    prop_assert!(!c.connect_timeout.is_zero() && !c.request_timeout.is_zero());
    prop_assert!(c.interval <= Duration::from_secs(86_400));
    for (action, keys) in &c.keys {
        prop_assert!(!keys.is_empty(), "empty override for {action}");
        for k in keys {
            prop_assert!(config::is_valid_key_spec(k), "kept {k:?}");
        }
    }
    let last_line = text.matches('\n').count() + 1;
    let not_utf8 = format!("{source}: the settings file is not UTF-8 text; using the defaults");
    for w in warnings.iter().filter(|w| **w != not_utf8) {
        let line: usize = w
            .strip_prefix(source)
            .and_then(|r| r.strip_prefix(':'))
            .and_then(|r| r.split_once(':'))
            .and_then(|(n, _)| n.parse().ok())
            .ok_or_else(|| TestCaseError::fail(format!("no FILE:LINE in {w:?}")))?;
        prop_assert!(
            (1..=last_line).contains(&line),
            "line {line} of {last_line}: {w:?}"
        );
    }
    Ok(())
}

proptest! {
    #![proptest_config(cfg())]

    #[test]
    fn config_parser_is_total(text in prop_oneof![3 => toml_text(), 1 => any::<String>()]) {
        let (c, warnings) = config::parse(&text, "cfg.toml");
        check_config(&text, &c, &warnings, "cfg.toml")?;
    }

    #[test]
    fn config_loader_survives_arbitrary_files(
        bytes in prop_oneof![
            toml_text().prop_map(String::into_bytes),
            prop::collection::vec(any::<u8>(), 0..256),
        ],
        no_color in any::<bool>(),
    ) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.toml");
        std::fs::write(&path, &bytes).unwrap();
        let env = |k: &str| (no_color && k == "NO_COLOR").then(|| "1".to_string());
        let loaded = config::load(Some(&path), &env);
        let source = path.display().to_string();
        let text = String::from_utf8_lossy(&bytes);
        check_config(&text, &loaded.config, &loaded.warnings, &source)?;
        if no_color {
            prop_assert_eq!(loaded.config.theme, config::ThemeName::Mono);
        }
        if std::str::from_utf8(&bytes).is_err() {
            prop_assert_eq!(&loaded.config, &config::Config { theme: loaded.config.theme, ..config::Config::default() });
            prop_assert_eq!(loaded.warnings.len(), 1);
        }
    }
}

/// How often a strategy's values decode as `T` (of 100 deterministic samples).
fn decode_rate<T: DeserializeOwned>(strategy: BoxedStrategy<Value>) -> usize {
    use proptest::strategy::ValueTree;
    use proptest::test_runner::TestRunner;
    let mut runner = TestRunner::deterministic();
    (0..100)
        .filter(|_| {
            let v = strategy.new_tree(&mut runner).unwrap().current();
            serde_json::from_value::<T>(v).is_ok()
        })
        .count()
}

/// The shaped-JSON properties above only mean something if shaped input often
/// decodes (and often does not): both paths must be well exercised.
#[test]
fn shaped_json_reaches_both_paths() {
    let rates = [
        ("Member", decode_rate::<Member>(item(MEMBER))),
        ("Token", decode_rate::<Token>(item(TOKEN))),
        ("Secret", decode_rate::<Secret>(item(SECRET))),
        ("Registry", decode_rate::<Registry>(item(REGISTRY))),
        ("Template", decode_rate::<Template>(item(TEMPLATE))),
        (
            "WorkspaceInfo",
            decode_rate::<WorkspaceInfo>(item(WORKSPACE_INFO)),
        ),
        ("Resolver", decode_rate::<Resolver>(item(RESOLVER))),
        (
            "CreatedToken",
            decode_rate::<CreatedToken>(item(CREATED_TOKEN)),
        ),
    ];
    eprintln!("{rates:?}");
    for (name, ok) in rates {
        assert!((10..=95).contains(&ok), "{name}: {ok}/100 decode");
    }
}
