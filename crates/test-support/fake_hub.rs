//! A fake Hugging Face Hub for tests, on the loopback server of `fake_github.rs` (include it
//! as `mod fake_github`, `shared_data.rs` as `mod shared_data`, and this file as `mod fake_hub`).
//!
//! It answers what `ingest huggingface` asks, in the shapes of the real Hub: user overviews
//! (`{user, fullname, type: "user", orgs: [{name}]…}`; 404 for an organisation), organisation
//! overviews, model lists in the 2025 `/api/models` shape (the shared
//! `api_models_list_sample_2025-11.json`: `_id, id, author, likes, trendingScore, private,
//! downloads, tags, pipeline_tag, library_name, createdAt, modelId`, plus the expanded
//! `downloadsAllTime, lastModified, cardData`) paged by absolute `Link: <…&cursor=N>;
//! rel="next"` URLs, and cards at `/{id}/resolve/main/README.md`. Every answer has an `ETag`
//! (a 304 when `If-None-Match` matches) and a `RateLimit` header for its bucket. Faults: a path
//! answered 429 (with `RateLimit: …;r=0;t=<reset>`) the first time, and connections closed
//! after a number of requests until the hub is healed.
#![allow(dead_code)]

use crate::fake_github::{close, serve, Fake, Reply};
use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::Duration;

#[derive(Clone)]
pub struct HubModel {
    pub name: String,
    pub downloads: i64,
    pub likes: i64,
    /// The README; `None`: the model has no card (404).
    pub card: Option<String>,
}

#[derive(Clone)]
pub struct Account {
    pub name: String,
    pub org: bool,
    pub fullname: String,
    /// A user's organisations.
    pub orgs: Vec<String>,
    pub models: Vec<HubModel>,
}

#[derive(Clone)]
pub struct Hub {
    pub accounts: Vec<Account>,
    pub page_size: usize,
    /// Paths (as requested) answered 429 the first time.
    pub limited_once: Vec<String>,
    /// Seconds to the window's reset in a 429's `RateLimit`.
    pub reset_secs: u64,
    /// After this many requests, every connection is closed without an answer (until healed).
    pub die_after: Option<usize>,
}

pub struct FakeHub {
    pub fake: Fake,
    /// Set: the hub answers again after `die_after`.
    pub healed: Arc<AtomicBool>,
    pub requests: Arc<AtomicUsize>,
}

impl FakeHub {
    pub fn url(&self) -> &str {
        &self.fake.url
    }
    pub fn heal(&self) {
        self.healed.store(true, Ordering::SeqCst);
    }
}

/// A card in the shape of a real one: front matter, sections, a usage example.
pub fn card(id: &str, extra: &str) -> String {
    format!(
        "---\nlicense: mit\ndatasets:\n- imdb\n---\n\n# {id}\n\n## Model description\n\nA sentiment classifier fine-tuned from bert-base-uncased on movie reviews.\n\n## Training procedure\n\nThree epochs, learning rate 2e-5, batch size 32.\n\n## How to use\n\n```python\nfrom transformers import pipeline\nclf = pipeline(\"text-classification\", model=\"{id}\")\n```\n\n{extra}\n"
    )
}

/// A model record in the 2025 `/api/models` shape, with the expanded fields.
pub fn model_json(author: &str, m: &HubModel, i: usize) -> String {
    let id = format!("{author}/{}", m.name);
    let day = 1 + (i % 28);
    format!(
        r#"{{"_id":"68f8dfe68cb208be9702{i:04x}","id":"{id}","author":"{author}","likes":{},"trendingScore":3,"private":false,"downloads":{},"downloadsAllTime":{},"tags":["transformers","safetensors","bert","text-classification","license:mit","region:us"],"pipeline_tag":"text-classification","library_name":"transformers","createdAt":"2024-03-{day:02}T08:25:31.000Z","lastModified":"2025-01-{day:02}T10:00:00.000Z","cardData":{{"license":"mit","library_name":"transformers"}},"modelId":"{id}"}}"#,
        m.likes,
        m.downloads,
        m.downloads * 10
    )
}

/// `/api/models?author=NAME&expand[]=…` and its later pages (`&cursor=N`).
pub fn list_path(author: &str, cursor: Option<usize>) -> String {
    let mut p = format!("/api/models?author={author}");
    for e in [
        "downloads",
        "downloadsAllTime",
        "likes",
        "createdAt",
        "lastModified",
        "library_name",
        "pipeline_tag",
        "tags",
        "cardData",
    ] {
        p.push_str("&expand[]=");
        p.push_str(e);
    }
    if let Some(c) = cursor {
        p.push_str(&format!("&cursor={c}"));
    }
    p
}

fn etag(body: &str) -> String {
    let mut h = DefaultHasher::new();
    body.hash(&mut h);
    format!("\"{:016x}\"", h.finish())
}

fn answer(body: String, inm: Option<&str>, bucket: &str, link: Option<String>) -> Reply {
    let tag = etag(&body);
    let mut headers = vec![
        ("ETag".to_string(), tag.clone()),
        ("RateLimit".to_string(), format!("\"{bucket}\";r=400;t=200")),
        (
            "RateLimit-Policy".to_string(),
            format!("\"fixed window\";\"{bucket}\";q=500;w=300"),
        ),
    ];
    if let Some(l) = link {
        headers.push(("Link".to_string(), l));
    }
    if inm == Some(tag.as_str()) {
        return Reply {
            status: 304,
            headers,
            body: String::new(),
            delay: Duration::ZERO,
        };
    }
    Reply {
        status: 200,
        headers,
        body,
        delay: Duration::ZERO,
    }
}

fn not_found() -> Reply {
    Reply {
        status: 404,
        headers: vec![("RateLimit".into(), "\"api\";r=400;t=200".into())],
        body: "{\"error\":\"Repository not found\"}".into(),
        delay: Duration::ZERO,
    }
}

