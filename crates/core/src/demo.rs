//! A realistic demo deployment: the Guyana agencies of the 2016 training that Haven grew from,
//! one user for every role, and about 300 fictional cases generated here. No real person's data.
use haven_audit::{Action, Actor, Event};
use haven_domain::{AgencyId, AgencyType, CaseStatus, Role, UserId};
use haven_store::agencies::{self, AgencyRow};
use haven_store::cases;
use haven_store::users::{self, UserRow};

use haven_domain::record::CaseRecord;
use crate::{Haven, Result, now};

/// The password of every demo account (printed by `haven demo`).
pub const DEMO_PASSWORD: &str = "haven-demo-2026";
/// The TOTP keys of the demo admin and coordinator, whose roles require a second factor.
pub const DEMO_TOTP_ADMIN: &str = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";
pub const DEMO_TOTP_COORDINATOR: &str = "KRUGKIDROVUWG2ZAMJZG653OEBTG66BA";

/// Deterministic generator (SplitMix64), so every demo database looks the same.
struct Gen(u64);

impl Gen {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
}

struct DemoAgency {
    name: &'static str,
    kind: AgencyType,
    region: &'static str,
    coordination: bool,
}

const AGENCIES: &[DemoAgency] = &[
    DemoAgency {
        name: "Ministry of Human Services and Social Security — Counter-Trafficking in Persons Unit",
        kind: AgencyType::CentralGovernmentOrganisation,
        region: "GY-DE",
        coordination: true,
    },
    DemoAgency {
        name: "Ministry of Labour",
        kind: AgencyType::CentralGovernmentOrganisation,
        region: "GY-DE",
        coordination: true,
    },
    DemoAgency {
        name: "Ministry of Communities",
        kind: AgencyType::CentralGovernmentOrganisation,
        region: "GY-DE",
        coordination: true,
    },
    DemoAgency {
        name: "Child Care and Protection Agency",
        kind: AgencyType::CentralGovernmentOrganisation,
        region: "GY-DE",
        coordination: true,
    },
    DemoAgency {
        name: "Indigenous Peoples' Commission",
        kind: AgencyType::CentralGovernmentOrganisation,
        region: "GY-UT",
        coordination: true,
    },
    DemoAgency {
        name: "Guyana Forestry Commission",
        kind: AgencyType::CentralGovernmentOrganisation,
        region: "GY-PT",
        coordination: true,
    },
    DemoAgency {
        name: "Guyana Geology and Mines Commission",
        kind: AgencyType::CentralGovernmentOrganisation,
        region: "GY-CU",
        coordination: true,
    },
    DemoAgency {
        name: "Guyana Police Force — TIP Unit",
        kind: AgencyType::LawEnforcement,
        region: "GY-DE",
        coordination: true,
    },
    DemoAgency {
        name: "Help & Shelter",
        kind: AgencyType::Ngo,
        region: "GY-DE",
        coordination: false,
    },
    DemoAgency {
        name: "Food for the Poor Guyana",
        kind: AgencyType::Ngo,
        region: "GY-DE",
        coordination: true,
    },
    DemoAgency {
        name: "IOM Guyana",
        kind: AgencyType::Ngo,
        region: "GY-DE",
        coordination: false,
    },
];

/// (username, full name, role, agency index)
const USERS: &[(&str, &str, Role, usize)] = &[
    ("admin", "Demo Administrator", Role::Admin, 0),
    ("coordinator", "Demo NRM Coordinator", Role::Coordinator, 0),
    (
        "caseworker",
        "Demo Case Worker (Help & Shelter)",
        Role::CaseWorker,
        8,
    ),
    ("childcare", "Demo Case Worker (CPA)", Role::CaseWorker, 3),
    ("screener", "Demo Mines Officer", Role::Screener, 6),
    ("inspector", "Demo Labour Inspector", Role::Screener, 1),
    (
        "provider",
        "Demo Service Provider",
        Role::ServiceProvider,
        9,
    ),
    ("analyst", "Demo Analyst", Role::Analyst, 10),
    ("trainer", "Demo Trainer", Role::Trainer, 10),
    ("auditor", "Demo Auditor", Role::Auditor, 0),
];

