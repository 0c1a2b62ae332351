//! Need-to-know authorization as types. A use-case that touches a case takes a `CaseReader` or
//! `CaseWriter`; the only way to get one is the access check here, so code that forgets the check
//! does not compile. Role-wide powers (administration, audit, aggregates) are capabilities too.
//!
//! The one table of who may do what is this module; `tests` walks every role through it.
use haven_domain::{AgencyId, CaseAccessFacts, CaseId, CaseScope, PersonId, Role, UserId};

mod scopes;
pub use scopes::{Scope, Scopes};

/// The authenticated user a request acts for. Built by authentication (`haven-core::auth`) from a
/// valid session or API token, and nowhere else.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Principal {
    pub user_id: UserId,
    pub agency_id: AgencyId,
    pub role: Role,
}

macro_rules! capability {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy)]
        pub struct $name<'p> {
            principal: &'p Principal,
        }
        impl<'p> $name<'p> {
            pub fn principal(&self) -> &'p Principal {
                self.principal
            }
        }
    };
}

capability!(
    /// Manage users, agencies and settings. Never grants case content.
    Administer
);
capability!(
    /// Read and export the audit trail.
    AuditRead
);
capability!(
    /// Read aggregate statistics (no person, no case).
    AggregatesRead
);
capability!(
    /// Export raw CTDC-layout rows of every case (sealed file): the coordinator only. Still no
    /// names, no dates finer than a year, no free text, but rows, not protected aggregates.
    CtdcRawExport
);
capability!(
    /// Register a person and open a case.
    CaseCreate
);
capability!(
    /// Import cases from an agency's existing files (HTCDS spreadsheet, Kobo/ODK export) into
    /// the user's own agency: the coordinator and case workers, who manage cases.
    CaseImport
);
capability!(
    /// Decide, for the whole deployment, whether case lists may be exported with their personal
    /// fields (names, contacts, documents, free text): the NRM coordinator only.
    ExportPolicy
);
capability!(
    /// Triage every tip (public form and hotline): the NRM coordinator only. Others see only the
    /// tips they entered or that were assigned to them.
    TipTriage
);
capability!(
    /// Manage training records (workshops, participants).
    TrainingManage
);
capability!(
    /// Review the duplicate persons the matching engine proposes across all agencies: merge,
    /// unmerge, mark as different. The NRM coordinator only. Names are still shown only for the
    /// persons whose cases the coordinator may read; the rest is the explanation.
    DuplicateReview
);

/// List the cases of a scope.
#[derive(Debug, Clone, Copy)]
pub struct CaseList<'p> {
    principal: &'p Principal,
    scope: CaseScope,
}

impl<'p> CaseList<'p> {
    pub fn principal(&self) -> &'p Principal {
        self.principal
    }
    pub fn scope(&self) -> &CaseScope {
        &self.scope
    }
}

/// Read one case and its person. Obtained only from [`Principal::read_case`].
#[derive(Debug, Clone, Copy)]
pub struct CaseReader<'p> {
    principal: &'p Principal,
    case: CaseId,
    owner: AgencyId,
}

impl<'p> CaseReader<'p> {
    pub fn principal(&self) -> &'p Principal {
        self.principal
    }
    pub fn case(&self) -> CaseId {
        self.case
    }

    /// Who may change a case they can read: not service providers (they act through referrals).
    pub fn writer(&self) -> Option<CaseWriter<'p>> {
        matches!(
            self.principal.role,
            Role::Coordinator | Role::CaseWorker | Role::Screener
        )
        .then_some(CaseWriter {
            principal: self.principal,
            case: self.case,
            owner: self.owner,
        })
    }

    /// Previous values in the change history, and the subject access report: for the staff who
    /// manage cases (coordinators, case workers), not first responders or service providers.
    pub fn may_see_previous_values(&self) -> bool {
        self.principal.sees_previous_values()
    }

    /// "Who can see this case and why": for those who manage the case.
    pub fn may_see_access_paths(&self) -> bool {
        self.may_see_previous_values()
    }

    pub fn subject_access(&self) -> bool {
        self.may_see_previous_values()
    }

    /// The owning agency, as the access check saw it.
    pub fn owner(&self) -> AgencyId {
        self.owner
    }

    /// The case's person, reached through this case (the caller names the case's person).
    pub fn person(&self, person: PersonId) -> PersonReader<'p> {
        PersonReader {
            principal: self.principal,
            person,
        }
    }
}

