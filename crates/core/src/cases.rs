//! Cases and the persons they concern: open, list and search, view. Every read of a case writes
//! an audit event in the same transaction as the read; a case the user may not see answers
//! "not found", so its existence does not leak.
use haven_audit::{Action, Event};
use haven_authz::{CaseCreate, CaseList, CaseReader, Principal};
use haven_crypto::FieldCipher;
use haven_domain::{
    AgencyId, CaseId, CaseNumber, CaseStatus, ExploitationType, Gender, PersonId, Region, UserId,
    ValidationError,
};
use haven_store::Conn;
use haven_store::cases::{self, CaseQuery, CaseRow, PersonRow};

use crate::{CoreError, FieldError, Haven, Origin, Result, actor, now};

/// The opening form: the minimum to register a person and open a case. Deserialises from the
/// web form directly (absent fields are empty; the checkbox sends `true`).
#[derive(Clone, Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct NewCase {
    pub first_name: String,
    pub middle_name: String,
    pub last_name: String,
    pub nickname: String,
    /// `YYYY-MM-DD`, or empty.
    pub birth_date: String,
    pub age_uncertain: bool,
    pub gender: String,
    /// ISO 3166 alpha-2.
    pub citizenship: String,
    pub phone: String,
    pub address: String,
    pub region: String,
    pub exploitation_type: String,
    pub summary: String,
}

#[derive(Clone, Debug)]
pub struct PersonView {
    pub id: PersonId,
    pub first_name: Option<String>,
    pub middle_name: Option<String>,
    pub last_name: Option<String>,
    pub nickname: Option<String>,
    pub birth_date: Option<String>,
    pub phone: Option<String>,
    pub address: Option<String>,
    pub gender: Option<String>,
    pub citizenship: Option<String>,
    pub age_uncertain: bool,
}

impl PersonView {
    pub fn full_name(&self) -> String {
        [&self.first_name, &self.middle_name, &self.last_name]
            .iter()
            .filter_map(|s| s.as_deref())
            .collect::<Vec<_>>()
            .join(" ")
    }
}

#[derive(Clone, Debug)]
pub struct CaseView {
    pub id: CaseId,
    pub case_number: String,
    pub status: CaseStatus,
    pub owner_agency_id: AgencyId,
    pub owner_agency_name: String,
    pub region: Option<String>,
    pub exploitation_type: Option<String>,
    pub opened_at: i64,
    pub summary: Option<String>,
    pub person: PersonView,
}

#[derive(Clone, Debug)]
pub struct CaseListItem {
    pub id: CaseId,
    pub case_number: String,
    pub status: CaseStatus,
    pub owner_agency_name: String,
    pub region: Option<String>,
    pub opened_at: i64,
    pub person_name: String,
}

#[derive(Clone, Debug, Default)]
pub struct CaseSearch {
    pub name: String,
    pub case_number: String,
    pub status: String,
    /// 1-based.
    pub page: i64,
    pub per_page: i64,
}

#[derive(Clone, Debug)]
pub struct CasePage {
    pub items: Vec<CaseListItem>,
    pub total: i64,
    pub page: i64,
    pub pages: i64,
}

/// Additional authenticated data binding a ciphertext to its column and row.
fn aad(table: &str, column: &str, id: impl std::fmt::Display) -> String {
    format!("{table}.{column}:{id}")
}

fn opt(s: &str) -> Option<&str> {
    let s = s.trim();
    (!s.is_empty()).then_some(s)
}

fn check_len(errors: &mut Vec<FieldError>, field: &'static str, v: &str, max: usize) {
    if v.chars().count() > max {
        errors.push(FieldError {
            field,
            key: "error-too-long",
        });
    } else if v
        .chars()
        .any(|c| c.is_control() && c != '\n' && c != '\r' && c != '\t')
    {
        errors.push(FieldError {
            field,
            key: "error-bad-characters",
        });
    }
}

fn parse_date(s: &str) -> Option<(i32, u8, u8)> {
    let p: Vec<&str> = s.split('-').collect();
    if p.len() != 3 || p[0].len() != 4 || p[1].len() != 2 || p[2].len() != 2 {
        return None;
    }
    let (y, m, d) = (p[0].parse().ok()?, p[1].parse().ok()?, p[2].parse().ok()?);
    let month = time::Month::try_from(m).ok()?;
    time::Date::from_calendar_date(y, month, d).ok()?;
    (1900..=2100).contains(&y).then_some((y, m, d))
}

