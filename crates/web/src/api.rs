//! The JSON API under `/api/v1`: personal bearer tokens, the caller's role decides as in the
//! pages, errors as RFC 9457 problem details (`kit/problem.rs`). This file holds the router and the
//! OpenAPI document; the handlers live in their feature folders.
use axum::Router;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use utoipa::OpenApi;

use crate::AppState;
use crate::accounts::api as accounts;
use crate::audit::api as audit;
use crate::cases::api as cases;
use crate::cases::drafts;
use crate::duplicates::api as duplicates;
use crate::exports::api as exports;
use crate::imports::api as imports;
use crate::kit::problem::{FieldProblem, Problem, problem};
use crate::protection::api as protection;
use crate::referrals::api as referrals;
use crate::screening::api as screening;
use crate::statistics::api as statistics;
use crate::tips::api as tips;
use crate::training::api as training;

#[derive(OpenApi)]
#[openapi(
    info(title = "Haven API", version = "1", description = "Case management and referral for victims of trafficking. \
        Authenticate with a personal token: `Authorization: Bearer hvn_...` (create one under My account)."),
    paths(accounts::me, accounts::list_tokens, accounts::create_token, accounts::revoke_token, accounts::list_devices, accounts::add_device, accounts::revoke_device, accounts::list_users, accounts::create_user, accounts::change_user, accounts::create_agency, accounts::update_agency, accounts::reset_user, cases::list_cases, cases::search_cases, cases::create_case, cases::get_case, cases::update_case, cases::case_history, cases::subject_access,
        cases::close_case, cases::reopen_case, cases::assign_case, cases::transfer_case, cases::list_transfers, cases::decide_transfer,
        cases::add_note, cases::record_consent, cases::withdraw_consent, cases::add_event, cases::put_event, cases::delete_event, cases::add_perpetrator, cases::put_perpetrator,
        cases::delete_perpetrator, cases::add_attachment, cases::get_attachment, cases::delete_attachment, cases::get_person,
        cases::update_person, drafts::list_drafts, drafts::create_draft, drafts::get_draft, drafts::put_draft, drafts::delete_draft, drafts::register_draft, tips::draft_from_screening, accounts::list_agencies, statistics::stats, statistics::ctdc_release, statistics::release_ledger, statistics::release_jobs, statistics::release_job, statistics::release_result, screening::create_screening, screening::get_screening,
        tips::screening_matches, tips::link_screening, tips::create_tip, tips::list_tips, tips::get_tip, tips::triage_tip,
        referrals::create_referral, referrals::list_referrals, referrals::get_referral, referrals::print_referral, referrals::move_referral, referrals::case_services, referrals::search_services, referrals::get_service, referrals::services_for_case, referrals::create_service, referrals::update_service, referrals::service_capacity,
        referrals::list_notifications, referrals::read_notifications, protection::get_protection, protection::save_section,
        protection::list_tasks, protection::finish_task, duplicates::check, duplicates::queue, duplicates::scan, duplicates::decide,
        exports::export_cases, imports::start_import, imports::list_imports, imports::get_import,
        imports::commit_import, imports::import_errors,
        training::list_workshops, training::create_workshop, training::get_workshop, training::update_workshop,
        training::add_participant, training::remove_participant, training::get_participant, training::update_participant,
        training::save_register, training::issue_certificates, training::certificate, training::verify_certificate,
        training::import_preview, training::import_commit, training::add_material, training::get_material,
        training::report, training::report_xlsx, training::report_pdf,
        audit::audit, openapi),
    components(schemas(drafts::Draft, accounts::Me, accounts::TokenRequest, accounts::TokenCreated, haven_core::accounts::TokenView, accounts::Agency, statistics::Aggregates, statistics::AggregateCell, statistics::ReleaseRequest, statistics::LedgerEntry, screening::ScreeningRequest,
        cases::ConsentRequest, cases::Consent, haven_core::protection::TaskView, haven_core::protection::ProtectionDoc, haven_core::protection::RiskView, haven_core::protection::ReflectionView, haven_core::protection::Goal, haven_core::protection::PlanView, haven_core::protection::ReturnInput, haven_core::protection::ProceedingsDetails, haven_core::duplicates::MatchReport, haven_core::duplicates::VisibleMatch, haven_core::duplicates::Reason, haven_core::duplicates::PairView, haven_core::duplicates::PairSide, haven_core::duplicates::PairCase, haven_core::duplicates::ScanOutcome, haven_core::screening::PossibleMatch, crate::kit::problem::ItemCreated, tips::TipCreated, referrals::ReadAnswer, haven_core::notifications::NotificationView, haven_core::tips::TipSummary, haven_core::tips::TipView, haven_core::tips::CallDetails, haven_core::referrals::ReferralView, haven_core::referrals::SharedCase, haven_core::referrals::CaseServiceView, haven_core::screening::ScreeningView, haven_core::screening::IndicatorAnswer, haven_domain::screening::ProfileResult, haven_domain::screening::DimensionResult, haven_domain::screening::Palermo, haven_domain::screening::Profile, haven_domain::screening::Outcome, haven_domain::screening::Answer, haven_domain::screening::Strength, tips::TipRequest, tips::TriageRequest, tips::MatchRequest, tips::LinkRequest, referrals::ReferralRequest,
        referrals::MoveRequest, referrals::ReadRequest, duplicates::MatchCheckRequest, duplicates::DecideRequest, protection::SectionRequest, protection::FinishRequest, audit::AuditEvent, imports::ImportJobDocument, exports::ExportRequestBody, Problem, FieldProblem)),
    modifiers(&BearerAuth, &ProblemAnswers, &TokenScopes),
    security(("bearer" = []))
)]
struct ApiDoc;

