//! One human, one row: git identities folded under the GitHub account they likely are.

use crate::query::Query;
use crate::run::SearchError;
use builtby_model::Identity;
use builtby_store::{PersonRow, Read};
use std::collections::HashMap;

/// One human, one row: the order rows are shown in, with git identities whose likely GitHub
/// login is a person also in this search folded under that person (at the better of the two
/// positions) instead of shown twice. Nothing is merged: scores stay apart and the store keeps
/// the suggestion for a person to confirm. Likely logins are looked up only for the rows
/// reached, so the cost follows the page, not the number of matches.
pub(crate) struct Fold {
    /// Indices into the scored list, in the order shown.
    pub order: Vec<usize>,
    /// Shown index → the identities folded into it, with why.
    pub also: HashMap<usize, Vec<(usize, String)>>,
    /// Person id → (likely login, why) for git identities whose account did not match.
    pub likely: HashMap<i64, (String, String)>,
    /// How many rows of the scored list the fold read.
    pub walked: usize,
}

pub(crate) fn fold_likely(
    store: &dyn Read,
    scored: &[(PersonRow, f64, i64)],
    by_login: &HashMap<String, usize>,
    q: &Query,
) -> Result<Fold, SearchError> {
    let want = q.offset as usize + q.limit as usize;
    let mut order = Vec::new();
    let mut placed = vec![false; scored.len()];
    let mut also: HashMap<usize, Vec<(usize, String)>> = HashMap::new();
    let mut likely = HashMap::new();
    let mut walked = 0;
    for i in 0..scored.len() {
        if order.len() >= want {
            break;
        }
        walked = i + 1;
        if placed[i] {
            continue;
        }
        let p = &scored[i].0;
        if !Identity::parse(&p.login).is_github() {
            if let Some((login, why)) = store.likely_logins(&[p.id])?.remove(&p.id) {
                if let Some(&j) = by_login.get(&login.to_lowercase()) {
                    also.entry(j).or_default().push((i, why));
                    placed[i] = true;
                    if !placed[j] {
                        placed[j] = true;
                        order.push(j);
                    }
                    continue;
                }
                likely.insert(p.id, (login, why));
            }
        }
        placed[i] = true;
        order.push(i);
    }
    Ok(Fold {
        order,
        also,
        likely,
        walked,
    })
}
