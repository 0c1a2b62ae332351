//! The user's notifications: what happened to their referrals and transfers, by kind and date,
//! each a link to the page it is about. No personal data: the pages behind the links check access.
use askama::Template;
use axum::extract::{Path, State};
use axum::response::{Redirect, Response};
use haven_core::notifications::NotificationView;
use haven_core::support::cursor::PageRequest;

use crate::AppState;
use crate::ctx::Authed;
use crate::kit::page::{PageError, render};
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

pub(crate) async fn list(
    State(state): State<AppState>,
    Authed(info, s): Authed,
) -> Result<Response, PageError> {
    let l = Layout::new(&state, &info);
    let (items, _) = state
        .haven()
        .notifications(&s.principal, &PageRequest::first(200))
        .await?;
    Ok(render(&Page { l: &l, items }))
}

/// Marks every notification read.
pub(crate) async fn read_all(
    State(state): State<AppState>,
    Authed(_, s): Authed,
) -> Result<Redirect, PageError> {
    let h = state.haven();
    h.mark_notifications_read(&s.principal, None).await?;
    Ok(Redirect::to("/notifications"))
}

/// Marks one read and goes to the page it is about.
pub(crate) async fn open(
    State(state): State<AppState>,
    Authed(_, s): Authed,
    Path(id): Path<String>,
) -> Result<Redirect, PageError> {
    let h = state.haven();
    let link = h.notification_link(&s.principal, &id).await?;
    h.mark_notifications_read(&s.principal, Some(&id)).await?;
    Ok(Redirect::to(&link))
}
