//! The OpenAPI 3.1 document served at `/api/openapi.json`, generated from code.
//!
//! Why not utoipa: its derive would have to sit on the result types, which live in
//! `builtby-search` and `builtby-store` (`SearchResults`, `PersonReport`, `StoreStats`…), and
//! pull a proc-macro dependency into crates that have nothing to do with HTTP. Instead the
//! document is built here from [`ENDPOINTS`] and from the same parameter list the parser uses
//! (`builtby_search::query::SEARCH_PARAMS`, [`crate::api::PERSON_PARAMS`]), so a parameter
//! cannot be accepted without being documented; a test checks that every documented path is
//! routed. Response bodies are described by their top-level fields, enough for a client to
//! find its way; the exact shape is the CLI's `--json` output.

use builtby_search::query::SEARCH_PARAMS;
use serde_json::{json, Value};

pub struct Endpoint {
    pub path: &'static str,
    /// `get`, or `post` for a decision (a JSON body).
    pub method: &'static str,
    pub summary: &'static str,
    pub description: &'static str,
    /// Names from `SEARCH_PARAMS` this endpoint accepts.
    pub params: &'static [&'static str],
    pub content_type: &'static str,
    /// Top-level fields of the answer and what they hold.
    pub fields: &'static [(&'static str, &'static str, &'static str)],
}

/// Stands for every name in `SEARCH_PARAMS`, so a new search parameter is documented the
/// moment the parser accepts it.
const ALL_SEARCH: &[&str] = &["*"];

fn param_names(e: &Endpoint) -> Vec<&'static str> {
    e.params
        .iter()
        .flat_map(|p| match *p {
            "*" => SEARCH_PARAMS.iter().map(|p| p.0).collect(),
            p => vec![p],
        })
        .collect()
}