struct BearerAuth;

/// Operations anyone may call, without a token: this document, and a certificate's
/// verification (as the public page `/verify`).
const PUBLIC: &[&str] = &["/api/v1/openapi.json", "/api/v1/certificates/{code}"];

impl utoipa::Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
        if let Some(c) = openapi.components.as_mut() {
            c.add_security_scheme(
                "bearer",
                SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
            );
        }
    }
}

/// Each operation names the token scope it needs (`kit/scopes.rs`) in its security
/// requirement, and documents the 403 of a token without it.
struct TokenScopes;

impl utoipa::Modify for TokenScopes {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use axum::http::Method;
        use utoipa::openapi::security::SecurityRequirement;
        use utoipa::openapi::{Content, Ref, RefOr, ResponseBuilder};
        for (path, item) in openapi.paths.paths.iter_mut() {
            if PUBLIC.contains(&path.as_str()) {
                continue;
            }
            for (op, method) in [
                (&mut item.get, Method::GET),
                (&mut item.put, Method::PUT),
                (&mut item.post, Method::POST),
                (&mut item.delete, Method::DELETE),
                (&mut item.patch, Method::PATCH),
            ]
            .into_iter()
            .filter_map(|(op, m)| Some((op.as_mut()?, m)))
            {
                if method == Method::POST && crate::kit::idempotency::KEYED.contains(&path.as_str())
                {
                    idempotent(op);
                }
                let scope = crate::kit::scopes::scope_of(&method, path);
                let scopes: Vec<&str> = scope.iter().map(|s| s.code()).collect();
                op.security = Some(vec![SecurityRequirement::new("bearer", scopes)]);
                if scope.is_some() {
                    op.responses
                        .responses
                        .entry("403".to_string())
                        .or_insert_with(|| {
                            RefOr::T(
                                ResponseBuilder::new()
                                    .description(
                                        "Your role, or this token's scopes, do not allow it",
                                    )
                                    .content(
                                        "application/problem+json",
                                        Content::new(Some(Ref::from_schema_name("Problem"))),
                                    )
                                    .build(),
                            )
                        });
                }
            }
        }
    }
}

