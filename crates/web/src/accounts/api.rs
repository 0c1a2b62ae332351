//! The caller, their API tokens, the agencies, and the administration of accounts and
//! agencies (API).
use axum::Json;
use axum::extract::{Path, Query, RawQuery, State};
use axum::http::StatusCode;
use axum::response::Response;
use haven_authz::Scope;
use haven_core::accounts::{NewToken, TokenView};
use haven_core::admin::{AdminActor, Credential, NewAgency, NewUser};
use haven_domain::{TokenId, UserId};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use haven_core::devices::{DeviceView, NewDevice, collect_settings};

use crate::AppState;
use crate::kit::paging::{PageParams, paged};
use crate::kit::problem::{ApiError, ApiJson, ApiToken, ApiUser, ItemCreated, Problem, created};

#[derive(Serialize, ToSchema)]
pub(crate) struct Me {
    user_id: String,
    agency_id: String,
    role: String,
}

/// Who the token belongs to.
#[utoipa::path(get, path = "/api/v1/me", responses((status = 200, body = Me), (status = 401, body = Problem)))]
pub(crate) async fn me(ApiUser(p, _): ApiUser) -> Json<Me> {
    Json(Me {
        user_id: p.user_id.to_string(),
        agency_id: p.agency_id.to_string(),
        role: p.role.as_str().into(),
    })
}

#[derive(Serialize, ToSchema)]
pub(crate) struct Agency {
    id: String,
    name: String,
    agency_type: String,
    region: Option<String>,
    coordination_consent: bool,
}

/// The agencies of the deployment (public directory data, no personal data), by name (in
/// Unicode code point order), then by id.
#[utoipa::path(get, path = "/api/v1/agencies", params(PageParams),
    responses((status = 200, description = "agencies, by name", body = Vec<Agency>,
        headers(("Link" = String, description = "`<next page>; rel=\"next\"`, unless this is the last page"))),
        (status = 401, body = Problem), (status = 422, body = Problem)))]
pub(crate) async fn list_agencies(
    State(state): State<AppState>,
    ApiUser(_, _): ApiUser,
    Query(pg): Query<PageParams>,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    let page = pg.request()?;
    let list = state.haven().list_agencies().await?;
    let (list, next) = page.cut(list, |a| (0, format!("{}\n{}", a.name, a.id)));
    let list: Vec<Agency> = list
        .into_iter()
        .map(|a| Agency {
            id: a.id.to_string(),
            name: a.name,
            agency_type: a.agency_type.as_str().into(),
            region: a.region,
            coordination_consent: a.coordination_consent,
        })
        .collect();
    Ok(paged(list, next, "/api/v1/agencies", raw.as_deref()))
}

// ---- the caller's own tokens ----

/// The caller's API tokens, newest first (then by id): label, scopes, dates; never the secret.
#[utoipa::path(get, path = "/api/v1/tokens", params(PageParams),
    responses((status = 200, description = "your tokens, newest first", body = Vec<TokenView>,
        headers(("Link" = String, description = "`<next page>; rel=\"next\"`, unless this is the last page"))),
        (status = 401, body = Problem), (status = 422, body = Problem)))]
pub(crate) async fn list_tokens(
    State(state): State<AppState>,
    ApiToken(g, _): ApiToken,
    Query(pg): Query<PageParams>,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    let page = pg.request()?;
    let list = state.haven().list_tokens(&g.principal).await?;
    let (list, next) = page.cut(list, |t| (-t.created_at, t.id.clone()));
    Ok(paged(list, next, "/api/v1/tokens", raw.as_deref()))
}

/// A token to make.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct TokenRequest {
    /// To recognise it in the list (at most 100 characters).
    label: String,
    /// At least one of `cases:read`, `cases:write`, `referrals`, `statistics`, `training`,
    /// `admin`; none the calling token lacks.
    scopes: Vec<String>,
    /// How many days it lives: 1 to 365 (default 365), and never past the calling token.
    #[serde(default)]
    days: Option<i64>,
}

/// A new token: the secret is in this answer only.
#[derive(Serialize, ToSchema)]
pub(crate) struct TokenCreated {
    id: String,
    /// `Authorization: Bearer <token>`. Shown once: store it now.
    token: String,
}

/// Makes a token for the caller with some of the calling token's scopes, expiring no later
/// than it. Audited.
#[utoipa::path(post, path = "/api/v1/tokens", request_body = TokenRequest,
    responses((status = 201, body = TokenCreated), (status = 401, body = Problem), (status = 422, body = Problem)))]