pub fn serve_hub(hub: Hub) -> FakeHub {
    let base: Arc<OnceLock<String>> = Arc::default();
    let healed = Arc::new(AtomicBool::new(false));
    let requests = Arc::new(AtomicUsize::new(0));
    let (b, h2, r2) = (base.clone(), healed.clone(), requests.clone());
    let fake = serve(Arc::new(move |path: &str, n: usize, inm: Option<&str>| {
        let total = r2.fetch_add(1, Ordering::SeqCst) + 1;
        if hub.die_after.is_some_and(|d| total > d) && !h2.load(Ordering::SeqCst) {
            return close();
        }
        let bucket = if path.contains("/resolve/") {
            "resolvers"
        } else {
            "api"
        };
        if n == 1 && hub.limited_once.iter().any(|p| p == path) {
            return Reply {
                status: 429,
                headers: vec![(
                    "RateLimit".into(),
                    format!("\"{bucket}\";r=0;t={}", hub.reset_secs),
                )],
                body: "{\"error\":\"Too Many Requests\"}".into(),
                delay: Duration::ZERO,
            };
        }
        let account = |name: &str| hub.accounts.iter().find(|a| a.name == name);
        if let Some(rest) = path.strip_prefix("/api/users/") {
            let name = rest.trim_end_matches("/overview");
            return match account(name) {
                Some(a) if !a.org => {
                    let orgs: Vec<String> = a
                        .orgs
                        .iter()
                        .map(|o| format!(r#"{{"name":"{o}","fullname":"{o}","type":"org"}}"#))
                        .collect();
                    answer(
                        format!(
                            r#"{{"_id":"5dd96eb166059660ed1ee413","avatarUrl":"/avatars/x.svg","isPro":false,"fullname":"{}","user":"{}","type":"user","numModels":{},"orgs":[{}]}}"#,
                            a.fullname,
                            a.name,
                            a.models.len(),
                            orgs.join(",")
                        ),
                        inm,
                        "api",
                        None,
                    )
                }
                _ => not_found(),
            };
        }
        if let Some(rest) = path.strip_prefix("/api/organizations/") {
            let name = rest.trim_end_matches("/overview");
            return match account(name) {
                Some(a) if a.org => answer(
                    format!(
                        r#"{{"name":"{}","fullname":"{}","type":"org","numModels":{}}}"#,
                        a.name,
                        a.fullname,
                        a.models.len()
                    ),
                    inm,
                    "api",
                    None,
                ),
                _ => not_found(),
            };
        }
        if let Some(q) = path.strip_prefix("/api/models?author=") {
            let name = q.split('&').next().unwrap_or("");
            let cursor = q
                .split('&')
                .find_map(|kv| kv.strip_prefix("cursor="))
                .and_then(|c| c.parse::<usize>().ok())
                .unwrap_or(0);
            let Some(a) = account(name) else {
                return answer("[]".into(), inm, "api", None);
            };
            let start = cursor * hub.page_size;
            let items: Vec<String> = a
                .models
                .iter()
                .enumerate()
                .skip(start)
                .take(hub.page_size)
                .map(|(i, m)| model_json(&a.name, m, i))
                .collect();
            let link = (start + hub.page_size < a.models.len()).then(|| {
                format!(
                    "<{}{}>; rel=\"next\"",
                    b.get().expect("base set"),
                    list_path(&a.name, Some(cursor + 1))
                )
            });
            return answer(format!("[{}]", items.join(",")), inm, "api", link);
        }
        if let Some(rest) = path.strip_suffix("/resolve/main/README.md") {
            let mut parts = rest.trim_start_matches('/').splitn(2, '/');
            let (Some(author), Some(name)) = (parts.next(), parts.next()) else {
                return not_found();
            };
            return match account(author)
                .and_then(|a| a.models.iter().find(|m| m.name == name))
                .and_then(|m| m.card.clone())
            {
                Some(c) => answer(c, inm, "resolvers", None),
                None => not_found(),
            };
        }
        not_found()
    }));
    base.set(fake.url.clone()).expect("set once");
    FakeHub {
        fake,
        healed,
        requests,
    }
}

/// A user with `n` models (cards on all but every fifth; the first links `github.com/<gh>`),
/// in an organisation; that organisation with two models; huggingtweets with two.
pub fn standard(user: &str, n: usize, gh: &str, org: &str) -> Vec<Account> {
    let models = (0..n)
        .map(|i| {
            let name = format!("bert-sentiment-{i:02}");
            let id = format!("{user}/{name}");
            HubModel {
                card: (i % 5 != 4).then(|| {
                    card(
                        &id,
                        &if i == 0 {
                            format!("Made by [me](https://github.com/{gh}).")
                        } else {
                            String::new()
                        },
                    )
                }),
                name,
                downloads: 1000 - i as i64,
                likes: (i % 3) as i64,
            }
        })
        .collect();
    let two = |author: &str| {
        (0..2)
            .map(|i| HubModel {
                name: format!("model-{i}"),
                downloads: 5,
                likes: 0,
                card: Some(card(&format!("{author}/model-{i}"), "")),
            })
            .collect::<Vec<_>>()
    };
    vec![
        Account {
            name: user.into(),
            org: false,
            fullname: "Ana Lopez".into(),
            orgs: vec![org.into()],
            models,
        },
        Account {
            name: org.into(),
            org: true,
            fullname: "Acme AI".into(),
            orgs: Vec::new(),
            models: two(org),
        },
        Account {
            name: "huggingtweets".into(),
            org: true,
            fullname: "HuggingTweets".into(),
            orgs: Vec::new(),
            models: two("huggingtweets"),
        },
    ]
}