/// A creating operation takes an `Idempotency-Key` (`kit/idempotency.rs`): documented as an
/// optional header, with the 409 of a retry while the first request still runs.
fn idempotent(op: &mut utoipa::openapi::path::Operation) {
    use utoipa::openapi::path::{ParameterBuilder, ParameterIn};
    use utoipa::openapi::schema::{ObjectBuilder, Type};
    use utoipa::openapi::{Content, Ref, RefOr, Required, ResponseBuilder};
    let key = ParameterBuilder::new()
        .name("Idempotency-Key")
        .parameter_in(ParameterIn::Header)
        .required(Required::False)
        .description(Some(
            "Any unique string (a UUID): a retry with the same key and the same request gets \
             the first answer again (`Idempotent-Replayed: true`) and creates nothing; the same \
             key with another request is a 422. Kept a day.",
        ))
        .schema(Some(
            ObjectBuilder::new()
                .schema_type(Type::String)
                .min_length(Some(1))
                .max_length(Some(255))
                .pattern(Some("^[!-~]+$")),
        ))
        .build();
    op.parameters
        .get_or_insert_with(Vec::new)
        .push(RefOr::T(key));
    op.responses
        .responses
        .entry("409".to_string())
        .or_insert_with(|| {
            RefOr::T(
                ResponseBuilder::new()
                    .description("The first request with this Idempotency-Key is still running")
                    .content(
                        "application/problem+json",
                        Content::new(Some(Ref::from_schema_name("Problem"))),
                    )
                    .build(),
            )
        });
}

/// Errors are sent as RFC 9457 problem documents (`application/problem+json`, see
/// `kit/problem.rs`): the document says so, and every operation documents the 401 of a missing
/// or expired token, when it takes parameters or a body the 400 of a request that does not
/// parse (the `problems_only` layer shapes both), and with a body the 422 of a refused or
/// unknown field.
struct ProblemAnswers;

impl utoipa::Modify for ProblemAnswers {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::{Content, Ref, RefOr, ResponseBuilder};
        const PROBLEM: &str = "application/problem+json";
        let problem = |what: &str| {
            RefOr::T(
                ResponseBuilder::new()
                    .description(what)
                    .content(
                        PROBLEM,
                        Content::new(Some(Ref::from_schema_name("Problem"))),
                    )
                    .build(),
            )
        };
        for (path, item) in openapi.paths.paths.iter_mut() {
            let public = PUBLIC.contains(&path.as_str());
            let path_params = path.contains('{');
            for (op, changes) in [
                (&mut item.get, false),
                (&mut item.put, true),
                (&mut item.post, true),
                (&mut item.delete, true),
                (&mut item.patch, true),
            ]
            .into_iter()
            .filter_map(|(op, changes)| Some((op.as_mut()?, changes)))
            {
                use utoipa::openapi::path::ParameterIn;
                let has_query = op
                    .parameters
                    .iter()
                    .flatten()
                    .any(|p| matches!(p, RefOr::T(p) if p.parameter_in == ParameterIn::Query));
                let takes_input = path_params
                    || op.request_body.is_some()
                    || op.parameters.as_ref().is_some_and(|p| !p.is_empty());
                let answers = &mut op.responses.responses;
                for (code, answer) in answers.iter_mut() {
                    let RefOr::T(answer) = answer else { continue };
                    if code.starts_with(['4', '5'])
                        && let Some(c) = answer.content.shift_remove("application/json")
                    {
                        answer.content.insert(PROBLEM.to_string(), c);
                    }
                    // A response object must describe itself (OpenAPI 3.1, 4.8.17.1).
                    if answer.description.is_empty() {
                        answer.description = status_text(code).to_string();
                    }
                }
                if public && !takes_input {
                    continue;
                }
                if !public {
                    answers
                        .entry("401".to_string())
                        .or_insert_with(|| problem("No valid token: sign in again or create one"));
                    answers.entry("429".to_string()).or_insert_with(|| {
                        let mut answer = ResponseBuilder::new()
                            .description(
                                "Too many requests for this token: wait as `Retry-After` says",
                            )
                            .content(
                                PROBLEM,
                                Content::new(Some(Ref::from_schema_name("Problem"))),
                            )
                            .build();
                        let wait = utoipa::openapi::header::HeaderBuilder::new()
                            .schema(Some(
                                utoipa::openapi::schema::ObjectBuilder::new()
                                    .schema_type(utoipa::openapi::schema::Type::Integer),
                            ))
                            .description(Some("Seconds to wait"))
                            .build();
                        answer
                            .headers
                            .insert("Retry-After".to_string(), RefOr::T(wait));
                        RefOr::T(answer)
                    });
                }
                if takes_input {
                    answers
                        .entry("400".to_string())
                        .or_insert_with(|| problem("The request does not parse"));
                }
                if op.request_body.is_some() {
                    answers.entry("415".to_string()).or_insert_with(|| {
                        problem("The body is not of the media type this operation takes")
                    });
                }
                // A body or a query can hold a refused value; a change can be refused by the
                // record's state (a closed case).
                if op.request_body.is_some() || has_query || changes {
                    answers.entry("422".to_string()).or_insert_with(|| {
                        problem("A field is refused or unknown: each is named in `errors`")
                    });
                }
            }
        }
    }
}

