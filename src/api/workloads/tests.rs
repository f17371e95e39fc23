//! Unit tests of the workload wire types, views and state classes.

use serde_json::json;

use super::*;
use crate::api::types::{Features, Listed};

#[test]
fn endpoint_states_parse_both_spellings_and_keep_unknowns() {
    assert_eq!(EndpointState::parse("Not Ready"), EndpointState::NotReady);
    assert_eq!(EndpointState::parse("NotReady"), EndpointState::NotReady);
    assert_eq!(EndpointState::NotReady.as_str(), "Not Ready");
    assert_eq!(EndpointState::NotReady.as_new_wire(), "NotReady");
    let odd: EndpointState = serde_json::from_value(json!("Hibernating")).unwrap();
    assert_eq!(odd, EndpointState::Unknown("Hibernating".into()));
    assert_eq!(odd.to_string(), "Hibernating");
    // A number is kept as its text instead of failing the item.
    let num: EndpointState = serde_json::from_value(json!(3)).unwrap();
    assert_eq!(num.as_str(), "3");
}

#[test]
fn endpoint_state_classes() {
    use StateClass::*;
    let cases = [
        ("Ready", Healthy),
        ("Not Ready", Attention),
        ("NotReady", Attention),
        ("Starting", Transitional),
        ("Updating", Transitional),
        ("Scaling", Transitional),
        ("Migrating", Transitional),
        ("Restarting", Transitional),
        ("Stopping", Transitional),
        ("Stopped", Terminal),
        ("Deleting", Transitional),
        ("Error", Attention),
        ("UNK", Attention),
        ("", Attention),
        ("Sleeping", Attention),
    ];
    for (text, class) in cases {
        assert_eq!(EndpointState::parse(text).class(), class, "{text}");
    }
    assert_eq!(EndpointState::parse("Running").pod_class(), Healthy);
    assert_eq!(EndpointState::parse("Running").class(), Attention);
    assert_eq!(EndpointState::Ready.pod_class(), Healthy);
}

#[test]
fn job_state_classes_cover_every_known_state() {
    use StateClass::*;
    let cases = [
        ("Queueing", Waiting),
        ("Awaiting", Waiting),
        ("Starting", Transitional),
        ("Running", Healthy),
        ("Restarting", Transitional),
        ("PendingRetry", Attention),
        ("Stopping", Transitional),
        ("Stopped", Terminal),
        ("Completed", Terminal),
        ("Failed", Attention),
        ("Deleting", Transitional),
        ("Terminating", Transitional),
        ("Deleted", Terminal),
        ("Archived", Terminal),
        ("UNK", Attention),
        ("Paused", Attention),
    ];
    for (text, class) in cases {
        assert_eq!(JobState::parse(text).class(), class, "{text}");
    }
    assert_eq!(JobState::KNOWN.len(), 14);
    assert!(JobState::KNOWN.iter().all(|s| !s.is_unknown()));
    assert!(JobState::Failed.is_finished() && !JobState::Running.is_finished());
    assert_eq!(JobState::parse("Paused").as_str(), "Paused");
}

#[test]
fn route_family_follows_lep() {
    assert_eq!(RouteFamily::from_features(None), RouteFamily::Legacy);
    let mut f = Features::default();
    assert_eq!(RouteFamily::from_features(Some(&f)), RouteFamily::Legacy);
    f.enable_new_deployment_api = true;
    assert_eq!(RouteFamily::from_features(Some(&f)), RouteFamily::New);
}