pub(crate) async fn create_token(
    State(state): State<AppState>,
    ApiToken(g, o): ApiToken,
    ApiJson(r): ApiJson<TokenRequest>,
) -> Result<(StatusCode, Json<TokenCreated>), ApiError> {
    let mut scopes = Vec::new();
    for code in &r.scopes {
        scopes.push(
            Scope::parse(code).ok_or_else(|| ApiError::invalid("scopes", "error-unknown-code"))?,
        );
    }
    let req = NewToken {
        label: r.label,
        scopes: scopes.into_iter().collect(),
        days: r.days,
    };
    let (id, token) = state
        .haven()
        .create_token(&g.principal, &req, Some(&g), &o)
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(TokenCreated {
            id: id.to_string(),
            token,
        }),
    ))
}

/// Revokes one of the caller's tokens (the calling one too). Audited.
#[utoipa::path(post, path = "/api/v1/tokens/{id}/revoke", params(("id" = String, Path)),
    responses((status = 204), (status = 401, body = Problem), (status = 404, body = Problem)))]
pub(crate) async fn revoke_token(
    State(state): State<AppState>,
    ApiToken(g, o): ApiToken,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    let id = id.parse::<TokenId>().map_err(|_| ApiError::not_found())?;
    state.haven().revoke_token(&g.principal, id, &o).await?;
    Ok(StatusCode::NO_CONTENT)
}

// ---- the caller's phones for field collection ----

/// The caller's phones (collection credentials for ODK Collect or KoboCollect), newest first
/// (then by id); never their secret.
#[utoipa::path(get, path = "/api/v1/devices", params(PageParams),
    responses((status = 200, description = "your phones, newest first", body = Vec<DeviceView>,
        headers(("Link" = String, description = "`<next page>; rel=\"next\"`, unless this is the last page"))),
        (status = 403, body = Problem), (status = 422, body = Problem)))]
pub(crate) async fn list_devices(
    State(state): State<AppState>,
    ApiUser(p, _): ApiUser,
    Query(pg): Query<PageParams>,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    p.case_create().ok_or_else(ApiError::forbidden)?;
    let page = pg.request()?;
    let list = state.haven().list_devices(&p).await?;
    let (list, next) = page.cut(list, |d| (-d.created_at, d.id.clone()));
    Ok(paged(list, next, "/api/v1/devices", raw.as_deref()))
}

/// A phone to add.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct DeviceRequest {
    /// To recognise it in the list (at most 100 characters; no person's name).
    label: String,
    /// How many days it lives: 1 to 180 (default 180).
    #[serde(default)]
    days: Option<i64>,
}

/// A new phone credential: the secret is in this answer only.
#[derive(Serialize, ToSchema)]
pub(crate) struct DeviceCreated {
    device: DeviceView,
    /// The phone's password. Shown once: give it to the phone now.
    secret: String,
    /// The server address to set in ODK Collect or KoboCollect.
    server_url: String,
    /// The same three settings as ODK Collect reads them from a QR code (base64 of zlib-
    /// compressed JSON): draw it as a QR code for the phone to scan.
    settings: String,
}

/// Adds a phone for the caller (who must be allowed to screen and register): a collection
/// credential that can only list Haven's forms and submit them. Audited.
#[utoipa::path(post, path = "/api/v1/devices", request_body = DeviceRequest,
    responses((status = 201, body = DeviceCreated), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub(crate) async fn add_device(
    State(state): State<AppState>,
    ApiUser(p, o): ApiUser,
    headers: axum::http::HeaderMap,
    ApiJson(r): ApiJson<DeviceRequest>,
) -> Result<(StatusCode, Json<DeviceCreated>), ApiError> {
    let req = NewDevice {
        label: r.label,
        days: r.days,
    };
    let (device, secret) = state.haven().add_device(&p, &req, &o).await?;
    let server_url = crate::accounts::devices::openrosa_url(&state, &headers);
    let settings = collect_settings(&server_url, &device.username, &secret, "Haven");
    Ok((
        StatusCode::CREATED,
        Json(DeviceCreated {
            device,
            secret,
            server_url,
            settings,
        }),
    ))
}

/// Revokes one of the caller's phones at once (a lost phone). Audited.
#[utoipa::path(post, path = "/api/v1/devices/{id}/revoke", params(("id" = String, Path)),
    responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub(crate) async fn revoke_device(
    State(state): State<AppState>,
    ApiUser(p, o): ApiUser,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    state.haven().revoke_device(&p, &id, &o).await?;
    Ok(StatusCode::NO_CONTENT)
}

// ---- administration (admins) ----

/// An account, as the administration sees it: never its password or second-factor secret.
#[derive(Serialize, ToSchema)]
pub(crate) struct UserView {
    id: String,
    username: String,
    display_name: String,
    agency_id: String,
    /// `admin`, `coordinator`, `case_worker`, `screener`, `service_provider`, `analyst`,
    /// `trainer` or `auditor`.
    role: String,
    disabled: bool,
    /// A second factor is enrolled.
    mfa: bool,
}

/// The deployment's accounts, by user name (then by id). Admins only.
#[utoipa::path(get, path = "/api/v1/admin/users", params(PageParams),
    responses((status = 200, description = "accounts, by user name", body = Vec<UserView>,
        headers(("Link" = String, description = "`<next page>; rel=\"next\"`, unless this is the last page"))),
        (status = 403, body = Problem), (status = 422, body = Problem)))]