/// The usual meaning of a status code here, for an answer that says no more.
fn status_text(code: &str) -> &'static str {
    match code {
        "200" => "Done",
        "201" => "Created",
        "202" => "Accepted: follow the job",
        "204" => "Done, nothing to return",
        "400" => "The request does not parse",
        "401" => "No valid token: sign in again or create one",
        "403" => "Your role may not do this",
        "404" => "Not found, or not yours to see",
        "409" => "Changed since you read it, or in a state that does not allow this",
        "412" => "Someone saved first: their changes since your version are listed",
        "428" => "Send If-Match with the ETag you read",
        "413" => "Too large",
        "415" => "Not a media type this operation takes",
        "422" => "A field is refused or unknown: each is named in `errors`",
        "429" => "Too many requests: wait as `Retry-After` says",
        _ => "See the problem document",
    }
}

/// The OpenAPI 3.1 document, as served at `/api/v1/openapi.json` and checked in at
/// `docs/openapi.json`.
pub fn openapi_json() -> String {
    let mut doc = serde_json::to_value(ApiDoc::openapi()).unwrap_or_default();
    picklist_enums(&mut doc);
    training_enums(&mut doc);
    files_as_files(&mut doc);
    merge_all_of(&mut doc);
    serde_json::to_string_pretty(&doc).unwrap_or_default()
}

/// A record with its id (`Item<T>`, a flattened struct) is generated as `allOf` the record's
/// schema, which refuses unknown fields, and `{id}`: no answer could match both. Such schemas
/// become one object with the properties and required fields of all parts.
fn merge_all_of(doc: &mut serde_json::Value) {
    use serde_json::{Map, Value};
    let Some(schemas) = doc.pointer("/components/schemas").cloned() else {
        return;
    };
    let resolve = |part: &Value| -> Value {
        match part["$ref"].as_str() {
            Some(r) => {
                let name = r.trim_start_matches("#/components/schemas/");
                schemas.get(name).cloned().unwrap_or(Value::Null)
            }
            None => part.clone(),
        }
    };
    let Some(out) = doc
        .pointer_mut("/components/schemas")
        .and_then(Value::as_object_mut)
    else {
        return;
    };
    for schema in out.values_mut() {
        let Some(parts) = schema.get("allOf").and_then(Value::as_array).cloned() else {
            continue;
        };
        let mut properties = Map::new();
        let mut required: Vec<Value> = Vec::new();
        let mut description = schema.get("description").cloned();
        for part in parts.iter().map(resolve) {
            if let Some(p) = part["properties"].as_object() {
                properties.extend(p.clone());
            }
            if let Some(r) = part["required"].as_array() {
                required.extend(
                    r.iter()
                        .filter(|v| !required.contains(v))
                        .cloned()
                        .collect::<Vec<_>>(),
                );
            }
            if description.is_none() {
                description = part.get("description").cloned();
            }
        }
        let mut merged = Map::new();
        merged.insert("type".into(), "object".into());
        merged.insert("properties".into(), Value::Object(properties));
        if !required.is_empty() {
            merged.insert("required".into(), Value::Array(required));
        }
        if let Some(d) = description {
            merged.insert("description".into(), d);
        }
        *schema = Value::Object(merged);
    }
}