impl NewCase {
    fn validate(&self) -> Result<(), CoreError> {
        let mut e = Vec::new();
        if opt(&self.first_name).is_none() {
            e.push(FieldError {
                field: "first_name",
                key: "error-required",
            });
        }
        for (f, v, max) in [
            ("first_name", &self.first_name, 100),
            ("middle_name", &self.middle_name, 100),
            ("last_name", &self.last_name, 100),
            ("nickname", &self.nickname, 100),
            ("phone", &self.phone, 40),
            ("address", &self.address, 400),
            ("summary", &self.summary, 20_000),
        ] {
            check_len(&mut e, f, v, max);
        }
        if opt(&self.birth_date).is_some_and(|d| parse_date(d).is_none()) {
            e.push(FieldError {
                field: "birth_date",
                key: "error-bad-characters",
            });
        }
        let code_err = |e: &mut Vec<FieldError>, field, r: Result<(), ValidationError>| {
            if r.is_err() {
                e.push(FieldError {
                    field,
                    key: "error-unknown-code",
                });
            }
        };
        if let Some(g) = opt(&self.gender) {
            code_err(&mut e, "gender", g.parse::<Gender>().map(|_| ()));
        }
        if let Some(x) = opt(&self.exploitation_type) {
            code_err(
                &mut e,
                "exploitation_type",
                x.parse::<ExploitationType>().map(|_| ()),
            );
        }
        if let Some(r) = opt(&self.region) {
            code_err(&mut e, "region", Region::parse(r).map(|_| ()));
        }
        if let Some(c) = opt(&self.citizenship)
            && !(c.len() == 2 && c.chars().all(|ch| ch.is_ascii_alphabetic()))
        {
            e.push(FieldError {
                field: "citizenship",
                key: "error-unknown-code",
            });
        }
        if e.is_empty() {
            Ok(())
        } else {
            Err(CoreError::Invalid(e))
        }
    }
}

fn decrypt_person(c: &FieldCipher, p: &PersonRow) -> Result<PersonView> {
    let f =
        |col: &str, v: &Option<Vec<u8>>| c.decrypt_opt(v.as_deref(), &aad("persons", col, p.id));
    Ok(PersonView {
        id: p.id,
        first_name: f("first_name", &p.first_name)?,
        middle_name: f("middle_name", &p.middle_name)?,
        last_name: f("last_name", &p.last_name)?,
        nickname: f("nickname", &p.nickname)?,
        birth_date: f("birth_date", &p.birth_date)?,
        phone: f("phone", &p.phone)?,
        address: f("address", &p.address)?,
        gender: p.gender.clone(),
        citizenship: p.citizenship.clone(),
        age_uncertain: p.age_uncertain,
    })
}

impl Haven {
    /// Registers a person and opens a case owned by the creator's agency.
    pub async fn create_case(
        &self,
        cap: CaseCreate<'_>,
        input: &NewCase,
        origin: &Origin,
    ) -> Result<(CaseId, String)> {
        input.validate()?;
        let p = cap.principal();
        let mut tx = self.db.begin().await?;
        let (case_id, number) = self
            .insert_case(&mut tx, p.agency_id, p.user_id, input, now())
            .await?;
        let ev = Event::new(Action::CaseCreated).target("case", case_id);
        haven_audit::record(&mut tx, self.audit_keys(), &actor(p, origin), ev, now()).await?;
        tx.commit().await?;
        Ok((case_id, number))
    }

