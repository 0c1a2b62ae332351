//! Report tables from enrolments: who was trained (attended at least one day), by organisation,
//! sector, sex, region and quarter; the knowledge gain per workshop; the donor's summary.
use std::collections::{BTreeMap, BTreeSet};

use time::Date;

/// One participant in one workshop, as the report needs it (no names).
#[derive(Clone, Debug)]
pub struct Enrolment {
    pub workshop_id: String,
    pub workshop: String,
    pub first_day: Date,
    pub participant_id: String,
    /// One of [`crate::SEXES`].
    pub sex: String,
    pub organisation: String,
    /// The organisation's kind (agency type code), or empty if not known.
    pub sector: String,
    pub region: Option<String>,
    pub attended: usize,
    pub days: usize,
    pub pre: Option<u32>,
    pub post: Option<u32>,
    pub completed: bool,
}

/// Knowledge gain of one workshop.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct Gain {
    pub workshop_id: String,
    pub workshop: String,
    pub first_day: Date,
    pub trained: usize,
    pub completed: usize,
    /// Over the participants with both scores.
    pub tested: usize,
    pub pre_average: Option<f64>,
    pub post_average: Option<f64>,
    pub gain_average: Option<f64>,
}

#[derive(Clone, Debug, Default, PartialEq, serde::Serialize)]
pub struct Report {
    /// Distinct people who attended at least one day.
    pub people: usize,
    pub organisations: usize,
    pub women: usize,
    pub completed: usize,
    pub workshops: usize,
    pub by_organisation: Vec<(String, usize)>,
    pub by_sector: Vec<(String, usize)>,
    pub by_sex: Vec<(String, usize)>,
    pub by_region: Vec<(String, usize)>,
    /// `YYYY-Qn` of the workshop's first day.
    pub by_quarter: Vec<(String, usize)>,
    pub gains: Vec<Gain>,
    /// Mean of (post − pre) over everyone with both scores.
    pub average_gain: Option<f64>,
}

fn mean(v: &[f64]) -> Option<f64> {
    (!v.is_empty()).then(|| v.iter().sum::<f64>() / v.len() as f64)
}

/// Counts distinct people per key, largest first, then by key.
fn table(pairs: impl Iterator<Item = (String, String)>) -> Vec<(String, usize)> {
    let mut m: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (key, person) in pairs {
        m.entry(key).or_default().insert(person);
    }
    let mut v: Vec<(String, usize)> = m.into_iter().map(|(k, s)| (k, s.len())).collect();
    v.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    v
}

