//! Haven's domain types: identifiers, roles, HTCDS codes and validated values.
//! Pure data and rules; nothing here performs I/O.

pub mod access;
pub mod codes;
pub mod consent;
pub mod ctdc;
pub mod ids;
pub mod protection;
pub mod record;
pub mod reference;
pub mod referral;
pub mod role;
pub mod screening;
pub mod text;
pub mod values;

pub use access::{CaseAccessFacts, CaseScope};
pub use codes::{AgencyType, CaseStatus, ExploitationType, GUYANA_REGIONS, Gender, Region};
pub use ids::{AgencyId, CaseId, PersonId, TokenId, UserId};
pub use role::Role;
pub use values::{AgencyName, CaseNumber, DisplayName, Username, ValidationError, crockford_fold};

/// Seconds since the Unix epoch, the one time representation stored in the database.
pub type Timestamp = i64;