#[test]
fn legacy_endpoint_and_pod_views() {
    let list = json!([
        {"metadata": {"id": "chat-ep", "name": "chat-ep", "created_at": 1735787045000_i64, "owner": "alice@example.com"},
         "spec": {"container": {"image": "nvcr.io/example/chat:1.0"},
                  "resource_requirement": {"resource_shape": "gpu.1xh100", "min_replicas": 1, "max_replicas": 3,
                                           "affinity": {"allowed_dedicated_node_groups": ["ng-h100"]}}},
         "status": {"state": "Not Ready", "phase": "Stopped",
                    "endpoint": {"internal_endpoint": "", "external_endpoint": "https://chat-ep.example.test"},
                    "autoscaler_status": {"desired_replicas": 2}}, "extra": {"x": 1}},
        {"metadata": {"id": "dev-bob", "name": "dev-bob", "owner": "bob@example.com"},
         "spec": {"is_pod": true, "resource_requirement": {"resource_shape": "gpu.1xh100", "min_replicas": 1}},
         "status": {"state": "Ready", "endpoint": {"internal_endpoint": null, "external_endpoint": ""},
                    "container_port_status": [{"container_port": 2222, "host_port": 31022, "protocol": "TCP"},
                                              {"container_port": 18888, "host_port": null}]}},
        {"metadata": {"name": 5}},
        {"spec": null, "status": {"state": null, "endpoint": {"internal_endpoint": "", "external_endpoint": ""}}}
    ]);
    let l = Listed::<Deployment>::from_value(list).unwrap();
    assert_eq!(l.items.len(), 3);
    assert_eq!(l.skipped.len(), 1);
    let ep = EndpointView::from_deployment(&l.items[0]);
    // phase wins over state.
    assert_eq!(ep.state, Some(EndpointState::Stopped));
    assert_eq!(ep.state_class(), StateClass::Terminal);
    assert_eq!(ep.replicas_desired, Some(2));
    assert_eq!(ep.max_replicas, Some(3));
    assert_eq!(ep.node_groups, ["ng-h100"]);
    assert_eq!(ep.url.as_deref(), Some("https://chat-ep.example.test"));
    assert!(l.items[1].is_pod());
    let pod = PodView::from_deployment(&l.items[1]);
    assert_eq!(pod.ports.len(), 1);
    assert_eq!(pod.host_port(SSH_PORT), Some(31022));
    assert_eq!(
        pod.ssh_command(),
        None,
        "legacy pods carry no IP in the list"
    );
    let unk = EndpointView::from_deployment(&l.items[2]);
    assert_eq!(unk.state_text(), "UNK");
    assert_eq!(unk.state_class(), StateClass::Attention);
}

#[test]
fn new_family_views_and_round_trip() {
    let e: HttpEndpoint = serde_json::from_value(json!({
        "metadata": {"name": "chat-ep", "created_at": 1735787045000_i64,
                     "lepton_metadata": {"owner": "alice@example.com"}},
        "spec": {"components": [
            {"name": "sidecar", "image": "side:1"},
            {"name": "default", "frontend": true, "image": "chat:1", "resource_shape": "gpu.1xh100",
             "min_replicas": 1, "max_replicas": 3}]},
        "status": {"state": "NotReady", "external_url": "https://x.test"}
    }))
    .unwrap();
    let v = EndpointView::from_http_endpoint(&e);
    assert_eq!(v.image.as_deref(), Some("chat:1"));
    assert_eq!(v.owner.as_deref(), Some("alice@example.com"));
    assert_eq!(v.state, Some(EndpointState::NotReady));
    assert_eq!(v.replicas_ready, Some(0));
    assert_eq!(v.replicas_desired, Some(1));
    // Serialised back in the new spelling.
    let back = serde_json::to_value(&e).unwrap();
    assert_eq!(back["status"]["state"], "NotReady");

    let mut deleting = e.clone();
    deleting.metadata.deleted_at = Some(json!(1735787045000_i64));
    assert_eq!(
        EndpointView::from_http_endpoint(&deleting).state,
        Some(EndpointState::Deleting)
    );

    let p: DevPod = serde_json::from_value(json!({
        "metadata": {"name": "dev-bob", "owner": "bob@example.com"},
        "spec": {"resource_shape": "gpu.1xh100", "stopped": false},
        "status": {"state": "Running", "public_ip": "203.0.113.7",
                   "port_statuses": [{"container_port": 2222, "host_port": 31022}]}
    }))
    .unwrap();
    let v = PodView::from_devpod(&p);
    assert_eq!(
        v.ssh_command().as_deref(),
        Some("ssh -p 31022 root@203.0.113.7")
    );
    assert_eq!(v.state_class(), StateClass::Healthy);
    assert_eq!(v.state_text(), "Running");
}

