//! Stored states as enums with explicit codes: a code no variant has is an error, never a
//! default.

/// Whether a contribution holds everything its source could say about it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
#[repr(u8)]
pub enum Hydration {
    /// All fields known.
    Complete = 0,
    /// The source had only a pointer (post-2025 trimmed payload); the API can complete it.
    Pending = 1,
    /// The API could not give it (404): kept, counted as it was.
    Unavailable = 2,
}

impl Hydration {
    pub fn code(self) -> i64 {
        self as u8 as i64
    }

    pub fn from_code(code: i64) -> Result<Hydration, BadCode> {
        [
            Hydration::Complete,
            Hydration::Pending,
            Hydration::Unavailable,
        ]
        .into_iter()
        .find(|h| h.code() == code)
        .ok_or(BadCode {
            what: "hydration",
            code,
        })
    }
}

/// Where a pointer (a trimmed record waiting for the API) stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PointerState {
    Pending,
    /// The API gave the work the pointer stood for.
    Hydrated,
    /// The PR is still open: nothing to credit yet.
    Open,
    /// The API answered 404.
    NotFound,
    /// The pointer had no PR number to ask about.
    NoNumber,
}

impl PointerState {
    pub const ALL: [PointerState; 5] = [
        PointerState::Pending,
        PointerState::Hydrated,
        PointerState::Open,
        PointerState::NotFound,
        PointerState::NoNumber,
    ];

    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            PointerState::Pending => "pending",
            PointerState::Hydrated => "hydrated",
            PointerState::Open => "open",
            PointerState::NotFound => "not_found",
            PointerState::NoNumber => "no_number",
        }
    }

    pub fn parse(s: &str) -> Result<PointerState, BadCode> {
        PointerState::ALL
            .into_iter()
            .find(|p| p.as_str() == s)
            .ok_or(BadCode {
                what: "pointer state",
                code: -1,
            })
    }
}

/// A stored code no variant has.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("corrupt store: {what} code {code} is unknown to this builtby")]
pub struct BadCode {
    pub what: &'static str,
    pub code: i64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes() {
        assert_eq!(Hydration::from_code(2), Ok(Hydration::Unavailable));
        assert!(Hydration::from_code(3).is_err());
        for p in PointerState::ALL {
            assert_eq!(PointerState::parse(p.as_str()), Ok(p));
        }
        assert!(PointerState::parse("weird").is_err());
    }
}