// Fictional names: common given names and surnames of the region, combined at random.
const FIRST_F: &[&str] = &[
    "María",
    "Ana",
    "Yolanda",
    "Daniela",
    "Keisha",
    "Shanice",
    "Priya",
    "Savitri",
    "Andreína",
    "Luisa",
    "Fernanda",
    "Juliana",
    "Rosa",
    "Carmen",
    "Tamika",
    "Latoya",
    "Aaliyah",
    "Kamla",
    "Indira",
    "Yusleidy",
    "Marisol",
    "Gabriela",
];
const FIRST_M: &[&str] = &[
    "José",
    "Luis",
    "Carlos",
    "Jorge",
    "Andre",
    "Devon",
    "Ravi",
    "Vishnu",
    "João",
    "Pedro",
    "Marlon",
    "Shawn",
    "Kevin",
    "Yonder",
    "Wilmer",
    "Rohan",
    "Deon",
    "Ramesh",
    "Francisco",
    "Jean",
];
const LAST: &[&str] = &[
    "González",
    "Rodríguez",
    "Pérez",
    "Hernández",
    "da Silva",
    "dos Santos",
    "Oliveira",
    "Persaud",
    "Singh",
    "Ramdass",
    "Williams",
    "Thomas",
    "Charles",
    "Fraser",
    "Henry",
    "Ali",
    "Khan",
    "Mohamed",
    "James",
    "Joseph",
    "Castillo",
    "Ramírez",
    "Sookdeo",
    "Baptiste",
    "Fernandes",
    "Allicock",
    "Jeffrey",
    "De Souza",
];
const CITIZENSHIP: &[&str] = &[
    "GY", "GY", "GY", "GY", "VE", "VE", "VE", "BR", "DO", "CU", "HT",
];
/// Where demo cases are found: weighted towards the interior mining regions (1, 7, 8, 9), as
/// described in `shared/domain.md`.
const DEMO_REGIONS: &[&str] = &[
    "GY-BA", "GY-CU", "GY-CU", "GY-PT", "GY-UT", "GY-DE", "GY-DE", "GY-EB", "GY-ES", "GY-MA",
];
const SUMMARIES: &[&str] = &[
    "Identified during a joint inspection of a mining camp; works without pay to repay a travel debt.",
    "Referred by the hotline (Spanish line). Recruited with a promise of shop work in Georgetown.",
    "Found at a bar in a mining community; documents held by the owner.",
    "Domestic worker, not allowed to leave the house, wages withheld for months.",
    "Logging camp worker; recruiter took identity card; long hours, no protective equipment.",
    "Child found working in a shop during school hours; lives with employer.",
];

fn demo_case(g: &mut Gen) -> CaseRecord {
    let female = g.chance(70);
    let first = if female {
        *g.pick(FIRST_F)
    } else {
        *g.pick(FIRST_M)
    };
    let exploitation = if female && g.chance(65) {
        "SexualExploitation"
    } else {
        *g.pick(&[
            "ForcedLabour",
            "ForcedLabour",
            "ChildLabour",
            "Servitude",
            "ForcedBegging",
            "Other",
        ])
    };
    let child = exploitation == "ChildLabour" || g.chance(20);
    let year = if child {
        2008 + g.below(9)
    } else {
        1975 + g.below(30)
    };
    let uncertain = child && g.chance(30);
    let region = *g.pick(DEMO_REGIONS);
    let mut r = CaseRecord::default();
    let p = &mut r.person;
    p.first_name = first.into();
    if g.chance(90) {
        p.second_name = g.pick(LAST).to_string();
    }
    if g.chance(15) {
        p.also_known_as = format!("{}ita", &first[..2]);
    }
    if uncertain {
        p.assessed_age = Some((2026 - year) as i64);
    } else {
        p.birth_date = format!("{year}-{:02}-{:02}", 1 + g.below(12), 1 + g.below(28));
    }
    p.age_uncertain = uncertain;
    p.gender = if female { "Feminine" } else { "Masculine" }.into();
    p.citizenship = vec![g.pick(CITIZENSHIP).to_string()];
    if g.chance(50) {
        p.mobile_phone = format!("+592 6{:02} {:04}", g.below(100), g.below(10000));
    }
    r.victim.trafficking_status = "PossibleVictimOfTrafficking".into();
    r.victim.type_of_exploitation = vec![exploitation.into()];
    r.case.region = region.into();
    r.case.summary = g.pick(SUMMARIES).to_string();
    r
}

/// What was created, for the welcome message.
pub struct DemoSummary {
    pub agencies: usize,
    pub users: Vec<(String, Role, String)>,
    pub cases: usize,
}