    /// The writes of case creation, shared with the demo loader.
    pub(crate) async fn insert_case(
        &self,
        tx: &mut Conn,
        agency: AgencyId,
        creator: UserId,
        input: &NewCase,
        opened_at: i64,
    ) -> Result<(CaseId, String)> {
        let c = self.cipher();
        let person_id = PersonId::new();
        let enc = |col: &str, v: &str| c.encrypt_opt(opt(v), &aad("persons", col, person_id));
        let birth_year = opt(&input.birth_date)
            .and_then(parse_date)
            .map(|(y, _, _)| y as i64);
        let person = PersonRow {
            id: person_id,
            first_name: enc("first_name", &input.first_name),
            middle_name: enc("middle_name", &input.middle_name),
            last_name: enc("last_name", &input.last_name),
            nickname: enc("nickname", &input.nickname),
            birth_date: enc("birth_date", &input.birth_date),
            phone: enc("phone", &input.phone),
            address: enc("address", &input.address),
            gender: opt(&input.gender).map(str::to_string),
            citizenship: opt(&input.citizenship).map(|s| s.to_ascii_uppercase()),
            birth_year,
            age_uncertain: input.age_uncertain,
            created_at: opened_at,
            updated_at: opened_at,
        };
        cases::insert_person(tx, &person).await?;
        let names = [
            &input.first_name,
            &input.middle_name,
            &input.last_name,
            &input.nickname,
        ]
        .iter()
        .map(|s| s.as_str())
        .collect::<Vec<_>>()
        .join(" ");
        let digests: Vec<String> = self
            .blind
            .entries(&names)
            .into_iter()
            .map(|(_, d)| d)
            .collect();
        cases::set_name_digests(tx, person_id, &digests).await?;

        let year = time::OffsetDateTime::from_unix_timestamp(opened_at)
            .map(|t| t.year())
            .unwrap_or(2026);
        let cc = &self.policy.country_code;
        let seq = cases::next_number(tx, &format!("{cc}-{year}")).await?;
        let number = CaseNumber::new(cc, year, seq as u32).to_string();
        let case_id = CaseId::new();
        let row = CaseRow {
            id: case_id,
            case_number: number.clone(),
            person_id,
            status: CaseStatus::Active,
            owner_agency_id: agency,
            assigned_user_id: Some(creator),
            created_by: creator,
            region: opt(&input.region).map(str::to_string),
            exploitation_type: opt(&input.exploitation_type).map(str::to_string),
            summary: c.encrypt_opt(opt(&input.summary), &aad("cases", "summary", case_id)),
            opened_at,
            updated_at: opened_at,
            closed_at: None,
        };
        cases::insert_case(tx, &row).await?;
        Ok((case_id, number))
    }

    /// Lists (and searches) the cases the user may see. The search is audited without its text.
    pub async fn list_cases(
        &self,
        cap: CaseList<'_>,
        s: &CaseSearch,
        origin: &Origin,
    ) -> Result<CasePage> {
        let per_page = if s.per_page <= 0 {
            25
        } else {
            s.per_page.min(200)
        };
        // Bounded so the offset arithmetic cannot overflow, whatever a client sends.
        let page = s.page.clamp(1, 1_000_000);
        let status = match opt(&s.status) {
            Some(v) => Some(
                v.parse::<CaseStatus>()
                    .map_err(|_| CoreError::invalid("status", "error-unknown-code"))?,
            ),
            None => None,
        };
        let case_number = match opt(&s.case_number) {
            Some(v) => Some(
                CaseNumber::parse(v)
                    .map_err(|_| CoreError::invalid("case_number", "error-bad-characters"))?
                    .to_string(),
            ),
            None => None,
        };
        let name_digests = opt(&s.name)
            .map(|n| self.blind.query(n))
            .unwrap_or_default();
        let searching = status.is_some() || case_number.is_some() || !name_digests.is_empty();
        let q = CaseQuery {
            status,
            case_number,
            name_digests,
            limit: per_page,
            offset: (page - 1) * per_page,
        };
        let (rows, total) = {
            let mut conn = self.db.pool().acquire().await?;
            cases::list(&mut conn, cap.scope(), &q, now()).await?
        };
        let mut items = Vec::with_capacity(rows.len());
        for r in rows {
            let first = self.cipher().decrypt_opt(
                r.first_name.as_deref(),
                &aad("persons", "first_name", r.person_id),
            )?;
            let last = self.cipher().decrypt_opt(
                r.last_name.as_deref(),
                &aad("persons", "last_name", r.person_id),
            )?;
            items.push(CaseListItem {
                id: r.id,
                case_number: r.case_number,
                status: r.status,
                owner_agency_name: r.owner_agency_name,
                region: r.region,
                opened_at: r.opened_at,
                person_name: [first, last]
                    .into_iter()
                    .flatten()
                    .collect::<Vec<_>>()
                    .join(" "),
            });
        }
        let action = if searching {
            Action::CaseSearched
        } else {
            Action::CaseListed
        };
        let ev = Event::new(action).details(serde_json::json!({
            "by_name": !q.name_digests.is_empty(),
            "by_number": q.case_number.is_some(),
            "status": q.status.map(|s| s.as_str()),
            "page": page,
            "shown": items.len(),
            "case_ids": items.iter().map(|i| i.id.to_string()).collect::<Vec<_>>(),
        }));
        self.record_read(&actor(cap.principal(), origin), ev)
            .await?;
        let pages = ((total + per_page - 1) / per_page).max(1);
        Ok(CasePage {
            items,
            total,
            page,
            pages,
        })
    }

