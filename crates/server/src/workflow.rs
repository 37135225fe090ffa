//! The recruiter workflow over HTTP, the same as `builtby shortlist …`, `builtby outreach` and
//! `builtby ats …`: shortlists (create, list, show, delete; add and remove people; a person's
//! status and note; export as CSV, JSON, Greenhouse or Lever), outreach drafts, and the import
//! of the people already in the company's applicant-tracking system.
//!
//! Reads run on the pooled read-only stores; changes on a store opened for writing for the
//! one request, through the same store functions the CLI calls (one per action: where the
//! audit log is written). Every change names who made it: the [`RequestActor`] the token
//! middleware put on the request, `api` until tokens have names.
//!
//! Bodies are JSON objects (`deny_unknown_fields`), but for the ATS import, which is the CSV
//! file itself. A bad value is a 400 naming it; an unknown list or a person not on it a 404;
//! a list that exists already a 409.

use crate::api::{json, params};
use crate::openapi::Endpoint;
use crate::{scrub, ApiError, AppState};
use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Extension;
use builtby_search::outreach::{self, DraftRequest, OutreachError, Template};
use builtby_search::query::{Params, SEARCH_PARAMS};
use builtby_search::shortlist::{self, AtsError, Format, WorkflowError};
use builtby_store::{ShortlistError, Status, Store};
use serde::Deserialize;
use serde_json::{json as j, Value};

/// Largest ATS export accepted by `POST /api/ats/import` (the rest of the API takes at most
/// [`crate::BODY_LIMIT`]).
pub const UPLOAD_LIMIT: usize = 2 * 1024 * 1024;

/// Longest `problem` an outreach request takes, in characters.
pub const MAX_PROBLEM: usize = 1000;

/// Who made a request, for the audit log: the name of the API token it carried. The token
/// middleware inserts it as a request extension once tokens have names; until then a change
/// made over HTTP is by `api`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestActor(pub String);

fn actor(a: Option<Extension<RequestActor>>) -> String {
    a.map(|Extension(RequestActor(name))| name)
        .filter(|n| !n.trim().is_empty())
        .unwrap_or_else(|| "api".into())
}

fn path_value(
    p: Result<Path<String>, axum::extract::rejection::PathRejection>,
    name: &str,
) -> Result<String, ApiError> {
    let Path(v) = p.map_err(|_| ApiError::bad(name, "is not valid UTF-8 once percent-decoded"))?;
    Ok(v)
}

fn two_values(
    p: Result<Path<(String, String)>, axum::extract::rejection::PathRejection>,
) -> Result<(String, String), ApiError> {
    let Path(v) =
        p.map_err(|_| ApiError::bad("person", "is not valid UTF-8 once percent-decoded"))?;
    Ok(v)
}

fn shortlist_error(e: ShortlistError) -> ApiError {
    match e {
        ShortlistError::Bad { param, message } => ApiError::bad(param, message),
        ShortlistError::NoList(_) | ShortlistError::NotOnList { .. } => {
            ApiError::NotFound(e.to_string())
        }
        ShortlistError::Exists(_) => ApiError::Status(StatusCode::CONFLICT, e.to_string()),
        // people named in a body
        ShortlistError::UnknownPerson(_) => ApiError::bad("people", e.to_string()),
        ShortlistError::Store(s) if s.is_interrupted() => ApiError::Cancelled,
        ShortlistError::Store(s) => ApiError::internal("shortlist", s),
    }
}

fn workflow_error(e: WorkflowError) -> ApiError {
    match e {
        WorkflowError::Shortlist(s) => shortlist_error(s),
        WorkflowError::Search(s) => s.into(),
    }
}

fn outreach_error(e: OutreachError) -> ApiError {
    match e {
        OutreachError::Search(s) => s.into(),
        OutreachError::UnknownPerson(_) | OutreachError::NoWork { .. } => {
            ApiError::NotFound(e.to_string())
        }
        OutreachError::NotAPerson(..) => ApiError::bad("person", e.to_string()),
        OutreachError::Template(t) => ApiError::internal("template", t),
    }
}

/// A JSON body as `T`; anything else is a 400 naming `body`.
fn body<T: serde::de::DeserializeOwned>(bytes: &Bytes, shape: &str) -> Result<T, ApiError> {
    serde_json::from_slice(bytes)
        .map_err(|e| ApiError::bad("body", format!("expected a JSON object {shape}: {e}")))
}

