//! The roles of Haven's users. What each may do is decided in `haven-authz`.
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Users, agencies, settings; never case content.
    Admin,
    /// NRM coordinator: cases of all agencies that consented to coordination.
    Coordinator,
    /// Case worker at a shelter or social service: cases their agency is involved in.
    CaseWorker,
    /// First responder: creates screenings and cases, sees only their own.
    Screener,
    /// Receives referrals: sees only what a referral to their agency shares.
    ServiceProvider,
    /// Aggregates only, never a person.
    Analyst,
    /// Training records only.
    Trainer,
    /// Reads the audit trail.
    Auditor,
}

impl Role {
    pub const ALL: [Role; 8] = [
        Role::Admin,
        Role::Coordinator,
        Role::CaseWorker,
        Role::Screener,
        Role::ServiceProvider,
        Role::Analyst,
        Role::Trainer,
        Role::Auditor,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Coordinator => "coordinator",
            Role::CaseWorker => "case_worker",
            Role::Screener => "screener",
            Role::ServiceProvider => "service_provider",
            Role::Analyst => "analyst",
            Role::Trainer => "trainer",
            Role::Auditor => "auditor",
        }
    }

    /// Roles whose accounts must use a second factor.
    pub fn requires_mfa(self) -> bool {
        matches!(self, Role::Admin | Role::Coordinator)
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, thiserror::Error)]
#[error(
    "unknown role {0:?}; expected one of admin, coordinator, case_worker, screener, service_provider, analyst, trainer, auditor"
)]
pub struct UnknownRole(pub String);

impl FromStr for Role {
    type Err = UnknownRole;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Role::ALL
            .into_iter()
            .find(|r| r.as_str() == s)
            .ok_or_else(|| UnknownRole(s.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_role_round_trips() {
        for r in Role::ALL {
            assert_eq!(r.as_str().parse::<Role>().unwrap(), r);
        }
        assert!("root".parse::<Role>().is_err());
    }
}
