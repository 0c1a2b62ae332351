//! Administration of users and agencies: by an admin in the web UI (with the `Administer`
//! capability) or by an operator at the server's command line (`Operator`).
use haven_audit::{Action, Actor, Event};
use haven_authz::Administer;
use haven_crypto::password;
use haven_domain::{AgencyId, AgencyName, AgencyType, DisplayName, Region, Role, UserId, Username};
use haven_store::agencies::{self, AgencyRow};
use haven_store::users::{self, UserRow};
use haven_store::{sessions, tokens};

use crate::{CoreError, FieldError, Haven, Origin, Result, actor};

/// How long an enrolment code is valid.
pub const ENROLMENT_SECS: i64 = 72 * 3600;
/// Wrong codes before an enrolment is void (the administrator issues a new one).
pub const ENROLMENT_TRIES: i64 = 5;

/// What a new or reset account is handed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Credential {
    /// From the operator at the server's command line: a password to change at first sign-in.
    OneTimePassword(String),
    /// From an administrator: a one-time code with which the owner sets their own password at
    /// `/enrol`. Shown once; the administrator never knows the password.
    Enrolment { code: String, expires_at: i64 },
}

impl Credential {
    pub fn secret(&self) -> &str {
        match self {
            Credential::OneTimePassword(s) => s,
            Credential::Enrolment { code, .. } => code,
        }
    }
}

/// Who is administering: a signed-in admin, or the operator running the `haven` CLI on the
/// server (who can read the key file and database anyway).
#[derive(Clone, Copy, Debug)]
pub enum AdminActor<'p> {
    Admin(Administer<'p>),
    Operator,
}

impl AdminActor<'_> {
    fn actor(&self, origin: &Origin) -> Actor {
        match self {
            AdminActor::Admin(a) => actor(a.principal(), origin),
            AdminActor::Operator => Actor::system(),
        }
    }
}

#[derive(Clone, Debug, Default)]
pub struct NewAgency {
    pub name: String,
    pub agency_type: String,
    pub region: String,
    pub phone: String,
    pub email: String,
    pub coordination_consent: bool,
}

#[derive(Clone, Debug, Default)]
pub struct NewUser {
    pub username: String,
    pub display_name: String,
    pub role: String,
    pub agency_id: String,
    /// Empty: generate a one-time password.
    pub password: String,
    /// Work address for notification e-mails (optional).
    pub email: String,
}

/// A work e-mail address as users type it: trimmed, one `@`, a dot in the domain, no spaces or
/// angle brackets (it goes into a mail header), at most 254 characters. Empty is `None`.
pub fn parse_email(s: &str) -> std::result::Result<Option<String>, &'static str> {
    let s = s.trim();
    if s.is_empty() {
        return Ok(None);
    }
    let ok = s.len() <= 254
        && !s
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || "<>,;\"".contains(c))
        && s.split_once('@').is_some_and(|(local, domain)| {
            !local.is_empty()
                && !domain.contains('@')
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
        });
    if ok {
        Ok(Some(s.to_string()))
    } else {
        Err("error-email")
    }
}

fn opt(s: &str) -> Option<String> {
    let s = s.trim();
    (!s.is_empty()).then(|| s.to_string())
}

/// A random one-time password that passes the policy: four words' worth of entropy in base32.
pub fn generate_password() -> String {
    let t = haven_crypto::token::generate("");
    let cleaned: String = t
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .take(16)
        .collect();
    format!(
        "{}-{}-{}-{}",
        &cleaned[0..4],
        &cleaned[4..8],
        &cleaned[8..12],
        &cleaned[12..16]
    )
}

/// An account as seen outside core: never its password hash or its second-factor secret.
#[derive(Clone, Debug)]
pub struct UserSummary {
    pub id: UserId,
    pub username: String,
    pub display_name: String,
    pub agency_id: haven_domain::AgencyId,
    pub role: haven_domain::Role,
    pub disabled: bool,
    /// A second factor is enrolled.
    pub mfa: bool,
}

impl From<UserRow> for UserSummary {
    fn from(u: UserRow) -> Self {
        UserSummary {
            id: u.id,
            username: u.username,
            display_name: u.display_name,
            agency_id: u.agency_id,
            role: u.role,
            disabled: u.disabled,
            mfa: u.totp_secret.is_some(),
        }
    }
}

