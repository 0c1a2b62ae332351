//! The caller, their API tokens and the agencies (API).
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use haven_authz::Scope;
use haven_core::accounts::{NewToken, TokenView};
use haven_domain::TokenId;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::AppState;
use crate::kit::problem::{ApiError, ApiJson, ApiToken, ApiUser, Problem};

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

/// The agencies of the deployment (public directory data, no personal data).
#[utoipa::path(get, path = "/api/v1/agencies", responses((status = 200, body = Vec<Agency>), (status = 401, body = Problem)))]
pub(crate) async fn list_agencies(
    State(state): State<AppState>,
    ApiUser(_, _): ApiUser,
) -> Result<Json<Vec<Agency>>, ApiError> {
    let list = state.haven().list_agencies().await?;
    Ok(Json(
        list.into_iter()
            .map(|a| Agency {
                id: a.id.to_string(),
                name: a.name,
                agency_type: a.agency_type.as_str().into(),
                region: a.region,
                coordination_consent: a.coordination_consent,
            })
            .collect(),
    ))
}

// ---- the caller's own tokens ----

/// The caller's API tokens, newest first: label, scopes, dates; never the secret.
#[utoipa::path(get, path = "/api/v1/tokens",
    responses((status = 200, body = Vec<TokenView>), (status = 401, body = Problem)))]
pub(crate) async fn list_tokens(
    State(state): State<AppState>,
    ApiToken(g, _): ApiToken,
) -> Result<Json<Vec<TokenView>>, ApiError> {
    Ok(Json(state.haven().list_tokens(&g.principal).await?))
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