#[test]
fn jobs_page_shapes() {
    let p =
        decode_jobs_page(br#"{"jobs": [{"metadata": {"id": "a"}}, {"metadata": 7}], "total": 2}"#)
            .unwrap();
    assert_eq!(p.raw_len, 2);
    assert_eq!(p.jobs.items.len(), 1);
    assert_eq!(p.jobs.skipped.len(), 1);
    let p = decode_jobs_page(br#"[{"metadata": {"id": "a"}}]"#).unwrap();
    assert_eq!(p.jobs.items[0].id(), "a");
    assert_eq!(decode_jobs_page(br#"{"jobs": null}"#).unwrap().raw_len, 0);
    assert!(decode_jobs_page(b"").is_err());
    assert!(decode_jobs_page(br#"{"jobs": 3}"#).is_err());
}

#[test]
fn job_defaults_and_units() {
    let j: Job = serde_json::from_value(json!({
        "metadata": {"id": "train-1"},
        "spec": {"completions": null, "parallelism": 4, "envs": null, "container": null},
        "status": {"state": "Zombie", "job_history": null}
    }))
    .unwrap();
    assert_eq!(j.spec.workers(), 4);
    assert_eq!(j.state_class(), StateClass::Attention);
    assert_eq!(j.state().unwrap().as_str(), "Zombie");
    assert_eq!(Job::default().state_class(), StateClass::Attention);
    // The container is always sent (lep rejects null).
    let v = serde_json::to_value(Job::default()).unwrap();
    assert_eq!(v["spec"]["container"], json!({}));
    assert_eq!(epoch_ms(1_735_787_045), 1_735_787_045_000);
    assert_eq!(epoch_ms(1_735_787_045_000), 1_735_787_045_000);
    assert_eq!(epoch_ms(1_735_787_045_000_000), 1_735_787_045_000);
    assert_eq!(epoch_ms(1_735_787_045_000_000_000), 1_735_787_045_000);
}

#[test]
fn nodes_health_and_required_keys() {
    let n: Node = serde_json::from_value(json!({
        "metadata": {"id": "n1"},
        "spec": {"unschedulable": false, "resource": {"gpu": {"allocated": 4, "total": 8},
                 "cpu": {"allocated": 32.5, "total": 192}}},
        "status": {"status": ["Ready", "Healthy"]}
    }))
    .unwrap();
    assert!(n.is_usable());
    assert_eq!(n.state_class(), StateClass::Healthy);
    let mut sick = n.clone();
    sick.status.as_mut().unwrap().status = vec!["Ready".into(), "Unhealthy".into()];
    assert!(!sick.is_usable() && sick.is_unhealthy());
    assert_eq!(sick.state_class(), StateClass::Attention);
    let mut cordoned = n.clone();
    cordoned.spec.unschedulable = true;
    assert_eq!(cordoned.state_class(), StateClass::Transitional);
    // `status` and `spec.unschedulable` are always on the wire.
    let v = serde_json::to_value(Node::default()).unwrap();
    assert!(v["status"].is_null() && v.as_object().unwrap().contains_key("status"));
    assert_eq!(v["spec"]["unschedulable"], false);
    let v = serde_json::to_value(&n).unwrap();
    assert!(v["spec"]["resource"]["cpu"]["total"].is_i64());

    let group = NodeGroupNodes {
        group: NodeGroup::default(),
        nodes: Ok(Listed {
            items: vec![n, sick, cordoned],
            skipped: vec![],
        }),
    };
    assert_eq!(group.node_counts(), (1, 1, 3));
    assert_eq!(group.gpu_counts(), (4, 12, 24));
}

#[test]
fn deployment_status_always_sends_state_and_endpoint() {
    let v = serde_json::to_value(DeploymentStatus::default()).unwrap();
    assert!(v.as_object().unwrap().contains_key("state"));
    assert_eq!(v["endpoint"]["internal_endpoint"], "");
    assert_eq!(v["endpoint"]["external_endpoint"], "");
}

mod props {
    use proptest::prelude::*;
    use serde_json::{Value, json};

    use super::super::*;
    use crate::api::types::Listed;

    /// JSON shaped like workload objects: the right keys with junk values.
    fn junk() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::from),
            any::<i64>().prop_map(Value::from),
            any::<f64>().prop_map(|f| json!(f)),
            "[a-zA-Z ]{0,12}".prop_map(Value::from),
        ];
        leaf.prop_recursive(3, 24, 4, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
                prop::collection::btree_map(
                    prop_oneof![
                        Just("metadata".to_string()),
                        Just("spec".to_string()),
                        Just("status".to_string()),
                        Just("state".to_string()),
                        Just("jobs".to_string()),
                        Just("components".to_string()),
                        Just("container_port".to_string()),
                        Just("host_port".to_string()),
                        "[a-z_]{1,8}",
                    ],
                    inner,
                    0..5
                )
                .prop_map(|m| Value::Object(m.into_iter().collect())),
            ]
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig {
            failure_persistence: None,
            ..ProptestConfig::default()
        })]

        #[test]
        fn decoders_and_views_never_panic(v in junk(), bytes in prop::collection::vec(any::<u8>(), 0..64)) {
            let _ = decode_jobs_page(&bytes);
            let text = serde_json::to_vec(&v).unwrap();
            let _ = decode_jobs_page(&text);
            let list = Value::Array(vec![v.clone(), v.clone()]);
            if let Ok(l) = Listed::<Deployment>::from_value(list.clone()) {
                for d in &l.items {
                    let e = EndpointView::from_deployment(d);
                    let _ = (e.state_class(), e.state_text());
                    let p = PodView::from_deployment(d);
                    let _ = (p.ssh_command(), p.state_class());
                }
            }
            if let Ok(l) = Listed::<HttpEndpoint>::from_value(list.clone()) {
                for e in &l.items {
                    let _ = EndpointView::from_http_endpoint(e).state_class();
                }
            }
            if let Ok(l) = Listed::<DevPod>::from_value(list.clone()) {
                for p in &l.items {
                    let _ = PodView::from_devpod(p).ssh_command();
                }
            }
            if let Ok(l) = Listed::<Job>::from_value(list.clone()) {
                for j in &l.items {
                    let _ = (j.state_class(), j.spec.workers(), j.id(), j.name());
                }
            }
            if let Ok(l) = Listed::<Node>::from_value(list.clone()) {
                for n in &l.items {
                    let _ = n.state_class();
                }
            }
            let _ = Listed::<NodeGroup>::from_value(list.clone());
            let _ = Listed::<Replica>::from_value(list.clone());
            let _ = Listed::<Event>::from_value(list);
            let _ = serde_json::from_value::<Readiness>(v.clone());
            let _ = serde_json::from_value::<Terminations>(v);
        }

        #[test]
        fn epoch_ms_never_panics(t in any::<i64>()) {
            let _ = epoch_ms(t);
        }

        #[test]
        fn unknown_states_survive(s in "[A-Za-z]{1,16}") {
            let e = EndpointState::parse(&s);
            prop_assert!(e.is_unknown() || EndpointState::KNOWN.contains(&e));
            if e.is_unknown() {
                prop_assert_eq!(e.as_str(), s.as_str());
                prop_assert_eq!(e.class(), StateClass::Attention);
            }
            let j = JobState::parse(&s);
            if j.is_unknown() {
                prop_assert_eq!(j.as_str(), s.as_str());
                prop_assert_eq!(j.class(), StateClass::Attention);
            }
        }
    }
}
