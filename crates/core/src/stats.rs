//! Aggregates for analysts and coordinators: counts only, small counts suppressed.
use haven_audit::{Action, Event};
use haven_authz::AggregatesRead;
use haven_store::cases::{self, CountColumn};

use crate::{Haven, Origin, Result, actor};

/// One row of an aggregate table; `count` is `None` when below the minimum cell size.
#[derive(Clone, Debug, serde::Serialize)]
pub struct Cell {
    pub key: Option<String>,
    pub count: Option<i64>,
}

#[derive(Clone, Debug, serde::Serialize)]
pub struct Aggregates {
    /// Total, rounded down to the minimum cell size so differences cannot reveal small cells.
    pub total: i64,
    pub min_cell: i64,
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

impl Haven {
    pub async fn aggregates(&self, cap: AggregatesRead<'_>, origin: &Origin) -> Result<Aggregates> {
        let k = self.policy.min_cell.max(1);
        let mut tx = self.db.begin_snapshot().await?;
        let cells = |rows: Vec<(Option<String>, i64)>| -> Vec<Cell> {
            rows.into_iter()
                .map(|(key, n)| Cell {
                    key,
                    // Rounded down to a multiple of k as well as suppressed below k, so that
                    // differences between cells and the total cannot reveal a small count.
                    count: (n >= k).then_some(n / k * k),
                })
                .collect()
        };
        let total = cases::count(&mut tx).await?;
        let screened = haven_store::screenings::counts(&mut tx).await?;
        let agg = Aggregates {
            total: total / k * k,
            min_cell: k,
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
        self.record_read(
            &actor(cap.principal(), origin),
            Event::new(Action::AggregatesViewed),
        )
        .await?;
        Ok(agg)
    }
}