    /// How many cases the user may see: a number only, nothing about any case, so not audited.
    pub async fn count_cases(&self, cap: CaseList<'_>) -> Result<i64> {
        let mut conn = self.db.pool().acquire().await?;
        let q = CaseQuery {
            limit: 1,
            ..Default::default()
        };
        Ok(cases::list(&mut conn, cap.scope(), &q, now()).await?.1)
    }

    /// Opens one case for reading. Denials are audited too, and look like "not found".
    pub async fn open_case(&self, p: &Principal, id: CaseId, origin: &Origin) -> Result<CaseView> {
        // One snapshot for the check and the read, so the rule is applied to what is read.
        let mut tx = self.db.begin_snapshot().await?;
        let Some(facts) = cases::access_facts(&mut tx, id, now()).await? else {
            // Audited like a denial, so that a missing case and a forbidden one take as long.
            tx.commit().await?;
            let ev = Event::new(Action::CaseAccessDenied)
                .outcome("missing")
                .target("case", id);
            self.record_read(&actor(p, origin), ev).await?;
            return Err(CoreError::NotFound);
        };
        let Some(reader) = p.read_case(id, &facts) else {
            tx.commit().await?;
            let ev = Event::new(Action::CaseAccessDenied)
                .outcome("denied")
                .target("case", id);
            self.record_read(&actor(p, origin), ev).await?;
            return Err(CoreError::NotFound);
        };
        let view = self.read_case(&mut tx, &reader).await?;
        tx.commit().await?;
        let ev = Event::new(Action::CaseViewed).target("case", id);
        self.record_read(&actor(p, origin), ev).await?;
        Ok(view)
    }

    async fn read_case(&self, tx: &mut Conn, reader: &CaseReader<'_>) -> Result<CaseView> {
        let c = cases::get_case(tx, reader.case())
            .await?
            .ok_or(CoreError::NotFound)?;
        let person = cases::get_person(tx, c.person_id)
            .await?
            .ok_or(CoreError::NotFound)?;
        let agency = haven_store::agencies::get(tx, c.owner_agency_id)
            .await?
            .ok_or(CoreError::NotFound)?;
        Ok(CaseView {
            id: c.id,
            case_number: c.case_number,
            status: c.status,
            owner_agency_id: c.owner_agency_id,
            owner_agency_name: agency.name,
            region: c.region,
            exploitation_type: c.exploitation_type,
            opened_at: c.opened_at,
            summary: self
                .cipher()
                .decrypt_opt(c.summary.as_deref(), &aad("cases", "summary", c.id))?,
            person: decrypt_person(self.cipher(), &person)?,
        })
    }

    /// Every case id (for tests and the authorization walk); not exposed to users.
    pub async fn all_case_ids(&self) -> Result<Vec<CaseId>> {
        let ids: Vec<String> = sqlx::query_scalar("SELECT id FROM cases ORDER BY id")
            .fetch_all(self.db.pool())
            .await?;
        ids.iter()
            .map(|s| s.parse().map_err(CoreError::internal))
            .collect()
    }

    /// Whether the principal may read the case, without reading or auditing it (tests only).
    pub async fn may_read_case(&self, p: &Principal, id: CaseId) -> Result<bool> {
        let mut conn = self.db.pool().acquire().await?;
        Ok(cases::access_facts(&mut conn, id, now())
            .await?
            .is_some_and(|f| p.read_case(id, &f).is_some()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_checked() {
        assert_eq!(parse_date("2001-02-28"), Some((2001, 2, 28)));
        assert!(parse_date("2001-02-30").is_none());
        assert!(parse_date("01-02-2001").is_none());
        assert!(parse_date("1800-01-01").is_none());
    }

    #[test]
    fn new_case_validation_reports_every_field() {
        let bad = NewCase {
            first_name: " ".into(),
            gender: "female".into(),
            region: "GY-XX".into(),
            citizenship: "GUY".into(),
            birth_date: "31/12/2000".into(),
            ..Default::default()
        };
        let Err(CoreError::Invalid(errs)) = bad.validate() else {
            panic!("must fail")
        };
        let fields: Vec<&str> = errs.iter().map(|e| e.field).collect();
        assert_eq!(
            fields,
            [
                "first_name",
                "birth_date",
                "gender",
                "region",
                "citizenship"
            ]
        );
        let ok = NewCase {
            first_name: "Ana".into(),
            gender: "Feminine".into(),
            region: "GY-CU".into(),
            ..Default::default()
        };
        assert!(ok.validate().is_ok());
    }
}