/// Read a person: obtained only through a case of theirs the principal may read.
#[derive(Debug, Clone, Copy)]
pub struct PersonReader<'p> {
    principal: &'p Principal,
    person: PersonId,
}

impl<'p> PersonReader<'p> {
    pub fn principal(&self) -> &'p Principal {
        self.principal
    }
    pub fn person(&self) -> PersonId {
        self.person
    }
}

/// Change a person's record: obtained only through a case of theirs the principal may change.
#[derive(Debug, Clone, Copy)]
pub struct PersonWriter<'p> {
    principal: &'p Principal,
    person: PersonId,
}

impl<'p> PersonWriter<'p> {
    pub fn principal(&self) -> &'p Principal {
        self.principal
    }
    pub fn person(&self) -> PersonId {
        self.person
    }
    /// A case of this person (the caller lists them from the store), whose history records the
    /// edit.
    pub fn case(&self, case: CaseId) -> PersonCase<'p> {
        PersonCase {
            principal: self.principal,
            case,
        }
    }
}

mod sealed {
    pub trait Sealed {}
    impl Sealed for super::CaseReader<'_> {}
    impl Sealed for super::CaseWriter<'_> {}
    impl Sealed for super::TransferAcceptance<'_> {}
    impl Sealed for super::PersonCase<'_> {}
}

/// A right to record a change in one case's version and field history: a writer of the case,
/// the receiving agency accepting its transfer, or an edit of the case's person. Sealed.
pub trait CaseChange: sealed::Sealed {
    fn changed_case(&self) -> CaseId;
}

impl CaseChange for CaseWriter<'_> {
    fn changed_case(&self) -> CaseId {
        self.case
    }
}

/// Accept (or decline) a transfer of one case offered to the principal's agency: its case
/// workers and coordinators. Obtained only from [`Principal::transfer_acceptance`].
#[derive(Debug, Clone, Copy)]
pub struct TransferAcceptance<'p> {
    principal: &'p Principal,
    case: CaseId,
}

impl<'p> TransferAcceptance<'p> {
    pub fn principal(&self) -> &'p Principal {
        self.principal
    }
    pub fn case(&self) -> CaseId {
        self.case
    }
}

impl CaseChange for TransferAcceptance<'_> {
    fn changed_case(&self) -> CaseId {
        self.case
    }
}

/// One case of a person being edited: the edit reaches the history of every case of the person.
/// Obtained only from [`PersonWriter::case`].
#[derive(Debug, Clone, Copy)]
pub struct PersonCase<'p> {
    principal: &'p Principal,
    case: CaseId,
}

impl<'p> PersonCase<'p> {
    pub fn principal(&self) -> &'p Principal {
        self.principal
    }
}

impl CaseChange for PersonCase<'_> {
    fn changed_case(&self) -> CaseId {
        self.case
    }
}

/// Either right on one case (to read it, or to change it): what the store's reads of a case's
/// records take. Sealed: only the capabilities of this crate implement it.
pub trait CaseAccess: sealed::Sealed {
    fn case_id(&self) -> CaseId;
}

impl CaseAccess for CaseReader<'_> {
    fn case_id(&self) -> CaseId {
        self.case
    }
}

impl CaseAccess for CaseWriter<'_> {
    fn case_id(&self) -> CaseId {
        self.case
    }
}

/// Change one case. Obtained only from [`CaseReader::writer`].
#[derive(Debug, Clone, Copy)]
pub struct CaseWriter<'p> {
    principal: &'p Principal,
    case: CaseId,
    owner: AgencyId,
}

impl<'p> CaseWriter<'p> {
    pub fn principal(&self) -> &'p Principal {
        self.principal
    }
    pub fn case(&self) -> CaseId {
        self.case
    }

    /// The case's person, to change through this case (the caller names the case's person).
    pub fn person(&self, person: PersonId) -> PersonWriter<'p> {
        PersonWriter {
            principal: self.principal,
            person,
        }
    }

    /// Previous values (in a conflict's list of changes): as for [`CaseReader`].
    pub fn may_see_previous_values(&self) -> bool {
        self.principal.sees_previous_values()
    }

    /// Assign the case worker: the coordinator, or a case worker of the owning agency.
    pub fn may_assign(&self) -> bool {
        match self.principal.role {
            Role::Coordinator => true,
            Role::CaseWorker => self.principal.agency_id == self.owner,
            _ => false,
        }
    }

    /// Ask to hand the case to another agency: the NRM coordinator, or a case worker of the
    /// owning agency (whose request then waits for the coordinator's approval).
    pub fn may_transfer(&self) -> bool {
        match self.principal.role {
            Role::Coordinator => true,
            Role::CaseWorker => self.principal.agency_id == self.owner,
            _ => false,
        }
    }
}