pub const ENDPOINTS: &[Endpoint] = &[
    Endpoint {
        path: "/api/search",
        method: "get",
        summary: "Rank people by the work they did",
        description: "The same filters and the same result as `builtby search --json`: people ranked by explainable rules, each with the counts the rules used and links to the strongest evidence.",
        params: ALL_SEARCH,
        content_type: "application/json",
        fields: &[
            ("query", "object", "The query as understood, with defaults filled in."),
            ("repos_matched", "array", "Repositories the repo/ecosystem filters matched."),
            ("total", "integer", "People who matched, before paging."),
            ("results", "array", "Ranked people: rank, login, name, location, company, profile_url, score, standing (where the score stands among everyone who matched, before paging: see the Standing schema), counts, roles (best first: {role, confidence 0 to 1, reasons}), details (per rule: rule, score and the counts used; the rule's words are in `rules`), evidence (links)."),
            ("rules", "array", "Each rule once, in the order its score is summed: {rule, label (a short line), about (the rule in full, with every number)}."),
        ],
    },
    Endpoint {
        path: "/api/ask",
        method: "get",
        summary: "Search in plain words",
        description: "The sentence `q` (at most 500 characters) read into search filters, as `builtby ask --json`: each understood filter with the words it came from (`ask.chips`), the words not understood (`ask.unknown`), the search parameters (`ask.params`, what /api/search takes) and the equivalent command line; then, unless `run=false`, the search itself: the same results as /api/search with `ask.params`. A sentence too long, without words, with no filter understood, or read into a refused search is a 400 naming `q` (or the search parameter).",
        params: &["q", "run", "limit", "offset", "as_of"],
        content_type: "application/json",
        fields: &[
            ("ask", "object", "The sentence as read: sentence, chips ({param, value, words, start, end (byte offsets), how, alternatives, from, used, unused}), unknown ({words, start, end, why}), params ([name, value] pairs), command."),
            ("results", "object", "As /api/search answers (absent with run=false)."),
            ("query", "object", "With run=false: the query the search would run."),
        ],
    },
    Endpoint {
        path: "/api/search.csv",
        method: "get",
        summary: "Search results as CSV",
        description: "One row per person: rank, login, name, location, company, score, standing (in words), top_percent, merged_prs, reviews, profile_url, top_evidence, likely_login, role, role_confidence.",
        params: ALL_SEARCH,
        content_type: "text/csv",
        fields: &[],
    },
    Endpoint {
        path: "/api/people/{login}",
        method: "get",
        summary: "One person's record",
        description: "As `builtby person --json`: totals by repository and kind, a month-by-month timeline, the rules' scores, and evidence (paged with limit/offset). 404 when nobody by that login (current or former) is loaded.",
        params: crate::api::PERSON_PARAMS,
        content_type: "application/json",
        fields: &[
            ("login", "string", "Current login."),
            ("previous_logins", "array", "Other logins seen for this person."),
            ("name", "string", "Public profile name, when known."),
            ("location", "string", "Public profile location, when known."),
            ("score", "number", "Sum of the rules' scores over the whole record."),
            ("details", "array", "Per rule: rule, score and the counts used."),
            ("rules", "array", "Each rule once: {rule, label (short), about (in full, with every number)}."),
            ("totals", "array", "{repo, kind, count}, largest first."),
            ("timeline", "array", "{month: YYYY-MM, total, by_kind}."),
            ("evidence", "array", "{kind, repo, url, at, title, ...}, strongest first."),
            ("evidence_total", "integer", "All evidence lines, for paging."),
        ],
    },
    Endpoint {
        path: "/api/catalog",
        method: "get",
        summary: "Ecosystems and their repositories",
        description: "The catalog the ecosystem filter uses, for pickers.",
        params: &[],
        content_type: "application/json",
        fields: &[("ecosystems", "array", "{id, name, description, topics, repos: [{name, scrutiny, old_names}]}.")],
    },
    Endpoint {
        path: "/api/stats",
        method: "get",
        summary: "What is loaded",
        description: "Counts (files, events, contributions, people, repositories), the date range, and the ingest log.",
        params: &[],
        content_type: "application/json",
        fields: &[
            ("stats", "object", "files, events, contributions, people, repos, pointers, first_at, last_at (Unix seconds), contributions_by_kind."),
            ("files", "array", "One row per loaded input file."),
        ],
    },
    Endpoint {
        path: "/api/identity/{key}",
        method: "get",
        summary: "A person's accounts and links",
        description: "As `builtby identity show --json`: the person (their GitHub login, else `git:<key>`), and each account (GitHub login or git identity) with its links: method, evidence, confidence, state (proven, auto, suggested, confirmed, rejected), when and by whom. A linked account's key finds its person. 404 when no such account is loaded.",
        params: &[],
        content_type: "application/json",
        fields: &[
            ("person", "string", "The person's key."),
            ("name", "string", "A name, when one of the accounts has one."),
            ("locked", "boolean", "Locked people are never changed automatically."),
            ("accounts", "array", "{key, name, github_id, not_person, contributions, links}."),
        ],
    },
    Endpoint {
        path: "/api/identity-suggestions",
        method: "get",
        summary: "Pending identity suggestions",
        description: "As `builtby identity suggest --json`: unconfirmed links from git identities to GitHub logins, best first (optionally for accounts with work in `repo`). A name alone is only ever a suggestion.",
        params: &["repo", "limit"],
        content_type: "application/json",
        fields: &[],
    },
    Endpoint {
        path: "/api/identity-log",
        method: "get",
        summary: "The identity audit log",
        description: "As `builtby identity log --json`: every identity change, newest first: at, by, action, account, before, after, why.",
        params: &["limit"],
        content_type: "application/json",
        fields: &[],
    },
    Endpoint {
        path: "/api/identity/decide/{verb}",
        method: "post",
        summary: "Decide about an identity",
        description: "verb is link, unlink, split, lock, unlock or reject; the body is JSON {\"account\", \"person\", \"why\"} (link and reject need account and person; unlink needs account; split, lock and unlock need person). Needs a token, even on loopback: who decides is the token's name (a `by` field is ignored). Decisions always win over builtby's and survive re-ingesting everything; each is logged in the identity log and the audit log. 404 for an unknown account (or one that opted out), 409 for a decision that would change nothing.",
        params: &[],
        content_type: "application/json",
        fields: &[("ok", "boolean", "true"), ("verb", "string", "The verb done.")],
    },
    Endpoint {
        path: "/api/optouts",
        method: "get",
        summary: "The suppression list",
        description: "How many people opted out, and one keyed hash per opt-out (HMAC-SHA256 with the store's own key): never a login. People who opted out appear in no search, person page, export or other answer, and their records are not stored again.",
        params: &[],
        content_type: "application/json",
        fields: &[
            ("count", "integer", "Opt-outs on the list."),
            ("optouts", "array", "{hash, at, by, erased_at, linked}: linked counts the other identifiers suppressed with it (linked accounts, former logins, the GitHub id)."),
        ],
    },
    Endpoint {
        path: "/api/optout",
        method: "post",
        summary: "Opt someone out",
        description: "The body is JSON {\"account\", \"reason\"}: account is a GitHub login (or its profile URL), hf:NAME or kaggle:NAME; reason is optional text (at most 500 characters, no login or e-mail address please). The account and the accounts linked to its person are put on the suppression list (as keyed hashes) and hidden everywhere at once; their records are not stored again, whatever is re-ingested. Needs a token, even on loopback; logged in the audit log as `optout.add` with the token's name. Opting out again changes nothing (`already`).",
        params: &[],
        content_type: "application/json",
        fields: &[
            ("ok", "boolean", "true"),
            ("hash", "string", "The account's keyed hash: its entry on the list, and its reference in the audit log."),
            ("already", "boolean", "It was on the list already."),
            ("people", "integer", "People hidden (0 when none of their work is stored yet)."),
            ("accounts", "integer", "Account rows hidden with them."),
        ],
    },
    Endpoint {
        path: "/api/erase/{person}",
        method: "post",
        summary: "Erase a person",
        description: "Deletes what the store holds about the person (their profile fields, logins, places and every contribution credited to them, with the accounts linked to them) and opts them out, so a re-ingest never brings them back; only the keyed hash stays. No body. Needs a token, even on loopback; logged in the audit log as `erase`. A person the store does not have is opted out all the same (`people` 0).",
        params: &[],
        content_type: "application/json",
        fields: &[
            ("ok", "boolean", "true"),
            ("hash", "string", "The keyed hash that stays on the suppression list."),
            ("people", "integer", "People erased."),
            ("accounts", "integer", "Account rows deleted."),
            ("contributions", "integer", "Contributions deleted."),
        ],
    },
    Endpoint {
        path: "/api/audit",
        method: "get",
        summary: "The audit log",
        description: "Append-only: every search, person view, export, opt-out, erasure and identity change, with who (the token's name, `loopback` for a request without one, or the OS user of a CLI command), when, what (query parameters, the person by keyed hash, the format: never a login, an e-mail address or a token) and how many people it showed. Oldest first; the newest `limit` entries.",
        params: &["since", "action", "actor", "person", "limit"],
        content_type: "application/json",
        fields: &[
            ("count", "integer", "Entries returned."),
            ("entries", "array", "{id, at, actor, action, what, people}."),
        ],
    },
    Endpoint {
        path: "/api/openapi.json",
        method: "get",
        summary: "This document",
        description: "",
        params: &[],
        content_type: "application/json",
        fields: &[],
    },
];