/// A download (ZIP, XLSX, CSV, an attachment) is one file, not a JSON array of bytes: its
/// schema says a binary string (text for `text/*`), whatever type the handler returns.
fn files_as_files(doc: &mut serde_json::Value) {
    let Some(paths) = doc["paths"].as_object_mut() else {
        return;
    };
    // `get_mut`, not indexing: `value["key"]` on a missing key would write a `null` in.
    for op in paths.values_mut().filter_map(|i| i.as_object_mut()) {
        for answers in op
            .values_mut()
            .filter_map(|o| o.get_mut("responses")?.as_object_mut())
        {
            for content in answers
                .values_mut()
                .filter_map(|a| a.get_mut("content")?.as_object_mut())
            {
                for (media, body) in content.iter_mut() {
                    if media.ends_with("json") {
                        continue;
                    }
                    body["schema"] = if media.starts_with("text/") {
                        serde_json::json!({ "type": "string" })
                    } else {
                        serde_json::json!({ "type": "string", "format": "binary" })
                    };
                }
            }
        }
    }
}

/// A coded field of the case record is an `enum` of its HTCDS value names (or Guyana's region
/// codes), so a generated client types it and a validator catches a wrong code before Haven
/// refuses it. The empty string means "not known", as in the record.
fn picklist_enums(doc: &mut serde_json::Value) {
    use crate::cases::forms::{Kind, SECTIONS};
    let coded = |field: &str| -> Option<Vec<&'static str>> {
        let spec = SECTIONS
            .iter()
            .flat_map(|(_, specs)| specs.iter())
            .find(|s| s.name == field)?;
        match spec.kind {
            Kind::Select(list) | Kind::Multi(list) => Some(list.codes.to_vec()),
            Kind::Region => Some(
                haven_domain::GUYANA_REGIONS
                    .iter()
                    .map(|r| r.code)
                    .collect(),
            ),
            _ => None,
        }
    };
    for schema in ["PersonData", "VictimData", "CaseData"] {
        let Some(props) = doc["components"]["schemas"][schema]["properties"].as_object_mut() else {
            continue;
        };
        for (field, prop) in props.iter_mut() {
            let Some(codes) = coded(field) else {
                continue;
            };
            let many = prop["type"] == "array";
            // A single code may be empty (not known); a list of codes holds only codes.
            let mut values: Vec<serde_json::Value> = if many { vec![] } else { vec!["".into()] };
            values.extend(codes.into_iter().map(serde_json::Value::from));
            let target = if many { &mut prop["items"] } else { prop };
            if target["type"] == "string" {
                target["enum"] = serde_json::Value::Array(values);
            }
        }
    }
}

/// The training picklists, enums as well: topics, formats and participants' sex (the empty
/// string is the default format, or sex not said).
fn training_enums(doc: &mut serde_json::Value) {
    use haven_training::{FORMATS, SEXES, TOPICS};
    let with_empty = |codes: &[&str]| -> serde_json::Value {
        std::iter::once("")
            .chain(codes.iter().copied())
            .map(serde_json::Value::from)
            .collect()
    };
    let schemas = &mut doc["components"]["schemas"];
    if let Some(items) = schemas
        .pointer_mut("/WorkshopRequest/properties/topics/items")
        .and_then(serde_json::Value::as_object_mut)
    {
        items.insert(
            "enum".into(),
            TOPICS
                .iter()
                .copied()
                .map(serde_json::Value::from)
                .collect(),
        );
    }
    if let Some(format) = schemas
        .pointer_mut("/WorkshopRequest/properties/format")
        .and_then(serde_json::Value::as_object_mut)
    {
        format.insert("enum".into(), with_empty(FORMATS));
    }
    for schema in ["EnrolRequest", "ParticipantRequest"] {
        if let Some(sex) = schemas
            .pointer_mut(&format!("/{schema}/properties/sex"))
            .and_then(serde_json::Value::as_object_mut)
        {
            sex.insert("enum".into(), with_empty(SEXES));
        }
    }
}