impl Haven {
    #[tracing::instrument(skip_all)]
    pub async fn create_agency(
        &self,
        by: AdminActor<'_>,
        a: &NewAgency,
        origin: &Origin,
    ) -> Result<AgencyId> {
        let (name, agency_type, region) = validated_agency(a)?;
        let row = AgencyRow {
            id: AgencyId::new(),
            name: name.to_string(),
            agency_type,
            region,
            phone: opt(&a.phone),
            email: opt(&a.email),
            coordination_consent: a.coordination_consent,
            created_at: self.now(),
        };
        let mut tx = self.db.begin().await?;
        agencies::insert(&mut tx, &row).await.map_err(|e| match e {
            haven_store::StoreError::Duplicate(_) => CoreError::invalid("name", "error-duplicate"),
            e => e.into(),
        })?;
        self.audit(
            &mut tx,
            &by.actor(origin),
            Event::new(Action::AgencyCreated).target("agency", row.id),
        )
        .await?;
        tx.commit().await?;
        Ok(row.id)
    }

    /// Changes an agency's name, type, region, phone or e-mail (its coordination consent has
    /// its own switch). Audited with the names of the fields changed.
    #[tracing::instrument(skip_all)]
    pub async fn update_agency(
        &self,
        by: AdminActor<'_>,
        id: AgencyId,
        a: &NewAgency,
        origin: &Origin,
    ) -> Result<()> {
        let (name, agency_type, region) = validated_agency(a)?;
        let mut tx = self.db.begin().await?;
        let old = agencies::get(&mut tx, id)
            .await?
            .ok_or(CoreError::NotFound)?;
        let new = AgencyRow {
            name: name.to_string(),
            agency_type,
            region,
            phone: opt(&a.phone),
            email: opt(&a.email),
            ..old.clone()
        };
        let changed: Vec<&str> = [
            ("name", old.name != new.name),
            ("agency_type", old.agency_type != new.agency_type),
            ("region", old.region != new.region),
            ("phone", old.phone != new.phone),
            ("email", old.email != new.email),
        ]
        .into_iter()
        .filter_map(|(f, c)| c.then_some(f))
        .collect();
        if changed.is_empty() {
            tx.rollback().await?;
            return Ok(());
        }
        agencies::update(&mut tx, &new).await.map_err(|e| match e {
            haven_store::StoreError::Duplicate(_) => CoreError::invalid("name", "error-duplicate"),
            e => e.into(),
        })?;
        self.audit(
            &mut tx,
            &by.actor(origin),
            Event::new(Action::AgencyUpdated)
                .target("agency", id)
                .details(serde_json::json!({ "fields": changed })),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Whether an agency shares its cases with the NRM coordinator. Changes who can read those
    /// cases at once, so it is audited like a permission change.
    #[tracing::instrument(skip_all)]
    pub async fn set_agency_coordination(
        &self,
        by: AdminActor<'_>,
        id: AgencyId,
        consent: bool,
        origin: &Origin,
    ) -> Result<()> {
        let mut tx = self.db.begin().await?;
        if !agencies::set_coordination_consent(&mut tx, id, consent).await? {
            return Err(CoreError::NotFound);
        }
        let ev = Event::new(Action::AgencyUpdated)
            .target("agency", id)
            .details(serde_json::json!({"coordination_consent": consent}));
        self.commit_audited(tx, &by.actor(origin), ev, self.now())
            .await?;
        Ok(())
    }

    #[tracing::instrument(skip_all)]
    pub async fn list_agencies(&self) -> Result<Vec<AgencyRow>> {
        let mut conn = self.db.pool().acquire().await?;
        Ok(agencies::list(&mut conn).await?)
    }

    #[tracing::instrument(skip_all)]
    pub async fn find_agency(&self, name_or_id: &str) -> Result<Option<AgencyRow>> {
        let mut conn = self.db.pool().acquire().await?;
        if let Ok(id) = name_or_id.parse::<AgencyId>() {
            return Ok(agencies::get(&mut conn, id).await?);
        }
        Ok(agencies::find_by_name(&mut conn, name_or_id.trim()).await?)
    }

    /// Creates a user; returns the id and what to hand over. An administrator's new account is
    /// enrolled by its owner (the administrator's `password` is ignored); an account that will
    /// see personal data is announced to its agency's case workers and the coordinators.
    #[tracing::instrument(skip_all)]
    pub async fn create_user(
        &self,
        by: AdminActor<'_>,
        u: &NewUser,
        origin: &Origin,
    ) -> Result<(UserId, Credential)> {
        let enrol = matches!(by, AdminActor::Admin(_));
        let mut errors = Vec::new();
        let username = Username::parse(&u.username)
            .map_err(|e| {
                errors.push(FieldError {
                    field: "username",
                    key: e.key(),
                })
            })
            .ok();
        let display = DisplayName::parse(&u.display_name)
            .map_err(|e| {
                errors.push(FieldError {
                    field: "display_name",
                    key: e.key(),
                })
            })
            .ok();
        let role = u
            .role
            .parse::<Role>()
            .map_err(|_| {
                errors.push(FieldError {
                    field: "role",
                    key: "error-unknown-code",
                })
            })
            .ok();
        let agency = match self.find_agency(&u.agency_id).await? {
            Some(a) => Some(a),
            None => {
                errors.push(FieldError {
                    field: "agency_id",
                    key: "error-unknown-code",
                });
                None
            }
        };
        let email = parse_email(&u.email)
            .map_err(|key| {
                errors.push(FieldError {
                    field: "email",
                    key,
                })
            })
            .ok()
            .flatten();
        let generated = enrol || u.password.trim().is_empty();
        let pw = if generated {
            generate_password()
        } else {
            u.password.clone()
        };
        if let (false, Some(name)) = (generated, &username)
            && let Err(e) = password::check_policy(&pw, name.as_str())
        {
            errors.push(FieldError {
                field: "password",
                key: e.key(),
            });
        }
        let (Some(username), Some(display), Some(role), Some(agency), true) =
            (username, display, role, agency, errors.is_empty())
        else {
            return Err(CoreError::Invalid(errors));
        };
        // An enrolling account's password is random and known to nobody until its owner sets one.
        let hash = self.hash_password(&pw).await?;
        let row = UserRow {
            id: UserId::new(),
            username: username.to_string(),
            display_name: display.to_string(),
            agency_id: agency.id,
            role,
            password_hash: hash,
            disabled: false,
            must_change_password: generated && !enrol,
            totp_secret: None,
            totp_last_step: None,
            language: None,
            created_at: self.now(),
            last_login_at: None,
            email,
        };
        let mut tx = self.db.begin().await?;
        users::insert(&mut tx, &row).await.map_err(|e| match e {
            haven_store::StoreError::Duplicate(_) => {
                CoreError::invalid("username", "error-duplicate")
            }
            e => e.into(),
        })?;
        let t = self.now();
        let credential = if enrol {
            self.issue_enrolment(&mut tx, row.id, by, t).await?
        } else {
            Credential::OneTimePassword(pw)
        };
        let ev = Event::new(Action::UserCreated)
            .target("user", row.id)
            .details(serde_json::json!({
                "username": row.username, "role": role.as_str(),
                "agency_id": row.agency_id.to_string(), "enrolment": enrol,
            }));
        haven_audit::record(&mut tx, self.audit_keys(), &by.actor(origin), ev, t).await?;
        self.announce_account(&mut tx, &row, role, "account_created", t)
            .await?;
        tx.commit().await?;
        Ok((row.id, credential))
    }

    /// A one-time enrolment code for `user` (replacing any earlier one); only its keyed hash
    /// is kept.
    async fn issue_enrolment(
        &self,
        tx: &mut haven_store::Conn,
        user: UserId,
        by: AdminActor<'_>,
        t: i64,
    ) -> Result<Credential> {
        let code = generate_password();
        let by = match by {
            AdminActor::Admin(a) => Some(a.principal().user_id),
            AdminActor::Operator => None,
        };
        let expires_at = t + ENROLMENT_SECS;
        users::put_enrolment(
            tx,
            user,
            &self.enrolment_hash(user, &code),
            by,
            t,
            expires_at,
        )
        .await?;
        Ok(Credential::Enrolment { code, expires_at })
    }

    fn enrolment_hash(&self, user: UserId, code: &str) -> String {
        // Codes are typed by hand: case, spaces and dashes do not matter.
        let code: String = code
            .chars()
            .filter(|c| c.is_ascii_alphanumeric())
            .map(|c| c.to_ascii_lowercase())
            .collect();
        haven_crypto::token::hash(&self.token_key, &format!("enrol:{user}:{code}"))
    }

    /// Tells the agency's case workers and every coordinator that an account which sees
    /// personal data was created, reset or given such a role (in-app; the e-mail names no one).
    async fn announce_account(
        &self,
        tx: &mut haven_store::Conn,
        u: &UserRow,
        role: Role,
        kind: &str,
        t: i64,
    ) -> Result<()> {
        if !haven_authz::sees_person_data(role) {
            return Ok(());
        }
        let mut to = self
            .agency_staff(tx, u.agency_id, haven_authz::roles::follows_agency_cases)
            .await?;
        to.extend(self.coordinators(tx).await?);
        to.retain(|x| *x != u.id);
        self.notify(tx, &to, kind, &u.id.to_string(), t).await
    }

    /// An account's owner sets their password with the code an administrator handed them. Any
    /// failure answers the same (unknown user, wrong or expired code, disabled account); wrong
    /// codes are counted and void the enrolment after a few.
    #[tracing::instrument(skip_all)]
    pub async fn enrol(
        &self,
        username: &str,
        code: &str,
        new_password: &str,
        origin: &Origin,
    ) -> Result<()> {
        let t = self.now();
        let username = username.trim().to_lowercase();
        let refused = || CoreError::invalid("code", "error-enrolment-refused");
        let mut tx = self.db.begin().await?;
        if let Some(ip) = &origin.ip {
            let since = t - self.policy.address_window_secs;
            if sessions::login_failures_since(&mut tx, ip, since).await?
                >= self.policy.address_max_failures
            {
                tx.rollback().await?;
                return Err(refused());
            }
        }
        let user = users::by_username(&mut tx, &username).await?;
        let pending = match &user {
            Some(u) if !u.disabled => users::get_enrolment(&mut tx, u.id).await?,
            _ => None,
        };
        let valid = pending
            .as_ref()
            .filter(|e| e.expires_at > t && e.attempts < ENROLMENT_TRIES);
        let right = match (&user, valid) {
            (Some(u), Some(e)) => self.enrolment_hash(u.id, code) == e.code_hash,
            _ => false,
        };
        let who = match &user {
            Some(u) => Actor {
                user_id: Some(u.id),
                agency_id: Some(u.agency_id),
                role: Some(u.role),
                ip: origin.ip.clone(),
            },
            None => Actor {
                ip: origin.ip.clone(),
                ..Default::default()
            },
        };
        let Some(user) = user.filter(|_| right) else {
            if let (Some(id), Some(_)) = (who.user_id, &pending) {
                users::enrolment_failed(&mut tx, id).await?;
            }
            if let Some(ip) = &origin.ip {
                sessions::record_login_failure(&mut tx, ip, t).await?;
            }
            let ev = Event::new(Action::EnrolmentFailed).outcome("failed");
            self.commit_audited(tx, &who, ev, t).await?;
            return Err(refused());
        };
        // The code is right: a password refused by the policy does not use it up.
        if let Err(e) = password::check_policy(new_password, &user.username) {
            tx.rollback().await?;
            return Err(CoreError::invalid("password", e.key()));
        }
        let hash = self.hash_password(new_password).await?;
        users::set_password(&mut tx, user.id, &hash, false).await?;
        users::delete_enrolment(&mut tx, user.id).await?;
        let ev = Event::new(Action::UserEnrolled).target("user", user.id);
        self.commit_audited(tx, &who, ev, t).await?;
        Ok(())
    }

    /// Users waiting to enrol, with the expiry of their code.
    #[tracing::instrument(skip_all)]
    pub async fn pending_enrolments(&self, _by: AdminActor<'_>) -> Result<Vec<(UserId, i64)>> {
        let mut conn = self.db.pool().acquire().await?;
        Ok(users::pending_enrolments(&mut conn).await?)
    }

    /// Gives an account another role. Not one's own (an administrator cannot give themself a
    /// role that reads cases); the account's sessions and tokens end; audited with both users
    /// and announced like a new account when the role sees personal data.
    #[tracing::instrument(skip_all)]
    pub async fn change_role(
        &self,
        by: AdminActor<'_>,
        id: UserId,
        role: &str,
        origin: &Origin,
    ) -> Result<()> {
        let role: Role = role
            .parse()
            .map_err(|_| CoreError::invalid("role", "error-unknown-code"))?;
        not_own(by, id, "role")?;
        let t = self.now();
        let mut tx = self.db.begin().await?;
        let u = users::by_id(&mut tx, id)
            .await?
            .ok_or(CoreError::NotFound)?;
        if u.role == role {
            tx.rollback().await?;
            return Ok(());
        }
        users::set_role(&mut tx, id, role).await?;
        let ev = Event::new(Action::UserRoleChanged)
            .target("user", id)
            .details(serde_json::json!({
                "username": u.username, "from": u.role.as_str(), "to": role.as_str(),
            }));
        let changed = UserRow { role, ..u };
        self.access_changed(tx, by, origin, ev, &changed, "account_role_changed", t)
            .await
    }

    /// What follows a change of what an account may see (its role or its agency), in the
    /// change's transaction: its sessions end and its API tokens are revoked (the old rights
    /// must not outlive the change), the change is audited, and it is announced like a new
    /// account when the account sees personal data.
    #[allow(clippy::too_many_arguments)]
    async fn access_changed(
        &self,
        mut tx: haven_store::Tx,
        by: AdminActor<'_>,
        origin: &Origin,
        ev: Event,
        changed: &UserRow,
        notification: &str,
        t: i64,
    ) -> Result<()> {
        sessions::delete_for_user(&mut tx, changed.id).await?;
        tokens::revoke_all(&mut tx, changed.id).await?;
        haven_store::devices::revoke_all(&mut tx, changed.id, t).await?;
        haven_audit::record(&mut tx, self.audit_keys(), &by.actor(origin), ev, t).await?;
        self.announce_account(&mut tx, changed, changed.role, notification, t)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Moves a user to another agency: what they may see changes with it (their agency's
    /// cases, its referrals), so their sessions end and their API tokens are revoked, the move is
    /// audited, and the new agency's case staff and the coordinators are told if the account
    /// sees personal data. Not one's own account.
    #[tracing::instrument(skip_all)]
    pub async fn change_agency(
        &self,
        by: AdminActor<'_>,
        id: UserId,
        agency: &str,
        origin: &Origin,
    ) -> Result<()> {
        let agency: haven_domain::AgencyId = agency
            .parse()
            .map_err(|_| CoreError::invalid("agency_id", "error-unknown-code"))?;
        not_own(by, id, "agency_id")?;
        let t = self.now();
        let mut tx = self.db.begin().await?;
        if haven_store::agencies::get(&mut tx, agency).await?.is_none() {
            tx.rollback().await?;
            return Err(CoreError::invalid("agency_id", "error-unknown-code"));
        }
        let u = users::by_id(&mut tx, id)
            .await?
            .ok_or(CoreError::NotFound)?;
        if u.agency_id == agency {
            tx.rollback().await?;
            return Ok(());
        }
        users::set_agency(&mut tx, id, agency).await?;
        let ev = Event::new(Action::UserAgencyChanged)
            .target("user", id)
            .details(serde_json::json!({
                "username": u.username,
                "from": u.agency_id.to_string(),
                "to": agency.to_string(),
            }));
        let moved = UserRow {
            agency_id: agency,
            ..u
        };
        self.access_changed(tx, by, origin, ev, &moved, "account_agency_changed", t)
            .await
    }

    #[tracing::instrument(skip_all)]
    pub async fn list_users(&self, _by: AdminActor<'_>) -> Result<Vec<UserSummary>> {
        let mut conn = self.db.pool().acquire().await?;
        Ok(users::list(&mut conn)
            .await?
            .into_iter()
            .map(UserSummary::from)
            .collect())
    }

    #[tracing::instrument(skip_all)]
    pub async fn find_user(&self, name_or_id: &str) -> Result<Option<UserSummary>> {
        let mut conn = self.db.pool().acquire().await?;
        let row = if let Ok(id) = name_or_id.parse::<UserId>() {
            users::by_id(&mut conn, id).await?
        } else {
            users::by_username(&mut conn, &name_or_id.trim().to_lowercase()).await?
        };
        Ok(row.map(UserSummary::from))
    }

    /// Disables (or re-enables) an account; disabling ends its sessions and revokes its tokens.
    #[tracing::instrument(skip_all)]
    pub async fn set_user_disabled(
        &self,
        by: AdminActor<'_>,
        id: UserId,
        disabled: bool,
        origin: &Origin,
    ) -> Result<()> {
        // An admin cannot lock themself out.
        if let AdminActor::Admin(a) = by
            && a.principal().user_id == id
            && disabled
        {
            return Err(CoreError::Forbidden);
        }
        let mut tx = self.db.begin().await?;
        if !users::set_disabled(&mut tx, id, disabled).await? {
            return Err(CoreError::NotFound);
        }
        if disabled {
            sessions::delete_for_user(&mut tx, id).await?;
            tokens::revoke_all(&mut tx, id).await?;
            haven_store::devices::revoke_all(&mut tx, id, self.now()).await?;
        }
        let action = if disabled {
            Action::UserDisabled
        } else {
            Action::UserEnabled
        };
        self.audit(
            &mut tx,
            &by.actor(origin),
            Event::new(action).target("user", id),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Replaces a forgotten password: an administrator issues a new enrolment code (the old
    /// password stops working; announced like a new account), the operator a one-time password
    /// (and clears the second factor if asked, for a lost phone).
    #[tracing::instrument(skip_all)]
    pub async fn reset_password(
        &self,
        by: AdminActor<'_>,
        id: UserId,
        reset_mfa: bool,
        origin: &Origin,
    ) -> Result<Credential> {
        let enrol = matches!(by, AdminActor::Admin(_));
        if let AdminActor::Admin(a) = by
            && a.principal().user_id == id
        {
            return Err(CoreError::invalid("user", "error-own-account"));
        }
        let pw = generate_password();
        let hash = self.hash_password(&pw).await?;
        let t = self.now();
        let mut tx = self.db.begin().await?;
        if !users::set_password(&mut tx, id, &hash, !enrol).await? {
            return Err(CoreError::NotFound);
        }
        let u = users::by_id(&mut tx, id)
            .await?
            .ok_or(CoreError::NotFound)?;
        let credential = if enrol {
            let c = self.issue_enrolment(&mut tx, id, by, t).await?;
            self.announce_account(&mut tx, &u, u.role, "account_reset", t)
                .await?;
            c
        } else {
            Credential::OneTimePassword(pw)
        };
        if reset_mfa {
            users::set_totp(&mut tx, id, None).await?;
        }
        // Whoever may have known the old password may hold a token too.
        sessions::delete_for_user(&mut tx, id).await?;
        tokens::revoke_all(&mut tx, id).await?;
        haven_store::devices::revoke_all(&mut tx, id, self.now()).await?;
        let ev = Event::new(Action::PasswordReset)
            .target("user", id)
            .details(serde_json::json!({
                "username": u.username, "mfa_reset": reset_mfa, "enrolment": enrol,
            }));
        self.commit_audited(tx, &by.actor(origin), ev, t).await?;
        Ok(credential)
    }
}

/// An agency's details as entered, checked: its name, type and region (phone and e-mail are
/// free text), or the errors of each field.
fn validated_agency(a: &NewAgency) -> Result<(AgencyName, AgencyType, Option<String>)> {
    let mut errors = Vec::new();
    let name = AgencyName::parse(&a.name)
        .map_err(|e| {
            errors.push(FieldError {
                field: "name",
                key: e.key(),
            })
        })
        .ok();
    let agency_type = a
        .agency_type
        .parse::<AgencyType>()
        .map_err(|e| {
            errors.push(FieldError {
                field: "agency_type",
                key: e.key(),
            })
        })
        .ok();
    let region = match opt(&a.region) {
        Some(r) => Region::parse(&r)
            .map(|r| Some(r.code.to_string()))
            .map_err(|e| {
                errors.push(FieldError {
                    field: "region",
                    key: e.key(),
                })
            })
            .unwrap_or(None),
        None => None,
    };
    let (Some(name), Some(agency_type), true) = (name, agency_type, errors.is_empty()) else {
        return Err(CoreError::Invalid(errors));
    };
    Ok((name, agency_type, region))
}

/// An administrator does not change their own role or agency: another administrator, or the
/// operator on the server, does (no one widens their own access).
fn not_own(by: AdminActor<'_>, id: UserId, field: &'static str) -> Result<()> {
    match by {
        AdminActor::Admin(a) if a.principal().user_id == id => {
            Err(CoreError::invalid(field, "error-own-account"))
        }
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn generated_passwords_pass_the_policy() {
        for _ in 0..50 {
            let p = super::generate_password();
            assert_eq!(p.len(), 19);
            haven_crypto::password::check_policy(&p, "someone").unwrap();
        }
    }
}
