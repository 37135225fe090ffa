//! One model record of the Hub, in either shape it comes in:
//!
//! - **2022**, `/api/models?full=true` (the shared dump's `infos.json`): `modelId`, `sha`,
//!   `lastModified`, `tags`, `pipeline_tag`, `siblings`, `config`, `private`, `likes`,
//!   `downloads` (30 days; absent on a few), `library_name` (often absent);
//! - **2025**, `/api/models?author=…&expand[]=…`: `id` (and `modelId`), `author`, `downloads`,
//!   `downloadsAllTime`, `likes`, `createdAt`, `lastModified`, `library_name`, `pipeline_tag`,
//!   `tags`, `cardData`, `private`, `gated`.
//!
//! Fields this crate does not use (`siblings`, `config`, `trendingScore`, `_id`, `safetensors`)
//! are ignored; a field it uses with the wrong type is an error naming the field.

use serde_json::Value;

/// A model as the Hub describes it, with what builtby reads of it.
#[derive(Debug, Clone, PartialEq)]
pub struct Model {
    /// `author/name`, as the Hub spells it.
    pub id: String,
    pub author: String,
    pub name: String,
    pub sha: Option<String>,
    /// Unix seconds.
    pub created_at: Option<i64>,
    pub last_modified: Option<i64>,
    pub tags: Vec<String>,
    pub pipeline_tag: Option<String>,
    pub library_name: Option<String>,
    /// Downloads over the last 30 days.
    pub downloads: Option<i64>,
    pub downloads_all_time: Option<i64>,
    pub likes: Option<i64>,
    pub private: bool,
    /// The card's metadata as the Hub parsed it (`cardData`, 2025 shape): `license`,
    /// `datasets`, `model-index`…
    pub card_data: Option<Value>,
}

impl Model {
    /// When the work counts: its creation, else its last change.
    pub fn at(&self) -> Option<i64> {
        self.created_at.or(self.last_modified)
    }

    pub fn url(&self) -> String {
        format!("https://huggingface.co/{}", self.id)
    }

    /// The model's place, the "repository" of its contribution: `huggingface.co/<author>/<name>`.
    pub fn place(&self) -> String {
        format!("huggingface.co/{}", self.id)
    }
}

/// Why a record could not be read. `field` names the field at fault.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum RecordError {
    #[error("not a JSON object")]
    NotAnObject,
    #[error("field `{field}`: missing")]
    Missing { field: &'static str },
    #[error("field `{field}`: {message}")]
    Bad {
        field: &'static str,
        message: String,
    },
    /// A model without a namespace (`gpt2`, `bert-base-uncased`): the Hub's canonical models,
    /// nobody's work in particular.
    #[error("field `{field}`: `{id}` has no author (a canonical model)")]
    NoAuthor { field: &'static str, id: String },
}

impl RecordError {
    /// The reason a report counts this under.
    pub fn reason(&self) -> &'static str {
        match self {
            RecordError::NotAnObject => "not an object",
            RecordError::Missing { .. } | RecordError::Bad { .. } => "bad field",
            RecordError::NoAuthor { .. } => "no author",
        }
    }
}

fn shown(v: &Value) -> String {
    let s = v.to_string();
    builtby_model::prefix(&s, 60).to_string()
}

fn opt_str(
    o: &serde_json::Map<String, Value>,
    field: &'static str,
) -> Result<Option<String>, RecordError> {
    match o.get(field) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) if s.trim().is_empty() => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.trim().to_string())),
        Some(v) => Err(RecordError::Bad {
            field,
            message: format!("expected a string, got {}", shown(v)),
        }),
    }
}

fn opt_count(
    o: &serde_json::Map<String, Value>,
    field: &'static str,
) -> Result<Option<i64>, RecordError> {
    match o.get(field) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Number(n)) => match n.as_i64() {
            Some(i) if i >= 0 => Ok(Some(i)),
            _ => Err(RecordError::Bad {
                field,
                message: format!("expected a count (an integer ≥ 0), got {n}"),
            }),
        },
        Some(v) => Err(RecordError::Bad {
            field,
            message: format!("expected a count (an integer ≥ 0), got {}", shown(v)),
        }),
    }
}

