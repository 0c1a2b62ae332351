//! Aggregates for analysts and coordinators: counts only, from a snapshot computed once per
//! period (daily by default), every count rounded down to a multiple of the smallest cell `b`,
//! counts below `b` hidden, and further cells hidden where the hidden ones of a table would
//! together be below `b` (secondary suppression: a total minus the rows shown never isolates a
//! small count).

pub mod release;
use haven_audit::{Action, Event};
use haven_authz::AggregatesRead;
use haven_store::cases::{self, CountColumn};

use crate::{Haven, Origin, Result, actor};

/// One row of an aggregate table; `count` is `None` when hidden (below the minimum cell size,
/// or hidden with one that is).
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct Cell {
    pub key: Option<String>,
    pub count: Option<i64>,
}

#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct Aggregates {
    /// Total, rounded down to the minimum cell size so differences cannot reveal small cells.
    pub total: i64,
    pub min_cell: i64,
    /// When these figures were computed (Unix seconds).
    #[serde(default)]
    pub as_of: i64,
    /// When they will next be computed, at the earliest.
    #[serde(default)]
    pub next_refresh: i64,
    pub by_status: Vec<Cell>,
    pub by_region: Vec<Cell>,
    pub by_exploitation: Vec<Cell>,
    /// Screenings by outcome (`indicators_met`, `possible_victim`, ...).
    pub by_screening_outcome: Vec<Cell>,
    /// Screenings by profile evaluated (a screening may count under several).
    pub by_screening_profile: Vec<Cell>,
    /// Screenings by region where they took place.
    pub by_screening_region: Vec<Cell>,
    /// Screenings by the agency of the screener (the referring agency).
    pub by_screening_agency: Vec<Cell>,
}

/// Sums screening counts along one dimension (keys may be several per cell, e.g. profiles).
fn screening_table(
    counts: &[haven_store::screenings::ScreeningCount],
    keys: impl Fn(&haven_store::screenings::ScreeningCount) -> Vec<Option<String>>,
) -> Vec<(Option<String>, i64)> {
    let mut m: std::collections::BTreeMap<Option<String>, i64> = Default::default();
    for c in counts {
        for k in keys(c) {
            *m.entry(k).or_default() += c.n;
        }
    }
    m.into_iter().collect()
}

/// One table's cells as shown: counts rounded down to a multiple of `k`; those below `k` hidden
/// (primary suppression); then, while the hidden ones add up to less than `k` (a total minus
/// the rows shown would come close to them), the smallest shown ones hidden too (secondary).
pub fn protect_table(rows: Vec<(Option<String>, i64)>, k: i64) -> Vec<Cell> {
    let k = k.max(1);
    let mut hidden: Vec<bool> = rows.iter().map(|(_, n)| *n < k).collect();
    let mut hidden_total: i64 = rows.iter().filter(|(_, n)| *n < k).map(|(_, n)| n).sum();
    if hidden_total > 0 && hidden_total < k {
        let mut shown: Vec<usize> = (0..rows.len()).filter(|i| !hidden[*i]).collect();
        shown.sort_by_key(|i| (rows[*i].1, *i));
        for i in shown {
            if hidden_total >= k {
                break;
            }
            hidden[i] = true;
            hidden_total += rows[i].1;
        }
    }
    rows.into_iter()
        .zip(hidden)
        .map(|((key, n), h)| Cell {
            key,
            count: (!h).then_some(n / k * k),
        })
        .collect()
}

