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
    /// Users holding a current explicit grant.
    pub granted_users: Vec<UserId>,
}

/// Which cases a principal may list. Every variant also includes the user's explicit grants.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CaseScope {
    /// Only cases explicitly granted to the user.
    GrantsOnly { user: UserId },
    /// Cases the user created.
    CreatedBy { user: UserId },
    /// Cases the agency owns or is involved in.
    Agency { agency: AgencyId, user: UserId },
    /// Cases owned by agencies that consented to coordination, plus the coordinator's own agency's.
    Coordination { agency: AgencyId, user: UserId },
}