capability!(
    /// Approve or refuse a case worker's transfer request, and see the requests waiting: the
    /// NRM coordinator. A transfer the coordinator asks for needs no approval.
    TransferApproval
);
capability!(
    /// Approve or return an assistance plan (never one's own submission): the NRM coordinator.
    PlanApproval
);
capability!(
    /// See every overdue follow-up task of the cases one may read: coordinators and case
    /// workers.
    TaskSupervision
);
capability!(
    /// Receive referrals for one's agency (answer, start, complete, redirect): case workers,
    /// service providers and coordinators.
    ReferralHandling
);
capability!(
    /// Refer in an emergency without a recorded consent (with a justification; flagged for
    /// review), and revoke any referral of the cases one may change: the NRM coordinator.
    EmergencyReferral
);

impl PlanApproval<'_> {
    /// A plan is approved by someone other than who submitted it.
    pub fn may_decide(&self, submitted_by: Option<UserId>) -> bool {
        submitted_by != Some(self.principal.user_id)
    }
}

impl ReferralHandling<'_> {
    /// Whether this user answers a referral sent to `agency`, perhaps naming one person: the
    /// named person only (or a coordinator of that agency), else the agency's handlers.
    pub fn may_answer(&self, agency: Option<AgencyId>, named: Option<UserId>) -> bool {
        let p = self.principal;
        agency == Some(p.agency_id)
            && named.is_none_or(|u| u == p.user_id || roles::coordinates(p.role))
    }
}

/// Rules about roles as such, for choosing other users (who is told, who may be assigned).
/// Every role comparison of Haven is here or in [`Principal`]'s capabilities; a test checks that
/// no other crate names a role.
pub mod roles {
    use haven_domain::Role;

    /// The NRM coordinators: told of what concerns the whole mechanism.
    pub fn coordinates(role: Role) -> bool {
        role == Role::Coordinator
    }

    /// Staff who manage cases: previous values, subject access, transfer decisions for their
    /// agency, task supervision, tips assigned to them, tasks given to them.
    pub fn manages_cases(role: Role) -> bool {
        matches!(role, Role::Coordinator | Role::CaseWorker)
    }

    /// Staff a tip may be assigned to: those who manage cases, and screeners (a mines officer
    /// for a tip about a mining camp: they go and meet the person).
    pub fn takes_tips(role: Role) -> bool {
        matches!(role, Role::Screener | Role::CaseWorker | Role::Coordinator)
    }

    /// An agency's case workers: they follow the agency's cases and are told of its new
    /// accounts and of reflection periods ending on unassigned cases.
    pub fn follows_agency_cases(role: Role) -> bool {
        role == Role::CaseWorker
    }

    /// Who may be assigned as a case's worker: staff who change cases.
    pub fn handles_cases(role: Role) -> bool {
        matches!(role, Role::Coordinator | Role::CaseWorker | Role::Screener)
    }

    /// Staff who answer referrals sent to their agency.
    pub fn answers_referrals(role: Role) -> bool {
        matches!(
            role,
            Role::CaseWorker | Role::ServiceProvider | Role::Coordinator
        )
    }

    /// Staff who work with referrals at all (lists of their agency's sent and received ones).
    pub fn works_with_referrals(role: Role) -> bool {
        answers_referrals(role) || role == Role::Screener
    }
}

/// Accounts of this role see personal data (case files, or referrals' shared sections): creating
/// one, resetting its password or giving an account this role is announced to the agency's case
/// workers and the coordinators, so that an administrator cannot quietly open a way in.
pub fn sees_person_data(role: Role) -> bool {
    matches!(
        role,
        Role::Coordinator | Role::CaseWorker | Role::Screener | Role::ServiceProvider
    )
}

/// A user of this role reads the cases they registered themselves (screeners), whatever their
/// agency: the "registered by" path on a case page.
pub fn reads_what_they_registered(role: Role) -> bool {
    role == Role::Screener
}

