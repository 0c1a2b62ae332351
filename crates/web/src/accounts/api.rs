//! The caller and the agencies (API).
use axum::Json;
use axum::extract::State;
use serde::Serialize;
use utoipa::ToSchema;

use crate::AppState;
use crate::kit::problem::{ApiError, ApiUser, Problem};

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