/// Runs a change on a store opened for writing, on the blocking pool.
async fn write<T, F>(state: &AppState, f: F) -> Result<T, ApiError>
where
    T: Send + 'static,
    F: FnOnce(&mut Store) -> Result<T, ApiError> + Send + 'static,
{
    let dir = state.data_dir().to_path_buf();
    tokio::task::spawn_blocking(move || {
        let mut store =
            Store::open(&dir).map_err(|e| ApiError::internal("opening the store to write", e))?;
        f(&mut store)
    })
    .await
    .map_err(|e| ApiError::internal("workflow task", e))?
}

fn no_query(endpoint: &str, raw: Option<&str>) -> Result<(), ApiError> {
    crate::api::no_params(endpoint, raw)
}

// ---- shortlists -------------------------------------------------------------------------

/// `GET /api/shortlists`: every list, with its people per status.
pub async fn list(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    no_query("/api/shortlists", raw.as_deref())?;
    let lists = state
        .with_store(|store, _| store.shortlists().map_err(shortlist_error))
        .await?;
    json(&lists)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CreateBody {
    name: Option<String>,
    search: Option<String>,
}

/// `POST /api/shortlists` `{"name", "search"?}`: 201 with the new list.
pub async fn create(
    State(state): State<AppState>,
    who: Option<Extension<RequestActor>>,
    RawQuery(raw): RawQuery,
    bytes: Bytes,
) -> Result<Response, ApiError> {
    no_query("/api/shortlists", raw.as_deref())?;
    let b: CreateBody = body(&bytes, "{\"name\", \"search\"?}")?;
    let name = b
        .name
        .filter(|n| !n.trim().is_empty())
        .ok_or_else(|| ApiError::bad("name", "give the shortlist a name"))?;
    let search = b.search.filter(|s| !s.trim().is_empty());
    if let Some(s) = &search {
        // the search must be one the API would run
        shortlist::query_of(state.catalog(), s, builtby_model::time::now())
            .map_err(|e| ApiError::bad("search", format!("{}: {}", e.param, e.message)))?;
    }
    let by = actor(who);
    let n = name.clone();
    write(&state, move |store| {
        store
            .shortlist_create(&n, search.as_deref(), &by)
            .map_err(shortlist_error)
    })
    .await?;
    let mut res = json(&j!({"ok": true, "name": name.trim()}))?;
    *res.status_mut() = StatusCode::CREATED;
    Ok(res)
}

/// `GET /api/shortlists/{name}`: the list, each person joined to what is loaded now.
pub async fn show(
    State(state): State<AppState>,
    name: Result<Path<String>, axum::extract::rejection::PathRejection>,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    let name = path_value(name, "name")?;
    no_query("/api/shortlists/{name}", raw.as_deref())?;
    let n = name.clone();
    let v = state
        .with_store(move |store, st| {
            shortlist::view(store, st.catalog(), st.bots(), &n, false).map_err(workflow_error)
        })
        .await?;
    match v {
        Some(v) => json(&v),
        None => Err(shortlist_error(ShortlistError::NoList(name))),
    }
}

/// `DELETE /api/shortlists/{name}`.
pub async fn delete(
    State(state): State<AppState>,
    who: Option<Extension<RequestActor>>,
    name: Result<Path<String>, axum::extract::rejection::PathRejection>,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    let name = path_value(name, "name")?;
    no_query("/api/shortlists/{name}", raw.as_deref())?;
    let by = actor(who);
    let removed = write(&state, move |store| {
        store.shortlist_delete(&name, &by).map_err(shortlist_error)
    })
    .await?;
    json(&j!({"ok": true, "people_removed": removed}))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AddBody {
    #[serde(default)]
    people: Vec<String>,
    note: Option<String>,
    search: Option<String>,
}

/// `POST /api/shortlists/{name}/people` `{"people": […], "note"?, "search"?}`.
pub async fn add(
    State(state): State<AppState>,
    who: Option<Extension<RequestActor>>,
    name: Result<Path<String>, axum::extract::rejection::PathRejection>,
    RawQuery(raw): RawQuery,
    bytes: Bytes,
) -> Result<Response, ApiError> {
    let name = path_value(name, "name")?;
    no_query("/api/shortlists/{name}/people", raw.as_deref())?;
    let b: AddBody = body(&bytes, "{\"people\": [logins], \"note\"?, \"search\"?}")?;
    if b.people.iter().all(|p| p.trim().is_empty()) {
        return Err(ApiError::bad("people", "name at least one person to add"));
    }
    let search = b.search.filter(|s| !s.trim().is_empty());
    if let Some(s) = &search {
        shortlist::query_of(state.catalog(), s, builtby_model::time::now())
            .map_err(|e| ApiError::bad("search", format!("{}: {}", e.param, e.message)))?;
    }
    let by = actor(who);
    let r = write(&state, move |store| {
        store
            .shortlist_add(&name, &b.people, b.note.as_deref(), search.as_deref(), &by)
            .map_err(shortlist_error)
    })
    .await?;
    json(&r)
}

/// `DELETE /api/shortlists/{name}/people/{person}`.
pub async fn remove(
    State(state): State<AppState>,
    who: Option<Extension<RequestActor>>,
    p: Result<Path<(String, String)>, axum::extract::rejection::PathRejection>,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    let (name, person) = two_values(p)?;
    no_query("/api/shortlists/{name}/people/{person}", raw.as_deref())?;
    let by = actor(who);
    let key = write(&state, move |store| {
        store
            .shortlist_remove(&name, &person, &by)
            .map_err(shortlist_error)
    })
    .await?;
    json(&j!({"ok": true, "person": key}))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct StatusBody {
    status: Option<String>,
}

/// `POST /api/shortlists/{name}/people/{person}/status` `{"status"}`.
pub async fn set_status(
    State(state): State<AppState>,
    who: Option<Extension<RequestActor>>,
    p: Result<Path<(String, String)>, axum::extract::rejection::PathRejection>,
    RawQuery(raw): RawQuery,
    bytes: Bytes,
) -> Result<Response, ApiError> {
    let (name, person) = two_values(p)?;
    no_query(
        "/api/shortlists/{name}/people/{person}/status",
        raw.as_deref(),
    )?;
    let b: StatusBody = body(&bytes, "{\"status\"}")?;
    let given = b.status.unwrap_or_default();
    let status = Status::parse(&given).ok_or_else(|| {
        ApiError::bad(
            "status",
            format!("`{given}` is not a status; use one of {}", Status::names()),
        )
    })?;
    let by = actor(who);
    let key = write(&state, move |store| {
        store
            .shortlist_set_status(&name, &person, status, &by)
            .map_err(shortlist_error)
    })
    .await?;
    json(&j!({"ok": true, "person": key, "status": status}))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NoteBody {
    note: Option<String>,
}

/// `POST /api/shortlists/{name}/people/{person}/note` `{"note"}` (empty clears it).
pub async fn set_note(
    State(state): State<AppState>,
    who: Option<Extension<RequestActor>>,
    p: Result<Path<(String, String)>, axum::extract::rejection::PathRejection>,
    RawQuery(raw): RawQuery,
    bytes: Bytes,
) -> Result<Response, ApiError> {
    let (name, person) = two_values(p)?;
    no_query(
        "/api/shortlists/{name}/people/{person}/note",
        raw.as_deref(),
    )?;
    let b: NoteBody = body(&bytes, "{\"note\"}")?;
    let note = b
        .note
        .ok_or_else(|| ApiError::bad("note", "give the note (an empty one clears it)"))?;
    let by = actor(who);
    let key = write(&state, move |store| {
        store
            .shortlist_set_note(&name, &person, &note, &by)
            .map_err(shortlist_error)
    })
    .await?;
    json(&j!({"ok": true, "person": key}))
}

/// `GET /api/shortlists/{name}/export?format=csv|json|greenhouse|lever` (csv by default).
pub async fn export(
    State(state): State<AppState>,
    who: Option<Extension<RequestActor>>,
    name: Result<Path<String>, axum::extract::rejection::PathRejection>,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    let name = path_value(name, "name")?;
    let mut format = Format::Csv;
    for (k, v) in params(raw.as_deref()).pairs() {
        match k.as_str() {
            "format" => format = Format::parse(v)?,
            other => {
                return Err(ApiError::bad(
                    "query",
                    format!("unknown parameter `{other}`; this endpoint takes format"),
                ))
            }
        }
    }
    let by = actor(who);
    let list = name.clone();
    let auditor = crate::privacy::Actor(by.clone());
    let x = state
        .with_store(move |store, st| {
            shortlist::export(store, st.catalog(), st.bots(), &name, format, &by)
                .map_err(workflow_error)
        })
        .await?;
    state
        .audit(
            &auditor,
            "shortlist.export",
            serde_json::json!({"list": list, "format": format!("{format:?}").to_lowercase()}),
            x.people as u64,
        )
        .await?;
    // CSV fields were scrubbed one by one when written (`shortlist::export`): the joined
    // text would look like an address where fields run together. JSON is scrubbed here.
    let body = match format {
        Format::Json => {
            let mut v: Value =
                serde_json::from_str(&x.body).map_err(|e| ApiError::internal("export JSON", e))?;
            scrub::scrub_value(&mut v);
            serde_json::to_string_pretty(&v).map_err(|e| ApiError::internal("export JSON", e))?
        }
        _ => x.body,
    };
    let mut res = body.into_response();
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(x.content_type),
    );
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{}\"", x.filename)) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    Ok(res)
}

// ---- outreach ---------------------------------------------------------------------------

/// `GET /api/outreach/{person}?<search parameters>&problem=&shortlist=`: the first line
/// citing the person's work in the search's scope (or, with `shortlist`, the scope of the
/// search they were added from), and a draft in the shipped template.
pub async fn draft(
    State(state): State<AppState>,
    who: Option<Extension<RequestActor>>,
    person: Result<Path<String>, axum::extract::rejection::PathRejection>,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    let person = path_value(person, "person")?;
    if person.trim().is_empty() || person.len() > 200 {
        return Err(ApiError::bad(
            "person",
            "give a GitHub login or an account key (git:<key>, hf:<name>…)",
        ));
    }
    let mut problem = None;
    let mut list = None;
    let mut search = Params::new();
    for (k, v) in params(raw.as_deref()).pairs() {
        match k.as_str() {
            "problem" if problem.is_some() => {
                return Err(ApiError::bad("problem", "given more than once"))
            }
            "problem" => {
                if v.chars().count() > MAX_PROBLEM {
                    return Err(ApiError::bad(
                        "problem",
                        format!("at most {MAX_PROBLEM} characters, please"),
                    ));
                }
                problem = Some(v.clone()).filter(|p| !p.trim().is_empty());
            }
            "shortlist" => list = Some(v.clone()),
            _ if SEARCH_PARAMS.iter().any(|p| p.0 == k) => {
                search.push(k, v.clone());
            }
            other => {
                return Err(ApiError::bad(
                    "query",
                    format!(
                        "unknown parameter `{other}`; this endpoint takes the search's parameters, problem and shortlist"
                    ),
                ))
            }
        }
    }
    let now = builtby_model::time::now();
    let from_search = search.build(state.catalog(), now)?;
    if list.is_some() && !search.pairs().is_empty() {
        return Err(ApiError::bad(
            "shortlist",
            "give a shortlist or search parameters, not both",
        ));
    }
    let by = actor(who);
    let d = state
        .with_store(move |store, st| {
            let q = match &list {
                None => from_search,
                Some(l) => {
                    let Some(view) = store.shortlist(l).map_err(shortlist_error)? else {
                        return Err(shortlist_error(ShortlistError::NoList(l.clone())));
                    };
                    let key = store
                        .person_key(&person)
                        .map_err(|e| ApiError::internal("person", e))?;
                    let entry = view
                        .people
                        .iter()
                        .find(|e| Some(&e.person) == key.as_ref() || e.person == person)
                        .ok_or_else(|| {
                            shortlist_error(ShortlistError::NotOnList {
                                list: view.name.clone(),
                                person: person.clone(),
                            })
                        })?;
                    match entry.search.as_deref().or(view.search.as_deref()) {
                        Some(s) => shortlist::query_of(st.catalog(), s, now)?,
                        None => Default::default(),
                    }
                }
            };
            let template = Template::shipped();
            let req = DraftRequest {
                query: &q,
                problem: problem.as_deref(),
                template: &template,
            };
            let d = outreach::draft(store, st.catalog(), st.bots(), &person, &req, &by)
                .map_err(outreach_error)?;
            let what = outreach::audit_what(store, &person, req.problem.is_some())
                .map_err(|e| outreach_error(OutreachError::Search(e.into())))?;
            Ok((d, what, by))
        })
        .await?;
    let (d, what, by) = d;
    state
        .audit(&crate::privacy::Actor(by), "outreach.draft", what, 1)
        .await?;
    json(&d)
}

// ---- ATS --------------------------------------------------------------------------------

/// `GET /api/ats`: the logins imported from ATS exports, with the file and line of each.
pub async fn ats_list(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    no_query("/api/ats", raw.as_deref())?;
    let people = state
        .with_store(|store, _| store.ats_people().map_err(shortlist_error))
        .await?;
    json(&people)
}

/// `POST /api/ats/import?replace=&file=` with the CSV export as the body.
pub async fn ats_import(
    State(state): State<AppState>,
    who: Option<Extension<RequestActor>>,
    RawQuery(raw): RawQuery,
    bytes: Bytes,
) -> Result<Response, ApiError> {
    let mut replace = false;
    let mut file = "upload.csv".to_string();
    for (k, v) in params(raw.as_deref()).pairs() {
        match k.as_str() {
            "replace" => replace = builtby_search::query::parse_bool("replace", v)?,
            "file" => {
                let name: String = v
                    .chars()
                    .filter(|c| !c.is_control() && *c != '/' && *c != '\\')
                    .take(100)
                    .collect();
                if !name.trim().is_empty() {
                    file = name;
                }
            }
            other => {
                return Err(ApiError::bad(
                    "query",
                    format!("unknown parameter `{other}`; this endpoint takes replace and file"),
                ))
            }
        }
    }
    if bytes.is_empty() {
        return Err(ApiError::bad(
            "body",
            "send the ATS's CSV export as the request body",
        ));
    }
    let by = actor(who);
    let r = write(&state, move |store| {
        shortlist::import_ats(store, &bytes, &file, replace, &by).map_err(|e| match e {
            AtsError::Store(s) => shortlist_error(s),
            other => ApiError::bad("body", other.to_string()),
        })
    })
    .await?;
    json(&r)
}

// ---- the API's description --------------------------------------------------------------

const NONE: &[&str] = &[];

/// The workflow's endpoints, documented in `/api/openapi.json` with the rest.
pub const ENDPOINTS: &[Endpoint] = &[
    Endpoint {
        path: "/api/shortlists",
        method: "get",
        summary: "Every shortlist",
        description: "As `builtby shortlist list --json`: name, the search it is for, when and by whom it was made, its people and how many are at each status.",
        params: NONE,
        content_type: "application/json",
        fields: &[],
    },
    Endpoint {
        path: "/api/shortlists",
        method: "post",
        summary: "Make a shortlist",
        description: "Body `{\"name\", \"search\"?}`: a name (1 to 100 characters, no `/`; names are compared in any case) and, optionally, the search the list is for as a query string (`repo=pytorch/pytorch&area=distributed+training`): first lines for its people cite work in that scope. 201 when made, 409 when a list by that name exists.",
        params: NONE,
        content_type: "application/json",
        fields: &[("ok", "boolean", "true"), ("name", "string", "The list's name.")],
    },
    Endpoint {
        path: "/api/shortlists/{name}",
        method: "get",
        summary: "A shortlist's people",
        description: "As `builtby shortlist show --json`: each person (joined to what is loaded now: name, location, profile link, whether your ATS has them) with their status, note, the search they were added from, and when and by whom they were added and last changed. 404 for an unknown list.",
        params: NONE,
        content_type: "application/json",
        fields: &[
            ("name", "string", "The list's name."),
            ("search", "string", "The search the list is for (a query string), or null."),
            ("people", "array", "{person, display, name, location, company, profile_url, in_store, in_ats, status, note, search, added_at, added_by, updated_at, updated_by}."),
        ],
    },
    Endpoint {
        path: "/api/shortlists/{name}",
        method: "delete",
        summary: "Delete a shortlist",
        description: "The list and every entry on it. 404 for an unknown list.",
        params: NONE,
        content_type: "application/json",
        fields: &[("ok", "boolean", "true"), ("people_removed", "integer", "Entries removed with it.")],
    },
    Endpoint {
        path: "/api/shortlists/{name}/people",
        method: "post",
        summary: "Add people to a shortlist",
        description: "Body `{\"people\": [logins or account keys], \"note\"?, \"search\"?}` (at most 500 people; a note of at most 2,000 characters, e-mail addresses removed; the search they were found with, as a query string). Everyone must be loaded (else a 400 naming them, and nobody is added); people already on the list keep their entry, but for their note when one is given.",
        params: NONE,
        content_type: "application/json",
        fields: &[("added", "array", "Keys added."), ("already", "array", "Keys already on the list.")],
    },
    Endpoint {
        path: "/api/shortlists/{name}/people/{person}",
        method: "delete",
        summary: "Take a person off a shortlist",
        description: "A former login finds the person too. 404 for an unknown list or a person not on it.",
        params: NONE,
        content_type: "application/json",
        fields: &[("ok", "boolean", "true"), ("person", "string", "The key removed.")],
    },
    Endpoint {
        path: "/api/shortlists/{name}/people/{person}/status",
        method: "post",
        summary: "Set where a person stands",
        description: "Body `{\"status\"}`: new, contacted, replied, interviewing, declined or hired.",
        params: NONE,
        content_type: "application/json",
        fields: &[("ok", "boolean", "true"), ("person", "string", "Their key."), ("status", "string", "The status set.")],
    },
    Endpoint {
        path: "/api/shortlists/{name}/people/{person}/note",
        method: "post",
        summary: "Replace a person's note",
        description: "Body `{\"note\"}`: at most 2,000 characters; an empty note clears it; e-mail addresses are removed before it is stored.",
        params: NONE,
        content_type: "application/json",
        fields: &[("ok", "boolean", "true"), ("person", "string", "Their key.")],
    },
    Endpoint {
        path: "/api/shortlists/{name}/export",
        method: "get",
        summary: "Export a shortlist",
        description: "As `builtby shortlist export --format …`. csv: shortlist, login, name, status, note, profile_url, location, company, in_ats, added_at, updated_at, first_line, link, source. json: the list with each person's first line and the evidence it cites. greenhouse: Greenhouse's bulk-import columns First Name, Last Name, Company, Address, Social Media (the GitHub URL), Source (builtby), Tags, Notes (the note and the first line with its link). lever: Lever's import columns Full name, Location, Links, Tags, Sources (builtby), Origin (Sourced), Stage (New Lead), Note. No export has an e-mail column: builtby never finds or stores one.",
        params: &["format"],
        content_type: "text/csv",
        fields: &[],
    },
    Endpoint {
        path: "/api/outreach/{person}",
        method: "get",
        summary: "Draft a first line that cites the person's work",
        description: "As `builtby outreach PERSON --json`: the first line cites the person's most specific, recent work in the search's scope, with its link — a merged PR, else a substantive review (a few words quoted), a model (its downloads), a paper, a Kaggle result, a commit — naming the project and area as people do (\"PyTorch's distributed training\"); the draft (the shipped template) leads with `problem`, then the cited work, then an ask. With `shortlist`, the scope is the search the person was added to that list from. builtby never finds or stores an e-mail address and never sends anything. 404 for an unknown person or one with no work in scope; 400 for an account that is not a person.",
        params: &["*", "problem", "shortlist"],
        content_type: "application/json",
        fields: &[
            ("first_line", "object", "{login, display, name, variant (merged_pr, review, model, paper, kaggle, commit, other), line, cite, link, place, why, considered, evidence}."),
            ("problem", "string", "The problem as given, or null."),
            ("template", "string", "`shipped`."),
            ("text", "string", "The draft."),
            ("note", "string", "That nothing is sent."),
        ],
    },
    Endpoint {
        path: "/api/ats",
        method: "get",
        summary: "The people already in your ATS",
        description: "As `builtby ats list --json`: each GitHub login imported from an ATS export, with the file and line it came from (nothing else from the file is kept).",
        params: NONE,
        content_type: "application/json",
        fields: &[],
    },
    Endpoint {
        path: "/api/ats/import",
        method: "post",
        summary: "Import the people already in your ATS",
        description: "The body is the ATS's CSV export (UTF-8, a header line first; at most 2 MB). Each row is matched by a GitHub login column (GitHub, GitHub username, login…) or a github.com profile link in any column; only the login and `file:line` are stored. `replace=true`: the file is the whole pipeline (logins imported before are removed). Searches then mark these people (`in_ats`) or leave them out (`not_in_ats=true`).",
        params: &["replace", "file"],
        content_type: "application/json",
        fields: &[
            ("rows", "integer", "Candidate rows read."),
            ("stored", "integer", "GitHub accounts stored."),
            ("removed", "integer", "Removed first (replace)."),
            ("matched", "array", "{line, login} of rows naming someone loaded."),
            ("not_loaded", "array", "{line, login} of rows naming an account nobody loaded has (stored all the same)."),
            ("no_github", "array", "Lines of rows with no GitHub URL or login: they matched nothing."),
        ],
    },
];

/// Descriptions of the parameters the workflow's endpoints take beyond the search's.
pub const PARAMS: &[(&str, &str)] = &[
    ("format", "csv (default), json, greenhouse or lever."),
    ("problem", "The company's problem, in a sentence or two (at most 1,000 characters): the draft leads with it."),
    ("shortlist", "Cite work in the scope of the search the person was added to this list from (or the list's); not with search parameters."),
    ("replace", "`true`: the file is the whole pipeline; logins imported before are removed."),
    ("file", "The file's name, kept with each login as `file:line`."),
    ("name", "The shortlist's name (any case)."),
    ("person", "A GitHub login (a former one works too) or an account key (`git:<key>`, `hf:<name>`…)."),
];

/// Request bodies and the answers only the workflow gives, added to its operations.
pub fn document_operation(path: &str, method: &str, op: &mut Value) {
    if !ENDPOINTS
        .iter()
        .any(|e| e.path == path && e.method == method)
    {
        return;
    }
    let err = |d: &str| j!({"description": d, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}});
    let has_params = op["parameters"].as_array().is_some_and(|a| !a.is_empty());
    let schema = match (path, method) {
        ("/api/shortlists", "post") => Some(
            j!({"type": "object", "required": ["name"], "properties": {"name": {"type": "string", "maxLength": 100}, "search": {"type": "string", "description": "A query string of search parameters."}}}),
        ),
        ("/api/shortlists/{name}/people", "post") => Some(
            j!({"type": "object", "required": ["people"], "properties": {"people": {"type": "array", "items": {"type": "string"}, "maxItems": 500}, "note": {"type": "string", "maxLength": 2000}, "search": {"type": "string"}}}),
        ),
        ("/api/shortlists/{name}/people/{person}/status", "post") => Some(
            j!({"type": "object", "required": ["status"], "properties": {"status": {"type": "string", "enum": Status::ALL.map(Status::as_str)}}}),
        ),
        ("/api/shortlists/{name}/people/{person}/note", "post") => Some(
            j!({"type": "object", "required": ["note"], "properties": {"note": {"type": "string", "maxLength": 2000}}}),
        ),
        _ => None,
    };
    if let Some(s) = schema {
        op["requestBody"] = j!({"required": true, "content": {"application/json": {"schema": s}}});
    }
    if path == "/api/ats/import" {
        op["requestBody"] =
            j!({"required": true, "content": {"text/csv": {"schema": {"type": "string"}}}});
    }
    let Some(responses) = op["responses"].as_object_mut() else {
        return;
    };
    if path.contains("{name}") || path.contains("{person}") {
        responses.insert("404".into(), err("An unknown shortlist, or a person not on it (outreach: an unknown person, or one with no work in scope)."));
    }
    if method != "get" || has_params {
        responses.insert(
            "400".into(),
            err("A parameter or the body is malformed; `param` names what is wrong."),
        );
    }
    if method == "post" && path == "/api/shortlists" {
        if let Some(ok) = responses.remove("200") {
            responses.insert("201".into(), ok);
        }
        responses.insert(
            "409".into(),
            err("A shortlist by that name exists already."),
        );
    }
    if path == "/api/ats/import" {
        responses.insert("413".into(), err("The file is over 2 MB."));
    }
    if path.ends_with("/export") {
        responses["200"]["content"]["application/json"] = j!({"schema": {"type": "object"}});
    }
}
