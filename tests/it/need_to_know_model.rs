//! The need-to-know rule as a property: random sequences of registrations, referrals,
//! transfers, coordination changes, duplicate merges and unmerges, by the demo's users in every
//! role; after each step, what every user can actually open (cases and persons, through the
//! use-cases) is compared with the rule computed here, independently, from the facts the test
//! itself kept.
use std::collections::{BTreeMap, BTreeSet};

use haven_authz::Principal;
use haven_core::Origin;
use haven_core::admin::AdminActor;
use haven_domain::record::CaseRecord;
use haven_domain::{AgencyId, CaseId, PersonId, Role, UserId};
use proptest::prelude::*;

use crate::harness::TestApp;

/// People who may be registered (twice, by different agencies: the duplicate scan pairs them).
const NAMES: &[(&str, &str, &str)] = &[
    ("Yanelis", "Carrasquero", "2001-05-17"),
    ("Dayana", "Pestana", "2011-11-03"),
    ("Kevin", "Persaud", "1980-02-02"),
];

/// Who acts and is checked: every demo user.
const USERS: &[&str] = &[
    "coordinator",
    "caseworker",
    "childcare",
    "screener",
    "inspector",
    "provider",
    "admin",
    "analyst",
    "trainer",
    "auditor",
];

#[derive(Clone, Debug)]
enum Op {
    /// A user (index into the registering users) registers a name.
    Register { by: usize, name: usize },
    /// The coordinator asks to hand a case to an agency; its staff accept.
    Transfer { case: usize, to: usize },
    /// The owning agency refers a case to the provider's agency, which accepts.
    Refer { case: usize },
    /// The administrator switches an agency's coordination consent.
    Coordination { agency: usize },
    /// The coordinator scans for duplicates and merges a proposed pair, keeping one side.
    Merge { pair: usize, keep: usize },
    /// The coordinator undoes a merge.
    Unmerge { pair: usize },
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        4 => (0..4usize, 0..NAMES.len()).prop_map(|(by, name)| Op::Register { by, name }),
        2 => (0..8usize, 0..3usize).prop_map(|(case, to)| Op::Transfer { case, to }),
        1 => (0..8usize).prop_map(|case| Op::Refer { case }),
        1 => (0..3usize).prop_map(|agency| Op::Coordination { agency }),
        2 => (0..3usize, 0..2usize).prop_map(|(pair, keep)| Op::Merge { pair, keep }),
        1 => (0..3usize).prop_map(|pair| Op::Unmerge { pair }),
    ]
}

/// The facts the test keeps by itself.
#[derive(Default)]
struct Model {
    owner: BTreeMap<CaseId, AgencyId>,
    creator: BTreeMap<CaseId, UserId>,
    person: BTreeMap<CaseId, PersonId>,
    persons: BTreeSet<PersonId>,
    consents: BTreeMap<AgencyId, bool>,
    /// For each merge done: the cases it moved and the person they came from.
    merges: BTreeMap<String, (PersonId, Vec<CaseId>)>,
}

impl Model {
    /// The need-to-know rule, written again from the security model, not from `haven-authz`.
    fn may_read(&self, p: &Principal, case: CaseId) -> bool {
        let owner = self.owner[&case];
        match p.role {
            Role::Coordinator => self.consents[&owner] || owner == p.agency_id,
            Role::CaseWorker => owner == p.agency_id,
            Role::Screener => self.creator[&case] == p.user_id,
            _ => false,
        }
    }

    fn may_read_person(&self, p: &Principal, person: PersonId) -> bool {
        self.person
            .iter()
            .any(|(c, x)| *x == person && self.may_read(p, *c))
    }
}

