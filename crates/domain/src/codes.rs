//! HTCDS 2.0 picklist codes used by the platform. The value names of the standard are the
//! canonical codes stored and exchanged; labels are translated in `haven-i18n`.
use std::fmt;
use std::str::FromStr;

macro_rules! htcds_code {
    ($(#[$doc:meta])* $name:ident { $($variant:ident = $code:literal),+ $(,)? }) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
        pub enum $name { $(#[serde(rename = $code)] $variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $code),+ }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl FromStr for $name {
            type Err = crate::ValidationError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Self::ALL
                    .iter()
                    .copied()
                    .find(|v| v.as_str() == s)
                    .ok_or(crate::ValidationError::UnknownCode {
                        field: stringify!($name),
                        code: s.to_string(),
                    })
            }
        }
    };
}

htcds_code!(
    /// `org_Type`
    AgencyType {
        Ngo = "NGO",
        LawEnforcement = "LawEnforcement",
        HealthServiceOrganisation = "HealthServiceOrganisation",
        CentralGovernmentOrganisation = "CentralGovernmentOrganisation",
        LocalGovernmentOrganisation = "LocalGovernmentOrganisation",
        ImmigrationService = "ImmigrationService",
        LegalService = "LegalService",
        CorporateBusiness = "CorporateBusiness",
        SchoolOrCollege = "SchoolOrCollege",
    }
);

htcds_code!(
    /// `cas_Status`
    CaseStatus {
        Active = "Active",
        FollowUp = "FollowUp",
        Closed = "Closed",
        ClosedReferred = "ClosedReferred",
    }
);

htcds_code!(
    /// `prs_Gender`
    Gender {
        Feminine = "Feminine",
        Masculine = "Masculine",
        TransgenderFeminine = "TransgenderFeminine",
        TransgenderMasculine = "TransgenderMasculine",
        NonConforming = "NonConforming",
        NonSpecifiedUnknown = "NonSpecifiedUnknown",
    }
);

htcds_code!(
    /// `vic_TypeOfExploitation`
    ExploitationType {
        ForcedLabour = "ForcedLabour",
        SexualExploitation = "SexualExploitation",
        ChildLabour = "ChildLabour",
        ForcedMarriage = "ForcedMarriage",
        Servitude = "Servitude",
        ForcedMilitaryByNonStateActors = "ForcedMilitaryByNonStateActors",
        OrganRemoval = "OrganRemoval",
        ForcedBegging = "ForcedBegging",
        ForcedAdoption = "ForcedAdoption",
        Surrogacy = "Surrogacy",
        Other = "Other",
    }
);

/// A first-level administrative region (ISO 3166-2 code).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Region {
    pub code: &'static str,
    pub number: u8,
    pub name: &'static str,
}

/// Guyana's ten regions, the demo deployment's geography. Codes as listed in `shared/domain.md`
/// (marked there as to be checked): kept as data so a country office can correct them.
pub const GUYANA_REGIONS: &[Region] = &[
    Region {
        code: "GY-BA",
        number: 1,
        name: "Barima-Waini",
    },
    Region {
        code: "GY-PM",
        number: 2,
        name: "Pomeroon-Supenaam",
    },
    Region {
        code: "GY-ES",
        number: 3,
        name: "Essequibo Islands-West Demerara",
    },
    Region {
        code: "GY-DE",
        number: 4,
        name: "Demerara-Mahaica",
    },
    Region {
        code: "GY-MA",
        number: 5,
        name: "Mahaica-Berbice",
    },
    Region {
        code: "GY-EB",
        number: 6,
        name: "East Berbice-Corentyne",
    },
    Region {
        code: "GY-CU",
        number: 7,
        name: "Cuyuni-Mazaruni",
    },
    Region {
        code: "GY-PT",
        number: 8,
        name: "Potaro-Siparuni",
    },
    Region {
        code: "GY-UT",
        number: 9,
        name: "Upper Takutu-Upper Essequibo",
    },
    Region {
        code: "GY-UD",
        number: 10,
        name: "Upper Demerara-Berbice",
    },
];

impl Region {
    pub fn parse(code: &str) -> Result<&'static Region, crate::ValidationError> {
        GUYANA_REGIONS
            .iter()
            .find(|r| r.code == code)
            .ok_or(crate::ValidationError::UnknownCode {
                field: "Region",
                code: code.to_string(),
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip_and_reject_unknown() {
        for t in AgencyType::ALL {
            assert_eq!(t.as_str().parse::<AgencyType>().unwrap(), *t);
        }
        assert!(
            "Ngo".parse::<AgencyType>().is_err(),
            "codes are case-sensitive HTCDS names"
        );
        assert_eq!(
            "FollowUp".parse::<CaseStatus>().unwrap(),
            CaseStatus::FollowUp
        );
        assert!(Region::parse("GY-CU").is_ok());
        assert!(Region::parse("GY-XX").is_err());
    }
}