impl Haven {
    /// The statistics, from this period's snapshot (computed now if there is none yet).
    /// Audited as a read.
    #[tracing::instrument(skip_all, fields(user = %cap.principal().user_id))]
    pub async fn aggregates(&self, cap: AggregatesRead<'_>, origin: &Origin) -> Result<Aggregates> {
        let period = self.policy.stats_refresh_secs.max(60);
        let now = self.now();
        let start = now - now.rem_euclid(period);
        let latest = {
            let mut conn = self.db.pool().acquire().await?;
            haven_store::settings::latest_stats_snapshot(&mut conn).await?
        };
        let agg = match latest
            .filter(|(at, _)| *at >= start)
            .and_then(|(_, body)| serde_json::from_str::<Aggregates>(&body).ok())
        {
            Some(a) => a,
            None => {
                let mut a = self.compute_aggregates().await?;
                a.as_of = now;
                a.next_refresh = start + period;
                let body = serde_json::to_string(&a).map_err(crate::CoreError::internal)?;
                let mut tx = self.db.begin().await?;
                haven_store::settings::put_stats_snapshot(
                    &mut tx,
                    &uuid::Uuid::now_v7().to_string(),
                    now,
                    &body,
                )
                .await?;
                tx.commit().await?;
                a
            }
        };
        self.record_read(
            &actor(cap.principal(), origin),
            Event::new(Action::AggregatesViewed),
        )
        .await?;
        Ok(agg)
    }

    /// The figures as they are now.
    async fn compute_aggregates(&self) -> Result<Aggregates> {
        let k = self.policy.min_cell.max(1);
        let mut tx = self.db.begin_snapshot().await?;
        let cells = |rows: Vec<(Option<String>, i64)>| -> Vec<Cell> { protect_table(rows, k) };
        let total = cases::count(&mut tx).await?;
        let screened = haven_store::screenings::counts(&mut tx).await?;
        let agg = Aggregates {
            total: total / k * k,
            min_cell: k,
            as_of: 0,
            next_refresh: 0,
            by_status: cells(cases::count_by(&mut tx, CountColumn::Status).await?),
            by_region: cells(cases::count_by(&mut tx, CountColumn::Region).await?),
            by_exploitation: cells(cases::count_by(&mut tx, CountColumn::ExploitationType).await?),
            by_screening_outcome: cells(screening_table(&screened, |c| {
                vec![Some(c.outcome.clone())]
            })),
            by_screening_profile: cells(screening_table(&screened, |c| {
                c.profiles
                    .split(',')
                    .filter(|p| !p.is_empty())
                    .map(|p| Some(p.to_string()))
                    .collect()
            })),
            by_screening_region: cells(screening_table(&screened, |c| vec![c.region.clone()])),
            by_screening_agency: cells(screening_table(&screened, |c| {
                vec![Some(c.agency.clone())]
            })),
        };
        tx.commit().await?;
        Ok(agg)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(counts: &[i64]) -> Vec<Option<i64>> {
        protect_table(
            counts
                .iter()
                .enumerate()
                .map(|(i, n)| (Some(i.to_string()), *n))
                .collect(),
            5,
        )
        .into_iter()
        .map(|c| c.count)
        .collect()
    }

    #[test]
    fn a_lone_small_cell_takes_the_smallest_other_with_it() {
        assert_eq!(table(&[12, 3, 7, 40]), [Some(10), None, None, Some(40)]);
        // Hidden cells already adding up to the smallest cell need no company.
        assert_eq!(table(&[12, 3, 2, 40]), [Some(10), None, None, Some(40)]);
        assert_eq!(table(&[12, 4, 4, 40]), [Some(10), None, None, Some(40)]);
        // Nothing small: nothing hidden.
        assert_eq!(table(&[12, 5, 40]), [Some(10), Some(5), Some(40)]);
        // A single cell below the smallest: hidden, whatever else there is.
        assert_eq!(table(&[1]), [None]);
    }

    proptest::proptest! {
        /// Whatever the counts: shown counts are multiples of k and at least k, and the hidden
        /// ones together are none or at least k.
        #[test]
        fn hidden_cells_never_add_up_to_a_small_count(counts in proptest::collection::vec(1i64..60, 1..12)) {
            let shown = table(&counts);
            let hidden: i64 = counts.iter().zip(&shown).filter(|(_, s)| s.is_none()).map(|(n, _)| n).sum();
            proptest::prop_assert!(hidden == 0 || hidden >= 5 || shown.iter().all(|s| s.is_none()));
            for (n, s) in counts.iter().zip(&shown) {
                if let Some(s) = s {
                    proptest::prop_assert!(*s % 5 == 0 && *s >= 5 && *s <= *n && n - s < 5);
                }
            }
        }
    }
}
