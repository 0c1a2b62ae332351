//! Facts about a case that decide who may see it, and the shapes of "which cases" a role can
//! list. The decisions themselves are made in `haven-authz`; storage turns a scope into a query.
use crate::{AgencyId, UserId};

/// Everything the need-to-know rule looks at for one case.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CaseAccessFacts {
    pub owner_agency: AgencyId,
    pub owner_consents_to_coordination: bool,
    pub involved_agencies: Vec<AgencyId>,
    pub created_by: UserId,
    pub assigned_to: Option<UserId>,
}

/// Which cases a principal may list. There is no per-user grant: every way to a case is one of
/// these, and each is shown on the case page ("who can see this case and why").
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CaseScope {
    /// Cases the user created.
    CreatedBy { user: UserId },
    /// Cases the agency owns or is involved in.
    Agency { agency: AgencyId },
    /// Cases owned by agencies that consented to coordination, plus the coordinator's own agency's.
    Coordination { agency: AgencyId },
}