pub(crate) async fn list_users(
    State(state): State<AppState>,
    ApiUser(p, _): ApiUser,
    Query(pg): Query<PageParams>,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    let by = AdminActor::Admin(p.administer().ok_or_else(ApiError::forbidden)?);
    let page = pg.request()?;
    let users = state.haven().list_users(by).await?;
    let (users, next) = page.cut(users, |u| (0, format!("{}\n{}", u.username, u.id)));
    let list: Vec<UserView> = users
        .into_iter()
        .map(|u| UserView {
            id: u.id.to_string(),
            username: u.username,
            display_name: u.display_name,
            agency_id: u.agency_id.to_string(),
            role: u.role.as_str().into(),
            disabled: u.disabled,
            mfa: u.mfa,
        })
        .collect();
    Ok(paged(list, next, "/api/v1/admin/users", raw.as_deref()))
}

/// An account to create.
#[derive(Deserialize, ToSchema, Default)]
#[serde(default, deny_unknown_fields)]
pub(crate) struct NewUserRequest {
    username: String,
    display_name: String,
    /// A role code, as in `UserView`.
    role: String,
    agency_id: String,
    /// Work address for notification e-mails (optional).
    email: String,
}

/// A new account: its owner sets their own password at `/enrol` with this one-time code.
#[derive(Serialize, ToSchema)]
pub(crate) struct UserCreated {
    id: String,
    /// Give it to the person by a channel of their choosing; shown once.
    enrolment_code: String,
    /// Unix seconds.
    expires_at: i64,
}