fn opt_time(
    o: &serde_json::Map<String, Value>,
    field: &'static str,
) -> Result<Option<i64>, RecordError> {
    match opt_str(o, field)? {
        None => Ok(None),
        Some(s) => builtby_model::time::parse_rfc3339(&s)
            .map(Some)
            .ok_or_else(|| RecordError::Bad {
                field,
                message: format!("not an RFC 3339 time: {s:?}"),
            }),
    }
}

/// A valid Hub name part: letters, digits, `-`, `_`, `.`; not empty, at most 96 characters.
fn valid_part(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 96
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        && s != "."
        && s != ".."
}

/// Reads one record (either shape).
pub fn parse(v: &Value) -> Result<Model, RecordError> {
    let o = v.as_object().ok_or(RecordError::NotAnObject)?;
    let (field, id) = match opt_str(o, "id")? {
        Some(id) => ("id", id),
        None => match opt_str(o, "modelId")? {
            Some(id) => ("modelId", id),
            None => return Err(RecordError::Missing { field: "id" }),
        },
    };
    let Some((author_part, name)) = id.split_once('/') else {
        if valid_part(&id) {
            return Err(RecordError::NoAuthor { field, id });
        }
        return Err(RecordError::Bad {
            field,
            message: format!("not a model id (author/name): {id:?}"),
        });
    };
    if !valid_part(author_part) || !valid_part(name) {
        return Err(RecordError::Bad {
            field,
            message: format!("not a model id (author/name): {id:?}"),
        });
    }
    let author = match opt_str(o, "author")? {
        Some(a) if !a.eq_ignore_ascii_case(author_part) => {
            return Err(RecordError::Bad {
                field: "author",
                message: format!("{a:?} is not the namespace of {id:?}"),
            })
        }
        Some(a) => a,
        None => author_part.to_string(),
    };
    let tags = match o.get("tags") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(a)) => a
            .iter()
            .map(|t| {
                t.as_str()
                    .map(str::to_string)
                    .ok_or_else(|| RecordError::Bad {
                        field: "tags",
                        message: format!("expected strings, got {}", shown(t)),
                    })
            })
            .collect::<Result<_, _>>()?,
        Some(v) => {
            return Err(RecordError::Bad {
                field: "tags",
                message: format!("expected a list, got {}", shown(v)),
            })
        }
    };
    let private = match o.get("private") {
        None | Some(Value::Null) => false,
        Some(Value::Bool(b)) => *b,
        Some(v) => {
            return Err(RecordError::Bad {
                field: "private",
                message: format!("expected true or false, got {}", shown(v)),
            })
        }
    };
    let card_data = match o.get("cardData") {
        None | Some(Value::Null) => None,
        Some(v @ Value::Object(_)) => Some(v.clone()),
        Some(v) => {
            return Err(RecordError::Bad {
                field: "cardData",
                message: format!("expected an object, got {}", shown(v)),
            })
        }
    };
    let model = Model {
        name: name.to_string(),
        author,
        sha: opt_str(o, "sha")?,
        created_at: opt_time(o, "createdAt")?,
        last_modified: opt_time(o, "lastModified")?,
        tags,
        pipeline_tag: opt_str(o, "pipeline_tag")?,
        library_name: opt_str(o, "library_name")?,
        downloads: opt_count(o, "downloads")?,
        downloads_all_time: opt_count(o, "downloadsAllTime")?,
        likes: opt_count(o, "likes")?,
        private,
        card_data,
        id,
    };
    if model.at().is_none() {
        return Err(RecordError::Missing {
            field: "createdAt or lastModified",
        });
    }
    Ok(model)
}