/// Parameters of `/api/audit` (not search parameters).
const AUDIT_PARAMS: &[(&str, &str)] = &[
    ("since", "Entries from this date (2026-01-31) or this long ago (30d, 12m)."),
    ("action", "One action (search, person, export, optout.add, optout.remove, erase, identity.link…) or a family (`identity`, `optout`)."),
    ("actor", "One actor: a token's name, `loopback`, or an OS user."),
    ("person", "Entries about this account (a GitHub login, hf:NAME, kaggle:NAME): matched by its keyed hash."),
    ("limit", "At most this many entries, the newest: 1 to 10000 (default 200)."),
];

fn param(name: &str, in_path: bool, endpoint: &str) -> Value {
    if in_path {
        let description = match name {
            "key" => "A GitHub login or a git identity (`git:<key>`).",
            "verb" => "link, unlink, split, lock, unlock or reject.",
            "name" => "A shortlist's or a saved search's name (any case).",
            "person" => "A GitHub login (current or former), hf:NAME, kaggle:NAME or git:<key>.",
            _ => "GitHub login (a former login works too).",
        };
        return json!({"name": name, "in": "path", "required": true, "schema": {"type": "string"}, "description": description});
    }
    if endpoint == "/api/ask" && (name == "q" || name == "run") {
        let (description, schema) = if name == "q" {
            ("What you look for, in words, e.g. `people who reviewed PRs in huggingface repos since 2024 in germany` (at most 500 characters).", json!({"type": "string", "maxLength": builtby_search::ask::MAX_ASK_CHARS}))
        } else {
            (
                "`false` to read the sentence only, without running the search (default true).",
                json!({"type": "boolean"}),
            )
        };
        return json!({"name": name, "in": "query", "required": name == "q", "schema": schema, "description": description});
    }
    if endpoint == "/api/audit" {
        let description = AUDIT_PARAMS
            .iter()
            .find(|p| p.0 == name)
            .map_or("", |p| p.1);
        let schema = if name == "limit" {
            json!({"type": "integer", "minimum": 1, "maximum": builtby_store::audit::MAX_AUDIT_LIMIT})
        } else {
            json!({"type": "string"})
        };
        return json!({"name": name, "in": "query", "required": false, "schema": schema, "description": description});
    }
    let (_, repeatable, description) = SEARCH_PARAMS
        .iter()
        .find(|p| p.0 == name)
        .copied()
        .or_else(|| {
            crate::workflow::PARAMS
                .iter()
                .find(|p| p.0 == name)
                .map(|p| (p.0, false, p.1))
        })
        .unwrap_or((name, false, ""));
    let schema = match name {
        "limit" => {
            json!({"type": "integer", "minimum": 1, "maximum": builtby_search::query::MAX_LIMIT})
        }
        "offset" => json!({"type": "integer", "minimum": 0}),
        "include_bots" => json!({"type": "boolean"}),
        "half_life" => json!({"type": "number", "exclusiveMinimum": 0}),
        "kind" => json!({"type": "string", "enum": builtby_model::Kind::ALL.map(|k| k.as_str())}),
        "role" => {
            json!({"type": "string", "enum": builtby_search::Role::ALL.map(|r| r.as_str())})
        }
        _ => json!({"type": "string"}),
    };
    let schema = if repeatable {
        json!({"type": "array", "items": schema})
    } else {
        schema
    };
    let mut p = json!({"name": name, "in": "query", "required": false, "schema": schema, "description": description});
    if repeatable {
        p["style"] = json!("form");
        p["explode"] = json!(true);
    }
    p
}