/// Creates an account with an enrolment code (the administrator never knows the password).
/// Audited.
#[utoipa::path(post, path = "/api/v1/admin/users", request_body = NewUserRequest,
    responses((status = 201, body = UserCreated), (status = 403, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub(crate) async fn create_user(
    State(state): State<AppState>,
    ApiUser(p, o): ApiUser,
    ApiJson(r): ApiJson<NewUserRequest>,
) -> Result<(StatusCode, Json<UserCreated>), ApiError> {
    let by = AdminActor::Admin(p.administer().ok_or_else(ApiError::forbidden)?);
    let new = NewUser {
        username: r.username,
        display_name: r.display_name,
        role: r.role,
        agency_id: r.agency_id,
        password: String::new(),
        email: r.email,
    };
    let (id, credential) = state.haven().create_user(by, &new, &o).await?;
    let (code, expires_at) = enrolment(credential)?;
    Ok((
        StatusCode::CREATED,
        Json(UserCreated {
            id: id.to_string(),
            enrolment_code: code,
            expires_at,
        }),
    ))
}

/// The code an administrator's action always gives (never a password they would know).
fn enrolment(c: Credential) -> Result<(String, i64), ApiError> {
    match c {
        Credential::Enrolment { code, expires_at } => Ok((code, expires_at)),
        Credential::OneTimePassword(_) => Err(ApiError::Core(haven_core::CoreError::internal(
            "an administrator's action gave a password instead of an enrolment code",
        ))),
    }
}

/// A change of an account.
#[derive(Deserialize, ToSchema, Default)]
#[serde(default, deny_unknown_fields)]
pub(crate) struct UserChange {
    /// For `role`: the new role code.
    role: String,
    /// For `agency`: the new agency's id.
    agency_id: String,
}

/// `role` (a new role), `agency` (a move to another agency), `disable` or `enable` an account.
/// Not one's own role, agency or access. A change of role or agency ends the account's
/// sessions and tokens. Audited.
#[utoipa::path(post, path = "/api/v1/admin/users/{id}/{action}", request_body = UserChange,
    params(("id" = String, Path), ("action" = String, Path, description = "role, agency, disable or enable")),
    responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub(crate) async fn change_user(
    State(state): State<AppState>,
    ApiUser(p, o): ApiUser,
    Path((id, action)): Path<(String, String)>,
    ApiJson(r): ApiJson<UserChange>,
) -> Result<StatusCode, ApiError> {
    let by = AdminActor::Admin(p.administer().ok_or_else(ApiError::forbidden)?);
    let id = id.parse::<UserId>().map_err(|_| ApiError::not_found())?;
    let h = state.haven();
    match action.as_str() {
        "role" => h.change_role(by, id, &r.role, &o).await?,
        "agency" => h.change_agency(by, id, &r.agency_id, &o).await?,
        "disable" => h.set_user_disabled(by, id, true, &o).await?,
        "enable" => h.set_user_disabled(by, id, false, &o).await?,
        _ => return Err(ApiError::not_found()),
    }
    Ok(StatusCode::NO_CONTENT)
}

/// An agency to add to the deployment.
#[derive(Deserialize, ToSchema, Default)]
#[serde(default, deny_unknown_fields)]
pub(crate) struct NewAgencyRequest {
    name: String,
    /// An agency type code (`ngo`, `police`, `government`, …).
    agency_type: String,
    /// ISO 3166-2 region.
    region: String,
    phone: String,
    email: String,
    /// The agency agrees that the NRM coordinator sees its cases.
    coordination_consent: bool,
}

impl From<NewAgencyRequest> for NewAgency {
    fn from(r: NewAgencyRequest) -> Self {
        NewAgency {
            name: r.name,
            agency_type: r.agency_type,
            region: r.region,
            phone: r.phone,
            email: r.email,
            coordination_consent: r.coordination_consent,
        }
    }
}

/// Adds an agency. Admins only. Audited.
#[utoipa::path(post, path = "/api/v1/admin/agencies", request_body = NewAgencyRequest,
    responses((status = 201, body = ItemCreated), (status = 403, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub(crate) async fn create_agency(
    State(state): State<AppState>,
    ApiUser(p, o): ApiUser,
    ApiJson(r): ApiJson<NewAgencyRequest>,
) -> Result<(StatusCode, Json<ItemCreated>), ApiError> {
    let by = AdminActor::Admin(p.administer().ok_or_else(ApiError::forbidden)?);
    let new = NewAgency::from(r);
    let id = state.haven().create_agency(by, &new, &o).await?;
    Ok(created(id.to_string()))
}

/// Changes an agency: its name, type, region, phone and e-mail, and whether it shares its cases
/// with the NRM coordinator (which changes at once who can read them). Admins only. Audited.
#[utoipa::path(put, path = "/api/v1/admin/agencies/{id}", request_body = NewAgencyRequest,
    params(("id" = String, Path)),
    responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub(crate) async fn update_agency(
    State(state): State<AppState>,
    ApiUser(p, o): ApiUser,
    Path(id): Path<String>,
    ApiJson(r): ApiJson<NewAgencyRequest>,
) -> Result<StatusCode, ApiError> {
    let by = AdminActor::Admin(p.administer().ok_or_else(ApiError::forbidden)?);
    let id = id
        .parse::<haven_domain::AgencyId>()
        .map_err(|_| ApiError::not_found())?;
    let h = state.haven();
    let current = h
        .find_agency(&id.to_string())
        .await?
        .ok_or_else(ApiError::not_found)?;
    let consent = r.coordination_consent;
    let new = NewAgency::from(r);
    h.update_agency(by, id, &new, &o).await?;
    if current.coordination_consent != consent {
        h.set_agency_coordination(by, id, consent, &o).await?;
    }
    Ok(StatusCode::NO_CONTENT)
}

/// A password reset.
#[derive(Deserialize, ToSchema, Default)]
#[serde(default, deny_unknown_fields)]
pub(crate) struct ResetRequest {
    /// Also remove the second factor (a lost phone): the owner enrols a new one.
    reset_mfa: bool,
}

/// A new enrolment code for an account: the owner sets a new password with it at `/enrol`; the
/// account's sessions and tokens end. Not one's own account. Audited.
#[utoipa::path(post, path = "/api/v1/admin/users/{id}/reset", request_body = ResetRequest,
    params(("id" = String, Path)),
    responses((status = 200, body = UserCreated), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub(crate) async fn reset_user(
    State(state): State<AppState>,
    ApiUser(p, o): ApiUser,
    Path(id): Path<String>,
    ApiJson(r): ApiJson<ResetRequest>,
) -> Result<Json<UserCreated>, ApiError> {
    let by = AdminActor::Admin(p.administer().ok_or_else(ApiError::forbidden)?);
    let uid = id.parse::<UserId>().map_err(|_| ApiError::not_found())?;
    let credential = state
        .haven()
        .reset_password(by, uid, r.reset_mfa, &o)
        .await?;
    let (code, expires_at) = enrolment(credential)?;
    Ok(Json(UserCreated {
        id,
        enrolment_code: code,
        expires_at,
    }))
}