async fn run(ops: Vec<Op>) {
    let app = TestApp::spawn().await;
    let h = &app.haven;
    let o = Origin::default();
    let mut who: BTreeMap<&str, Principal> = BTreeMap::new();
    for u in USERS {
        who.insert(u, app.principal(u).await);
    }
    let shelter = app.agency("Help & Shelter").await;
    let cpa = app.agency("Child Care and Protection Agency").await;
    let ffp = app.agency("Food for the Poor Guyana").await;
    let home = who["coordinator"].agency_id;
    let mut m = Model::default();
    for a in h.list_agencies().await.unwrap() {
        m.consents.insert(a.id, a.coordination_consent);
    }
    let registering = ["coordinator", "caseworker", "childcare", "screener"];
    let admin = who["admin"].clone();
    let coord = who["coordinator"].clone();
    let mut cases: Vec<CaseId> = Vec::new();

    for (step, op) in ops.iter().enumerate() {
        match op.clone() {
            Op::Register { by, name } => {
                let p = &who[registering[by]];
                let (first, last, birth) = NAMES[name];
                let record: CaseRecord = serde_json::from_value(serde_json::json!({
                    "person": {"first_name": first, "second_name": last, "birth_date": birth,
                               "gender": "Feminine", "citizenship": ["ve"]},
                    "victim": {"trafficking_status": "PossibleVictimOfTrafficking",
                               "type_of_exploitation": ["ForcedLabour"]},
                    "case": {"region": "GY-CU"}
                }))
                .unwrap();
                let (id, _) = h
                    .create_case(p.case_create().unwrap(), record, None, &o)
                    .await
                    .unwrap();
                let person: String =
                    sqlx::query_scalar("SELECT person_id FROM cases WHERE id = $1")
                        .bind(id.to_string())
                        .fetch_one(app.store.pool())
                        .await
                        .unwrap();
                let person: PersonId = person.parse().unwrap();
                m.owner.insert(id, p.agency_id);
                m.creator.insert(id, p.user_id);
                m.person.insert(id, person);
                m.persons.insert(person);
                cases.push(id);
            }
            Op::Transfer { case, to } => {
                let Some(&id) = cases.get(case % cases.len().max(1)) else {
                    continue;
                };
                let (to, accepter) = [
                    (shelter, "caseworker"),
                    (cpa, "childcare"),
                    (home, "coordinator"),
                ][to];
                if m.owner[&id] == to {
                    continue;
                }
                let asked = h.request_transfer(&coord, id, to, "", &o).await;
                assert_eq!(
                    asked.is_ok(),
                    m.may_read(&coord, id),
                    "step {step}: the coordinator asks for a transfer only of a case it reads"
                );
                if let Ok(t) = asked {
                    h.decide_transfer(&who[accepter], &t, true, "", &o)
                        .await
                        .unwrap();
                    m.owner.insert(id, to);
                }
            }
            Op::Refer { case } => {
                let Some(&id) = cases.get(case % cases.len().max(1)) else {
                    continue;
                };
                // Someone of the owning agency who may change the case refers it.
                let Some(p) = ["caseworker", "childcare", "coordinator", "screener"]
                    .iter()
                    .map(|u| &who[u])
                    .find(|p| m.may_read(p, id))
                else {
                    continue;
                };
                let consent = crate::harness::referral_consent(ffp);
                if h.record_consent(p, id, &consent, &o).await.is_err() {
                    continue;
                }
                let input = haven_core::referrals::ReferralInput {
                    to_agency_id: ffp.to_string(),
                    services: vec!["material_assistance".into()],
                    urgency: "routine".into(),
                    reason: "x".into(),
                    sections: vec!["identity".into(), "contact".into()],
                    send: true,
                    ..Default::default()
                };
                let t = haven_core::now();
                if let Ok(r) = h.at(t).create_referral(p, id, &input, &o).await {
                    h.at(t)
                        .decide_referral(
                            &who["provider"],
                            &r,
                            haven_core::referrals::Decision::Accept,
                            &o,
                        )
                        .await
                        .unwrap();
                }
            }
            Op::Coordination { agency } => {
                let a = [shelter, cpa, ffp][agency];
                let now = !m.consents[&a];
                h.set_agency_coordination(
                    AdminActor::Admin(admin.administer().unwrap()),
                    a,
                    now,
                    &o,
                )
                .await
                .unwrap();
                m.consents.insert(a, now);
            }
            Op::Merge { pair, keep } => {
                let cap = coord.duplicate_review().unwrap();
                h.scan_duplicates(Some(&coord), &o).await.unwrap();
                let open = h
                    .duplicate_queue(
                        cap,
                        "open",
                        &haven_core::support::cursor::PageRequest::all(),
                        &o,
                    )
                    .await
                    .unwrap()
                    .0;
                let Some(v) = open.get(pair % open.len().max(1)) else {
                    continue;
                };
                let kept = v.sides[keep].person_id;
                let gone = v.sides[1 - keep].person_id;
                let moved: Vec<CaseId> = m
                    .person
                    .iter()
                    .filter(|(_, x)| **x == gone)
                    .map(|(c, _)| *c)
                    .collect();
                let every = m
                    .person
                    .iter()
                    .filter(|(_, x)| **x == gone || **x == kept)
                    .all(|(c, _)| m.may_read(&coord, *c));
                let merged = h.merge_pair(cap, &v.id, kept, &o).await;
                assert_eq!(
                    merged.is_ok(),
                    every,
                    "step {step}: a merge is done exactly when the coordinator reads every case of both"
                );
                if merged.is_ok() {
                    for c in &moved {
                        m.person.insert(*c, kept);
                    }
                    m.merges.insert(v.id.clone(), (gone, moved));
                }
            }
            Op::Unmerge { pair } => {
                let cap = coord.duplicate_review().unwrap();
                let done = h
                    .duplicate_queue(
                        cap,
                        "merged",
                        &haven_core::support::cursor::PageRequest::all(),
                        &o,
                    )
                    .await
                    .unwrap()
                    .0;
                let Some(v) = done.get(pair % done.len().max(1)) else {
                    continue;
                };
                h.unmerge_pair(cap, &v.id, &o).await.unwrap();
                let (gone, moved) = m.merges.remove(&v.id).unwrap();
                for c in moved {
                    m.person.insert(c, gone);
                }
            }
        }
        // After every step: each user opens exactly what the rule allows.
        for (name, p) in &who {
            for c in &cases {
                let opened = h.open_case(p, *c, &o).await.is_ok();
                assert_eq!(
                    opened,
                    m.may_read(p, *c),
                    "step {step} ({op:?}): {name} opening case {c}"
                );
            }
            for person in &m.persons {
                let opened = h.open_person(p, *person, &o).await.is_ok();
                assert_eq!(
                    opened,
                    m.may_read_person(p, *person),
                    "step {step} ({op:?}): {name} opening person {person}"
                );
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 12,
        max_shrink_iters: 50,
        ..ProptestConfig::default()
    })]

    #[test]
    fn no_sequence_of_actions_opens_what_the_rule_denies(ops in proptest::collection::vec(op(), 4..16)) {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(run(ops));
    }
}