/// The report over the workshops starting within `[from, to]` (either end open).
pub fn build(enrolments: &[Enrolment], from: Option<Date>, to: Option<Date>) -> Report {
    let inside: Vec<&Enrolment> = enrolments
        .iter()
        .filter(|e| from.is_none_or(|f| e.first_day >= f) && to.is_none_or(|t| e.first_day <= t))
        .collect();
    let trained: Vec<&&Enrolment> = inside.iter().filter(|e| e.attended > 0).collect();
    let person = |e: &&&Enrolment| e.participant_id.clone();
    let people: BTreeSet<String> = trained.iter().map(person).collect();
    let women: BTreeSet<String> = trained
        .iter()
        .filter(|e| e.sex == "female")
        .map(person)
        .collect();
    let completed: BTreeSet<String> = trained.iter().filter(|e| e.completed).map(person).collect();
    let organisations: BTreeSet<String> = trained
        .iter()
        .map(|e| e.organisation.trim().to_lowercase())
        .filter(|o| !o.is_empty())
        .collect();
    let key = |s: &str| {
        if s.is_empty() {
            String::from("-")
        } else {
            s.to_string()
        }
    };
    let mut by_workshop: BTreeMap<(Date, String), Vec<&&Enrolment>> = BTreeMap::new();
    for e in &trained {
        by_workshop
            .entry((e.first_day, e.workshop_id.clone()))
            .or_default()
            .push(e);
    }
    let mut all_gains = Vec::new();
    let gains = by_workshop
        .into_values()
        .map(|es| {
            let tested: Vec<(f64, f64)> = es
                .iter()
                .filter_map(|e| Some((f64::from(e.pre?), f64::from(e.post?))))
                .collect();
            all_gains.extend(tested.iter().map(|(a, b)| b - a));
            Gain {
                workshop_id: es[0].workshop_id.clone(),
                workshop: es[0].workshop.clone(),
                first_day: es[0].first_day,
                trained: es.len(),
                completed: es.iter().filter(|e| e.completed).count(),
                tested: tested.len(),
                pre_average: mean(&tested.iter().map(|t| t.0).collect::<Vec<_>>()),
                post_average: mean(&tested.iter().map(|t| t.1).collect::<Vec<_>>()),
                gain_average: mean(&tested.iter().map(|t| t.1 - t.0).collect::<Vec<_>>()),
            }
        })
        .collect::<Vec<_>>();
    Report {
        people: people.len(),
        organisations: organisations.len(),
        women: women.len(),
        completed: completed.len(),
        workshops: gains.len(),
        by_organisation: table(
            trained
                .iter()
                .map(|e| (key(&e.organisation), e.participant_id.clone())),
        ),
        by_sector: table(
            trained
                .iter()
                .map(|e| (key(&e.sector), e.participant_id.clone())),
        ),
        by_sex: table(
            trained
                .iter()
                .map(|e| (key(&e.sex), e.participant_id.clone())),
        ),
        by_region: table(trained.iter().map(|e| {
            (
                key(e.region.as_deref().unwrap_or("")),
                e.participant_id.clone(),
            )
        })),
        by_quarter: table(trained.iter().map(|e| {
            let q = (u8::from(e.first_day.month()) - 1) / 3 + 1;
            (
                format!("{}-Q{q}", e.first_day.year()),
                e.participant_id.clone(),
            )
        })),
        gains,
        average_gain: mean(&all_gains),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn e(
        p: &str,
        w: &str,
        sex: &str,
        org: &str,
        attended: usize,
        pre: Option<u32>,
        post: Option<u32>,
    ) -> Enrolment {
        Enrolment {
            workshop_id: w.into(),
            workshop: format!("Workshop {w}"),
            first_day: if w == "a" {
                date!(2026 - 02 - 10)
            } else {
                date!(2026 - 04 - 20)
            },
            participant_id: p.into(),
            sex: sex.into(),
            organisation: org.into(),
            sector: "Government".into(),
            region: Some("GY-CU".into()),
            attended,
            days: 3,
            pre,
            post,
            completed: attended >= 3 && post.is_some_and(|s| s >= 60),
        }
    }

    #[test]
    fn people_are_counted_once_and_gains_averaged() {
        let es = vec![
            e(
                "1",
                "a",
                "female",
                "Ministry of Labour",
                3,
                Some(40),
                Some(80),
            ),
            e(
                "2",
                "a",
                "male",
                "ministry of labour ",
                3,
                Some(50),
                Some(70),
            ),
            e("3", "a", "female", "CPA", 0, None, None),
            e("1", "b", "female", "Ministry of Labour", 2, Some(60), None),
        ];
        let r = build(&es, None, None);
        assert_eq!(
            (r.people, r.women, r.completed, r.organisations, r.workshops),
            (2, 1, 2, 1, 2)
        );
        assert_eq!(r.average_gain, Some(30.0));
        assert_eq!(r.gains[0].gain_average, Some(30.0));
        assert_eq!(r.gains[1].tested, 0);
        assert_eq!(
            r.by_quarter,
            vec![("2026-Q1".to_string(), 2), ("2026-Q2".to_string(), 1)]
        );
        let q2 = build(&es, Some(date!(2026 - 04 - 01)), None);
        assert_eq!((q2.people, q2.workshops), (1, 1));
        assert_eq!(build(&[], None, None), Report::default());
    }
}