fn error_response(description: &str) -> Value {
    json!({"description": description, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}})
}

/// The document.
pub fn document() -> Value {
    let mut paths = serde_json::Map::new();
    let all: Vec<&Endpoint> = ENDPOINTS
        .iter()
        .chain(crate::workflow::ENDPOINTS)
        .chain(crate::watch::ENDPOINTS)
        .collect();
    for e in all.iter().copied() {
        let mut params: Vec<Value> = Vec::new();
        for name in ["login", "key", "verb", "name", "person"] {
            if e.path.contains(&format!("{{{name}}}")) {
                params.push(param(name, true, e.path));
            }
        }
        params.extend(param_names(e).into_iter().map(|p| param(p, false, e.path)));
        let schema = if e.content_type == "text/csv" {
            json!({"type": "string"})
        } else {
            let props: serde_json::Map<String, Value> = e
                .fields
                .iter()
                .map(|(n, t, d)| (n.to_string(), json!({"type": t, "description": d})))
                .collect();
            json!({"type": "object", "properties": props})
        };
        let mut responses = json!({
            "200": {"description": "OK", "content": {e.content_type: {"schema": schema}}},
            "401": error_response("A token is configured and the request did not carry it."),
            "408": error_response("The request took longer than the server allows; its query was stopped."),
            "414": error_response("The URI is over 64 KB."),
            "500": error_response("Internal error (logged; no detail given)."),
            "503": error_response("Too many open connections; try again (see Retry-After)."),
        });
        if !e.params.is_empty() {
            responses["400"] =
                error_response("A parameter is unknown or malformed; `param` names it.");
        }
        if e.path.contains("{login}") || e.path.contains("{key}") {
            responses["404"] = error_response("Nobody by that login is loaded.");
        }
        if e.method != "get" {
            responses["403"] = error_response(
                "The server was started without tokens: changes need a named token even on loopback (`builtby serve --token-file FILE`).",
            );
        }
        if e.method == "post" {
            responses["400"] = error_response(
                "The body is not the JSON object expected, or a value in it is malformed; `param` names what is wrong.",
            );
            if e.path.starts_with("/api/identity/") {
                responses["404"] = error_response("An unknown account, person or verb.");
                responses["409"] = error_response("The decision would change nothing.");
            }
        }
        let mut body = None;
        if let Some((extra, request)) = crate::watch::openapi_extras(e) {
            for (code, r) in extra.as_object().into_iter().flatten() {
                match (r.is_null(), responses.as_object_mut()) {
                    (true, Some(m)) => drop(m.remove(code)),
                    _ => responses[code] = r.clone(),
                }
            }
            body = request;
        }
        let id = e
            .path
            .trim_start_matches("/api/")
            .replace(['/', '.', '{', '}'], "_");
        let mut op = json!({
            "summary": e.summary,
            "description": e.description,
            // one path may have several methods: the id is unique with the method in it
            "operationId": if e.method == "get" || e.path.starts_with("/api/identity") { id } else { format!("{}_{id}", e.method) },
            "parameters": params,
            "responses": responses,
        });
        crate::workflow::document_operation(e.path, e.method, &mut op);
        if let Some(b) = body {
            op["requestBody"] = b;
        }
        let item = paths
            .entry(e.path.to_string())
            .or_insert_with(|| Value::Object(serde_json::Map::new()));
        item[e.method] = op;
    }
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "builtby",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "Find ML engineers by their public GitHub work. Every score is explained by the counts it used and every claim links to github.com. No e-mail address is ever returned. People who opted out are in no answer; every search, person view and export is in the audit log.",
        },
        "paths": paths,
        "components": {
            "schemas": {
                "Standing": {
                    "type": "object",
                    "description": "Where a result's score stands among everyone who matched the search, before paging (a score alone has no scale). People with the same score share a standing.",
                    "required": ["position", "of", "tied", "top_percent", "tier", "text"],
                    "properties": {
                        "position": {"type": "integer", "minimum": 1, "description": "1 + the people in this search with a higher score; tied people share it."},
                        "of": {"type": "integer", "minimum": 1, "description": "People in this search: the results' `total`."},
                        "tied": {"type": "integer", "minimum": 0, "description": "Others in this search with the same score."},
                        "top_percent": {"type": "number", "exclusiveMinimum": 0, "maximum": 100, "description": "position / of in percent, rounded up (to a tenth below 1%): the 2 of \"top 2%\"."},
                        "tier": {"type": "string", "enum": ["top_1", "top_5", "top_10", "top_25", "top_half", "lower_half", "only"], "description": "A band of top_percent; `only` when one person matched."},
                        "text": {"type": "string", "description": "In words, as the CLI and the page show it: \"top 2% of 505 people in this search\", \"bottom 10% of 505 people in this search\", \"#2 of 7 people in this search\" (fewer than 20 people), \"the only person in this search\"."},
                    },
                },
                "Error": {
                    "type": "object",
                    "required": ["error", "detail", "param"],
                    "properties": {
                        "error": {"type": "string", "description": "Stable code: bad_parameter, not_found, unauthorized, forbidden, method_not_allowed, timeout, conflict, payload_too_large, uri_too_long, headers_too_large, bad_request, unavailable, internal."},
                        "detail": {"type": "string", "description": "What went wrong, in words."},
                        "param": {"type": ["string", "null"], "description": "For bad_parameter: the parameter at fault; null otherwise."},
                    },
                },
            },
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer", "description": "Required on every request when the server was started with tokens (`--token-file`, one `name:token` a line; the name is who the audit log records), and on every POST even on loopback."}},
        },
        "security": [{}, {"bearer": []}],
    })
}