pub(crate) fn router(state: AppState) -> Router<AppState> {
    Router::new()
        .route("/openapi.json", get(openapi))
        .route("/me", get(accounts::me))
        .route(
            "/tokens",
            get(accounts::list_tokens).post(accounts::create_token),
        )
        .route("/tokens/{id}/revoke", post(accounts::revoke_token))
        .route(
            "/devices",
            get(accounts::list_devices).post(accounts::add_device),
        )
        .route("/devices/{id}/revoke", post(accounts::revoke_device))
        .route(
            "/admin/users",
            get(accounts::list_users).post(accounts::create_user),
        )
        .route("/admin/users/{id}/reset", post(accounts::reset_user))
        .route("/admin/users/{id}/{action}", post(accounts::change_user))
        .route("/admin/agencies", post(accounts::create_agency))
        .route(
            "/admin/agencies/{id}",
            axum::routing::put(accounts::update_agency),
        )
        .route("/matches/check", post(duplicates::check))
        .route("/duplicates", get(duplicates::queue))
        .route("/duplicates/scan", post(duplicates::scan))
        .route("/duplicates/{id}/{action}", post(duplicates::decide))
        .route("/cases", get(cases::list_cases).post(cases::create_case))
        .route("/cases/search", post(cases::search_cases))
        .route("/cases/export", post(exports::export_cases))
        .route("/cases/{id}", get(cases::get_case).put(cases::update_case))
        .route("/cases/{id}/history", get(cases::case_history))
        .route("/cases/{id}/subject-access", get(cases::subject_access))
        .route("/cases/{id}/close", post(cases::close_case))
        .route("/cases/{id}/reopen", post(cases::reopen_case))
        .route("/cases/{id}/assign", post(cases::assign_case))
        .route("/cases/{id}/transfer", post(cases::transfer_case))
        .route("/cases/{id}/notes", post(cases::add_note))
        .route("/cases/{id}/consents", post(cases::record_consent))
        .route(
            "/cases/{id}/consents/{cid}/withdraw",
            post(cases::withdraw_consent),
        )
        .route("/cases/{id}/events", post(cases::add_event))
        .route(
            "/cases/{id}/events/{eid}",
            axum::routing::put(cases::put_event).delete(cases::delete_event),
        )
        .route("/cases/{id}/perpetrators", post(cases::add_perpetrator))
        .route(
            "/cases/{id}/perpetrators/{pid}",
            axum::routing::put(cases::put_perpetrator).delete(cases::delete_perpetrator),
        )
        .route(
            "/cases/{id}/attachments",
            // Uploads are limited by the router's outer upload limit instead.
            post(cases::add_attachment).layer(axum::extract::DefaultBodyLimit::disable()),
        )
        .route(
            "/cases/{id}/attachments/{aid}",
            get(cases::get_attachment).delete(cases::delete_attachment),
        )
        .route(
            "/people/{id}",
            get(cases::get_person).put(cases::update_person),
        )
        .route("/transfers", get(cases::list_transfers))
        .route("/transfers/{id}/{decision}", post(cases::decide_transfer))
        .route("/agencies", get(accounts::list_agencies))
        .route("/stats", get(statistics::stats))
        .route("/releases/ctdc", post(statistics::ctdc_release))
        .route("/releases", get(statistics::release_ledger))
        .route("/releases/jobs", get(statistics::release_jobs))
        .route("/releases/jobs/{id}", get(statistics::release_job))
        .route(
            "/releases/jobs/{id}/result",
            get(statistics::release_result),
        )
        .route("/screenings", post(screening::create_screening))
        .route("/screenings/{id}", get(screening::get_screening))
        .route("/screenings/{id}/matches", post(tips::screening_matches))
        .route("/screenings/{id}/link", post(tips::link_screening))
        .route("/screenings/{id}/draft", post(tips::draft_from_screening))
        .route(
            "/drafts",
            get(drafts::list_drafts).post(drafts::create_draft),
        )
        .route(
            "/drafts/{id}",
            get(drafts::get_draft)
                .put(drafts::put_draft)
                .delete(drafts::delete_draft),
        )
        .route("/drafts/{id}/register", post(drafts::register_draft))
        .route("/tips", get(tips::list_tips).post(tips::create_tip))
        .route("/tips/{id}", get(tips::get_tip))
        .route("/tips/{id}/triage", post(tips::triage_tip))
        .route("/cases/{id}/referrals", post(referrals::create_referral))
        .route("/cases/{id}/services", get(referrals::case_services))
        .route(
            "/cases/{id}/matching-services",
            get(referrals::services_for_case),
        )
        .route("/services", post(referrals::create_service))
        .route("/services/search", post(referrals::search_services))
        .route(
            "/services/{id}",
            get(referrals::get_service).put(referrals::update_service),
        )
        .route("/services/{id}/capacity", post(referrals::service_capacity))
        .route("/referrals", get(referrals::list_referrals))
        .route("/referrals/{id}", get(referrals::get_referral))
        .route("/referrals/{id}/print.pdf", get(referrals::print_referral))
        .route("/referrals/{id}/{action}", post(referrals::move_referral))
        .route("/cases/{id}/protection", get(protection::get_protection))
        .route(
            "/cases/{id}/protection/{section}",
            post(protection::save_section),
        )
        .route("/tasks", get(protection::list_tasks))
        .route("/tasks/{id}/{status}", post(protection::finish_task))
        .route("/notifications", get(referrals::list_notifications))
        .route("/notifications/read", post(referrals::read_notifications))
        .route(
            "/imports",
            get(imports::list_imports)
                // Uploads are limited by the router's outer upload limit instead.
                .post(imports::start_import)
                .layer(axum::extract::DefaultBodyLimit::disable()),
        )
        .route("/imports/{id}", get(imports::get_import))
        .route("/imports/{id}/commit", post(imports::commit_import))
        .route("/imports/{id}/errors", get(imports::import_errors))
        .route("/audit", get(audit::audit))
        .route(
            "/training/workshops",
            get(training::list_workshops).post(training::create_workshop),
        )
        .route(
            "/training/workshops/{id}",
            get(training::get_workshop).put(training::update_workshop),
        )
        .route(
            "/training/workshops/{id}/participants",
            post(training::add_participant),
        )
        .route(
            "/training/workshops/{id}/participants/{pid}",
            axum::routing::delete(training::remove_participant),
        )
        .route(
            "/training/workshops/{id}/register",
            axum::routing::put(training::save_register),
        )
        .route(
            "/training/workshops/{id}/certificates",
            post(training::issue_certificates),
        )
        .route(
            "/training/workshops/{id}/certificates/{pid}",
            get(training::certificate),
        )
        .route(
            "/training/workshops/{id}/import",
            // Uploads are limited by the router's outer upload limit instead.
            post(training::import_preview).layer(axum::extract::DefaultBodyLimit::disable()),
        )
        .route(
            "/training/workshops/{id}/import/commit",
            post(training::import_commit),
        )
        .route(
            "/training/workshops/{id}/materials",
            post(training::add_material).layer(axum::extract::DefaultBodyLimit::disable()),
        )
        .route("/training/materials/{id}", get(training::get_material))
        .route(
            "/training/participants/{id}",
            get(training::get_participant).put(training::update_participant),
        )
        .route("/training/report", get(training::report))
        .route("/training/report.xlsx", get(training::report_xlsx))
        .route("/training/report.pdf", get(training::report_pdf))
        .route("/certificates/{code}", get(training::verify_certificate))
        // After routing, so the layer knows the operation (`MatchedPath`).
        .route_layer(axum::middleware::from_fn_with_state(
            state,
            crate::kit::idempotency::replay,
        ))
        .layer(axum::extract::DefaultBodyLimit::max(crate::BODY_LIMIT))
        .fallback(|| async { problem(StatusCode::NOT_FOUND, "error-not-found", vec![]) })
}

/// This document.
#[utoipa::path(get, path = "/api/v1/openapi.json", security(()), responses((status = 200, description = "OpenAPI 3.1 document", body = Object)))]
async fn openapi() -> Response {
    (
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        )],
        openapi_json(),
    )
        .into_response()
}
