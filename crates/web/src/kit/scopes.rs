//! Which token scope each API operation needs (see `haven_authz::Scope`). The check runs in
//! the `ApiUser` extractor, before any handler; the OpenAPI document lists the scope of every
//! operation from this same table. The role still decides what the caller may do: a scope
//! only narrows a token.
use axum::http::Method;
use haven_authz::Scope;

/// The scope an operation needs, by its method and route template (`/api/v1/cases/{id}`);
/// `None`: any valid token (the caller's own account, tokens and the agency list).
pub(crate) fn scope_of(method: &Method, route: &str) -> Option<Scope> {
    let path = route.strip_prefix("/api/v1").unwrap_or(route);
    let read = method == Method::GET || method == Method::HEAD;
    match path {
        "/me" | "/agencies" | "/openapi.json" | "/certificates/{code}" => None,
        p if p == "/tokens" || p.starts_with("/tokens/") => None,
        "/stats" | "/releases" => Some(Scope::Statistics),
        // Releases and their jobs.
        p if p.starts_with("/releases/") => Some(Scope::Statistics),
        "/audit" => Some(Scope::Admin),
        p if p.starts_with("/admin/") || p == "/admin" => Some(Scope::Admin),
        p if p.starts_with("/training") => Some(Scope::Training),
        "/cases/{id}/referrals" | "/cases/{id}/services" | "/cases/{id}/matching-services" => {
            Some(Scope::Referrals)
        }
        // The service directory is what referrals are made to.
        p if p == "/services" || p.starts_with("/services/") => Some(Scope::Referrals),
        p if p == "/referrals" || p.starts_with("/referrals/") => Some(Scope::Referrals),
        // Searches and exports read, though they are posted (no names in a URL).
        "/cases/search" | "/cases/export" | "/matches/check" | "/screenings/{id}/matches" => {
            Some(Scope::CasesRead)
        }
        _ if read => Some(Scope::CasesRead),
        _ => Some(Scope::CasesWrite),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_writes_and_the_rest() {
        let get = Method::GET;
        let post = Method::POST;
        assert_eq!(scope_of(&get, "/api/v1/cases/{id}"), Some(Scope::CasesRead));
        assert_eq!(
            scope_of(&Method::PUT, "/api/v1/cases/{id}"),
            Some(Scope::CasesWrite)
        );
        assert_eq!(
            scope_of(&post, "/api/v1/cases/search"),
            Some(Scope::CasesRead)
        );
        assert_eq!(
            scope_of(&post, "/api/v1/referrals/{id}/{action}"),
            Some(Scope::Referrals)
        );
        assert_eq!(
            scope_of(&post, "/api/v1/releases/ctdc"),
            Some(Scope::Statistics)
        );
        assert_eq!(scope_of(&get, "/api/v1/audit"), Some(Scope::Admin));
        assert_eq!(scope_of(&post, "/api/v1/tokens"), None);
        assert_eq!(scope_of(&get, "/api/v1/me"), None);
    }
}
