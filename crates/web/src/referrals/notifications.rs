//! The user's notifications: what happened to their referrals and transfers, by kind and date,
//! each a link to the page it is about. No personal data: the pages behind the links check access.
use askama::Template;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use haven_core::notifications::NotificationView;

use crate::AppState;
use crate::ctx::Authed;
use crate::kit::page::{fail, render};
use crate::layout::Layout;

#[derive(Template)]
#[template(path = "notifications.html")]
struct Page<'a> {
    l: &'a Layout<'a>,
    items: Vec<NotificationView>,
}

impl Page<'_> {
    fn title(&self, kind: &str) -> String {
        self.l
            .t(&format!("notification-{}", kind.replace('_', "-")))
    }
}

pub(crate) async fn list(State(state): State<AppState>, Authed(info, s): Authed) -> Response {
    let l = Layout::new(&state, &info);
    match state.haven().notifications(&s.principal, 200).await {
        Ok(items) => render(&Page { l: &l, items }),
        Err(e) => fail(&l, e),
    }
}

/// Marks every notification read.
pub(crate) async fn read_all(State(state): State<AppState>, Authed(info, s): Authed) -> Response {
    let l = Layout::new(&state, &info);
    match state
        .haven()
        .mark_notifications_read(&s.principal, None)
        .await
    {
        Ok(_) => Redirect::to("/notifications").into_response(),
        Err(e) => fail(&l, e),
    }
}

/// Marks one read and goes to the page it is about.
pub(crate) async fn open(
    State(state): State<AppState>,
    Authed(info, s): Authed,
    Path(id): Path<String>,
) -> Response {
    let l = Layout::new(&state, &info);
    let h = state.haven();
    let item = match h.notifications(&s.principal, 500).await {
        Ok(items) => items.into_iter().find(|n| n.id == id),
        Err(e) => return fail(&l, e),
    };
    let Some(n) = item else {
        return fail(&l, haven_core::CoreError::NotFound);
    };
    match h.mark_notifications_read(&s.principal, Some(&id)).await {
        Ok(_) => Redirect::to(&n.link).into_response(),
        Err(e) => fail(&l, e),
    }
}