/// Loads the demo into an empty database. `progress(done, total)` is called as cases are made.
pub async fn load(
    h: &Haven,
    cases_wanted: usize,
    mut progress: impl FnMut(usize, usize),
) -> Result<DemoSummary> {
    let t0 = now();
    let mut g = Gen(0x0048_4156_454e);
    let mut tx = h.db.begin().await?;
    let mut agency_ids: Vec<AgencyId> = Vec::new();
    for a in AGENCIES {
        let row = AgencyRow {
            id: AgencyId::new(),
            name: a.name.into(),
            agency_type: a.kind,
            region: Some(a.region.into()),
            phone: None,
            email: None,
            coordination_consent: a.coordination,
            created_at: t0,
        };
        agencies::insert(&mut tx, &row).await?;
        agency_ids.push(row.id);
    }
    let hash = haven_crypto::password::hash(DEMO_PASSWORD.to_string()).await?;
    let mut user_ids: Vec<(UserId, Role, usize)> = Vec::new();
    let mut summary_users = Vec::new();
    for (username, name, role, agency) in USERS {
        let id = UserId::new();
        let totp = match role {
            Role::Admin => Some(DEMO_TOTP_ADMIN),
            Role::Coordinator => Some(DEMO_TOTP_COORDINATOR),
            _ => None,
        }
        .map(|s| h.cipher().encrypt(s, &format!("users.totp_secret:{id}")));
        let row = UserRow {
            id,
            username: username.to_string(),
            display_name: name.to_string(),
            agency_id: agency_ids[*agency],
            role: *role,
            password_hash: hash.clone(),
            disabled: false,
            must_change_password: false,
            failed_logins: 0,
            locked_until: None,
            totp_secret: totp,
            totp_last_step: None,
            language: None,
            created_at: t0,
            last_login_at: None,
        };
        users::insert(&mut tx, &row).await?;
        user_ids.push((id, *role, *agency));
        summary_users.push((
            username.to_string(),
            *role,
            AGENCIES[*agency].name.to_string(),
        ));
    }
    // Cases are opened by the roles that open cases, in the agencies that handle them.
    let openers: Vec<&(UserId, Role, usize)> = user_ids
        .iter()
        .filter(|(_, r, _)| matches!(r, Role::CaseWorker | Role::Screener | Role::Coordinator))
        .collect();
    let provider = user_ids
        .iter()
        .find(|(_, r, _)| *r == Role::ServiceProvider)
        .map(|u| u.0);
    let statuses = [
        CaseStatus::Active,
        CaseStatus::Active,
        CaseStatus::Active,
        CaseStatus::FollowUp,
        CaseStatus::Closed,
        CaseStatus::ClosedReferred,
    ];
    for i in 0..cases_wanted {
        let (opener, _, agency) = **g.pick(&openers);
        let input = demo_case(&mut g);
        // Spread opening dates over the last two years.
        let opened = t0 - (g.below(730 * 86400)) as i64;
        let (case_id, _) = h
            .insert_record(&mut tx, agency_ids[agency], opener, &input, opened)
            .await?;
        if g.chance(40) {
            let other = agency_ids[g.below(agency_ids.len())];
            cases::add_agency(&mut tx, case_id, other, "involved", opened).await?;
        }
        let status = *g.pick(&statuses);
        if status != CaseStatus::Active {
            cases::set_status(
                &mut tx,
                case_id,
                status,
                opened + 86400 * (1 + g.below(200)) as i64,
            )
            .await?;
        }
        if let (Some(p), true) = (provider, g.chance(8)) {
            cases::grant(&mut tx, case_id, p, opener, opened, None).await?;
        }
        progress(i + 1, cases_wanted);
    }
    let ev = Event::new(Action::DemoLoaded)
        .details(serde_json::json!({"cases": cases_wanted, "agencies": AGENCIES.len()}));
    haven_audit::record(&mut tx, h.audit_keys(), &Actor::system(), ev, now()).await?;
    tx.commit().await?;
    Ok(DemoSummary {
        agencies: AGENCIES.len(),
        users: summary_users,
        cases: cases_wanted,
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn demo_codes_are_valid_reference_data() {
        for r in super::DEMO_REGIONS {
            haven_domain::Region::parse(r).unwrap();
        }
        for a in super::AGENCIES {
            haven_domain::Region::parse(a.region).unwrap();
        }
    }
}