impl Principal {
    /// Previous values in change histories (and conflicts), and the subject access report.
    pub fn sees_previous_values(&self) -> bool {
        roles::manages_cases(self.role)
    }

    pub fn transfer_approval(&self) -> Option<TransferApproval<'_>> {
        roles::coordinates(self.role).then_some(TransferApproval { principal: self })
    }

    pub fn plan_approval(&self) -> Option<PlanApproval<'_>> {
        roles::coordinates(self.role).then_some(PlanApproval { principal: self })
    }

    pub fn task_supervision(&self) -> Option<TaskSupervision<'_>> {
        roles::manages_cases(self.role).then_some(TaskSupervision { principal: self })
    }

    /// Follow-up tasks given to oneself: staff who manage cases.
    pub fn has_tasks(&self) -> bool {
        roles::manages_cases(self.role)
    }

    pub fn referral_handling(&self) -> Option<ReferralHandling<'_>> {
        roles::answers_referrals(self.role).then_some(ReferralHandling { principal: self })
    }

    /// Lists of the agency's referrals (sent, received, overdue).
    pub fn referral_work(&self) -> bool {
        roles::works_with_referrals(self.role)
    }

    pub fn emergency_referral(&self) -> Option<EmergencyReferral<'_>> {
        roles::coordinates(self.role).then_some(EmergencyReferral { principal: self })
    }

    /// Every overdue referral, not only the agency's own: the coordinator.
    pub fn sees_all_overdue_referrals(&self) -> bool {
        roles::coordinates(self.role)
    }

    /// A screening not yet joined to a case, recorded by `author` at `agency`: its author, and
    /// the case workers and coordinators of that agency.
    pub fn may_see_loose_screening(&self, author: UserId, agency: AgencyId) -> bool {
        author == self.user_id || (agency == self.agency_id && roles::manages_cases(self.role))
    }

    pub fn administer(&self) -> Option<Administer<'_>> {
        (self.role == Role::Admin).then_some(Administer { principal: self })
    }

    pub fn audit_read(&self) -> Option<AuditRead<'_>> {
        (self.role == Role::Auditor).then_some(AuditRead { principal: self })
    }

    pub fn aggregates_read(&self) -> Option<AggregatesRead<'_>> {
        matches!(self.role, Role::Analyst | Role::Coordinator)
            .then_some(AggregatesRead { principal: self })
    }

    pub fn ctdc_raw_export(&self) -> Option<CtdcRawExport<'_>> {
        (self.role == Role::Coordinator).then_some(CtdcRawExport { principal: self })
    }

    pub fn tip_triage(&self) -> Option<TipTriage<'_>> {
        (self.role == Role::Coordinator).then_some(TipTriage { principal: self })
    }

    /// Work on tips at all: enter hotline calls, follow the ones assigned to them.
    pub fn tip_work(&self) -> bool {
        roles::takes_tips(self.role)
    }

    /// Publish and update an agency's services in the directory: its own staff who handle
    /// cases or receive referrals; the coordinator and the admin for any agency.
    pub fn may_manage_services(&self, agency: AgencyId) -> bool {
        match self.role {
            Role::Coordinator | Role::Admin => true,
            Role::CaseWorker | Role::ServiceProvider => self.agency_id == agency,
            _ => false,
        }
    }

    pub fn case_create(&self) -> Option<CaseCreate<'_>> {
        matches!(
            self.role,
            Role::Screener | Role::CaseWorker | Role::Coordinator
        )
        .then_some(CaseCreate { principal: self })
    }

    pub fn case_import(&self) -> Option<CaseImport<'_>> {
        matches!(self.role, Role::CaseWorker | Role::Coordinator)
            .then_some(CaseImport { principal: self })
    }

    pub fn export_policy(&self) -> Option<ExportPolicy<'_>> {
        (self.role == Role::Coordinator).then_some(ExportPolicy { principal: self })
    }

    pub fn duplicate_review(&self) -> Option<DuplicateReview<'_>> {
        (self.role == Role::Coordinator).then_some(DuplicateReview { principal: self })
    }

    /// Decide on a transfer offered to this user's agency.
    pub fn may_accept_transfers(&self) -> bool {
        roles::manages_cases(self.role)
    }

    /// Accept or decline the transfer of `case` offered to agency `to`: staff of that agency who
    /// decide transfers.
    pub fn transfer_acceptance(
        &self,
        case: CaseId,
        to: AgencyId,
    ) -> Option<TransferAcceptance<'_>> {
        (self.may_accept_transfers() && self.agency_id == to).then_some(TransferAcceptance {
            principal: self,
            case,
        })
    }

    /// Workshops, participants, attendance, certificates: trainers and the NRM coordinator.
    /// Never any case.
    pub fn training_manage(&self) -> Option<TrainingManage<'_>> {
        matches!(self.role, Role::Trainer | Role::Coordinator)
            .then_some(TrainingManage { principal: self })
    }

    /// Training reports (aggregates, no names): those who manage training, and analysts.
    pub fn training_reports(&self) -> bool {
        matches!(self.role, Role::Trainer | Role::Coordinator | Role::Analyst)
    }

    /// Which cases this user may list; `None` for roles that never see cases. Service
    /// providers work through referrals: they see a referral's shared sections once they have
    /// accepted it, never the case file.
    pub fn case_list(&self) -> Option<CaseList<'_>> {
        let user = self.user_id;
        let agency = self.agency_id;
        let scope = match self.role {
            Role::Coordinator => CaseScope::Coordination { agency },
            Role::CaseWorker => CaseScope::Agency { agency },
            Role::Screener => CaseScope::CreatedBy { user },
            Role::ServiceProvider | Role::Admin | Role::Analyst | Role::Trainer | Role::Auditor => {
                return None;
            }
        };
        Some(CaseList {
            principal: self,
            scope,
        })
    }

    /// The need-to-know rule for one case. Must agree with [`Principal::case_list`]'s scope.
    pub fn read_case(&self, case: CaseId, facts: &CaseAccessFacts) -> Option<CaseReader<'_>> {
        let involved = facts.owner_agency == self.agency_id
            || facts.involved_agencies.contains(&self.agency_id);
        let allowed = match self.role {
            Role::Coordinator => facts.owner_consents_to_coordination || involved,
            Role::CaseWorker => involved,
            Role::Screener => {
                reads_what_they_registered(self.role) && facts.created_by == self.user_id
            }
            Role::ServiceProvider | Role::Admin | Role::Analyst | Role::Trainer | Role::Auditor => {
                false
            }
        };
        allowed.then_some(CaseReader {
            principal: self,
            case,
            owner: facts.owner_agency,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn principal(role: Role, agency: AgencyId) -> Principal {
        Principal {
            user_id: UserId::new(),
            agency_id: agency,
            role,
        }
    }

    /// Every role against every kind of relation to a case.
    #[test]
    fn need_to_know_matrix() {
        let home = AgencyId::new();
        let other = AgencyId::new();
        for role in Role::ALL {
            let me = principal(role, home);
            let base = CaseAccessFacts {
                owner_agency: other,
                owner_consents_to_coordination: false,
                involved_agencies: vec![other],
                created_by: UserId::new(),
                assigned_to: None,
            };
            let case = CaseId::new();
            let unrelated = me.read_case(case, &base).is_some();
            let consenting = me
                .read_case(
                    case,
                    &CaseAccessFacts {
                        owner_consents_to_coordination: true,
                        ..base.clone()
                    },
                )
                .is_some();
            let my_agency_owns = me
                .read_case(
                    case,
                    &CaseAccessFacts {
                        owner_agency: home,
                        involved_agencies: vec![home],
                        ..base.clone()
                    },
                )
                .is_some();
            let my_agency_involved = me
                .read_case(
                    case,
                    &CaseAccessFacts {
                        involved_agencies: vec![other, home],
                        ..base.clone()
                    },
                )
                .is_some();
            let i_created = me
                .read_case(
                    case,
                    &CaseAccessFacts {
                        created_by: me.user_id,
                        ..base.clone()
                    },
                )
                .is_some();
            let assigned = me
                .read_case(
                    case,
                    &CaseAccessFacts {
                        assigned_to: Some(me.user_id),
                        ..base.clone()
                    },
                )
                .is_some();

            let expected: [bool; 6] = match role {
                //                      unrelated consenting owns  involved created assigned
                Role::Coordinator => [false, true, true, true, false, false],
                Role::CaseWorker => [false, false, true, true, false, false],
                Role::Screener => [false, false, false, false, true, false],
                Role::ServiceProvider
                | Role::Admin
                | Role::Analyst
                | Role::Trainer
                | Role::Auditor => [false; 6],
            };
            assert_eq!(
                [
                    unrelated,
                    consenting,
                    my_agency_owns,
                    my_agency_involved,
                    i_created,
                    assigned
                ],
                expected,
                "role {role}"
            );
        }
    }

    #[test]
    fn role_capabilities() {
        let a = AgencyId::new();
        for role in Role::ALL {
            let p = principal(role, a);
            assert_eq!(
                p.administer().is_some(),
                role == Role::Admin,
                "{role} administer"
            );
            assert_eq!(
                p.audit_read().is_some(),
                role == Role::Auditor,
                "{role} audit"
            );
            assert_eq!(
                p.aggregates_read().is_some(),
                matches!(role, Role::Analyst | Role::Coordinator),
                "{role} aggregates"
            );
            assert_eq!(
                p.ctdc_raw_export().is_some(),
                role == Role::Coordinator,
                "{role} raw CTDC"
            );
            assert_eq!(
                p.duplicate_review().is_some(),
                role == Role::Coordinator,
                "{role} duplicate review"
            );
            assert_eq!(
                p.case_create().is_some(),
                matches!(role, Role::Screener | Role::CaseWorker | Role::Coordinator),
                "{role} create"
            );
            assert_eq!(
                p.case_list().is_some(),
                matches!(role, Role::Coordinator | Role::CaseWorker | Role::Screener),
                "{role} list"
            );
            assert_eq!(
                p.training_manage().is_some(),
                matches!(role, Role::Trainer | Role::Coordinator),
                "{role} training"
            );
            assert_eq!(
                p.training_reports(),
                matches!(role, Role::Trainer | Role::Coordinator | Role::Analyst),
                "{role} training reports"
            );
            let other = AgencyId::new();
            assert_eq!(
                p.may_manage_services(a),
                matches!(
                    role,
                    Role::Coordinator | Role::Admin | Role::CaseWorker | Role::ServiceProvider
                ),
                "{role} own services"
            );
            assert_eq!(
                p.may_manage_services(other),
                matches!(role, Role::Coordinator | Role::Admin),
                "{role} other agency's services"
            );
            assert_eq!(
                p.tip_triage().is_some(),
                role == Role::Coordinator,
                "{role} tip triage"
            );
            assert_eq!(
                p.tip_work(),
                matches!(role, Role::Screener | Role::CaseWorker | Role::Coordinator),
                "{role} tip work"
            );
        }
    }

    /// The whole table of role × capability, in one place: a change to any rule shows here.
    #[test]
    fn role_by_capability_table() {
        let a = AgencyId::new();
        let cols = [
            "administer",
            "audit",
            "aggregates",
            "raw CTDC",
            "create cases",
            "list cases",
            "import cases",
            "export policy",
            "triage tips",
            "tip work",
            "training",
            "training reports",
            "duplicate review",
            "accept transfers",
            "approve transfers",
            "approve plans",
            "supervise tasks",
            "own tasks",
            "answer referrals",
            "referral lists",
            "emergency referral",
            "all overdue",
            "previous values",
        ];
        let row = |p: &Principal| -> Vec<bool> {
            vec![
                p.administer().is_some(),
                p.audit_read().is_some(),
                p.aggregates_read().is_some(),
                p.ctdc_raw_export().is_some(),
                p.case_create().is_some(),
                p.case_list().is_some(),
                p.case_import().is_some(),
                p.export_policy().is_some(),
                p.tip_triage().is_some(),
                p.tip_work(),
                p.training_manage().is_some(),
                p.training_reports(),
                p.duplicate_review().is_some(),
                p.may_accept_transfers(),
                p.transfer_approval().is_some(),
                p.plan_approval().is_some(),
                p.task_supervision().is_some(),
                p.has_tasks(),
                p.referral_handling().is_some(),
                p.referral_work(),
                p.emergency_referral().is_some(),
                p.sees_all_overdue_referrals(),
                p.sees_previous_values(),
            ]
        };
        const T: bool = true;
        const F: bool = false;
        #[rustfmt::skip]
        let table: [(Role, [bool; 23]); 8] = [
            //                        adm aud agg raw cre lst imp xpo tri tip trn trr dup acc apt apl sup own ans ref emr ovd old
            (Role::Admin,           [T,  F,  F,  F,  F,  F,  F,  F,  F,  F,  F,  F,  F,  F,  F,  F,  F,  F,  F,  F,  F,  F,  F]),
            (Role::Coordinator,     [F,  F,  T,  T,  T,  T,  T,  T,  T,  T,  T,  T,  T,  T,  T,  T,  T,  T,  T,  T,  T,  T,  T]),
            (Role::CaseWorker,      [F,  F,  F,  F,  T,  T,  T,  F,  F,  T,  F,  F,  F,  T,  F,  F,  T,  T,  T,  T,  F,  F,  T]),
            (Role::Screener,        [F,  F,  F,  F,  T,  T,  F,  F,  F,  T,  F,  F,  F,  F,  F,  F,  F,  F,  F,  T,  F,  F,  F]),
            (Role::ServiceProvider, [F,  F,  F,  F,  F,  F,  F,  F,  F,  F,  F,  F,  F,  F,  F,  F,  F,  F,  T,  T,  F,  F,  F]),
            (Role::Analyst,         [F,  F,  T,  F,  F,  F,  F,  F,  F,  F,  F,  T,  F,  F,  F,  F,  F,  F,  F,  F,  F,  F,  F]),
            (Role::Trainer,         [F,  F,  F,  F,  F,  F,  F,  F,  F,  F,  T,  T,  F,  F,  F,  F,  F,  F,  F,  F,  F,  F,  F]),
            (Role::Auditor,         [F,  T,  F,  F,  F,  F,  F,  F,  F,  F,  F,  F,  F,  F,  F,  F,  F,  F,  F,  F,  F,  F,  F]),
        ];
        assert_eq!(table.len(), Role::ALL.len());
        for (role, expected) in table {
            let got = row(&principal(role, a));
            for (i, col) in cols.iter().enumerate() {
                assert_eq!(got[i], expected[i], "{role} × {col}");
            }
        }
    }

    /// No crate but this one (and the domain, which defines roles) names a role: every
    /// who-may rule is a capability or a `roles::` rule here, so two copies cannot disagree.
    #[test]
    fn no_role_comparison_outside_authz() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
        let mut dirs = vec![root.join("src")];
        for entry in std::fs::read_dir(root.join("crates")).expect("crates") {
            let path = entry.expect("entry").path();
            let name = path
                .file_name()
                .and_then(|n| n.to_str())
                .unwrap_or_default();
            // The demo gives its fictional staff their roles.
            if !["authz", "domain", "demo"].contains(&name) {
                dirs.push(path.join("src"));
            }
        }
        let mut offenders = Vec::new();
        let mut scanned = 0;
        while let Some(dir) = dirs.pop() {
            let Ok(entries) = std::fs::read_dir(&dir) else {
                continue;
            };
            for entry in entries {
                let path = entry.expect("entry").path();
                if path.is_dir() {
                    dirs.push(path);
                    continue;
                }
                if path.extension().is_none_or(|e| e != "rs") {
                    continue;
                }
                let src = std::fs::read_to_string(&path).expect("source");
                scanned += 1;
                for (n, line) in src.lines().enumerate() {
                    let mut rest = line;
                    while let Some(i) = rest.find("Role::") {
                        let after = &rest[i + 6..];
                        if after.starts_with(|c: char| c.is_ascii_uppercase())
                            && !after.starts_with("ALL")
                        {
                            offenders.push(format!(
                                "{}:{}: {}",
                                path.display(),
                                n + 1,
                                line.trim()
                            ));
                        }
                        rest = after;
                    }
                }
            }
        }
        assert!(scanned > 50, "the scan found the sources ({scanned})");
        assert!(
            offenders.is_empty(),
            "role comparisons outside authz:\n{}",
            offenders.join("\n")
        );
    }

    #[test]
    fn service_providers_never_read_case_files() {
        let a = AgencyId::new();
        let p = principal(Role::ServiceProvider, a);
        let facts = CaseAccessFacts {
            owner_agency: a,
            owner_consents_to_coordination: true,
            involved_agencies: vec![a],
            created_by: p.user_id,
            assigned_to: Some(p.user_id),
        };
        assert!(p.read_case(CaseId::new(), &facts).is_none());
        let cw = principal(Role::CaseWorker, facts.owner_agency);
        let reader = cw.read_case(CaseId::new(), &facts).expect("owner agency");
        assert!(reader.writer().is_some());
    }
}
