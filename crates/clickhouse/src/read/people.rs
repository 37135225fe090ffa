//! People read from ClickHouse, shown only when the SQLite store, which has the last word on
//! suppression, still shows them.

use super::{from, ids, proto, Reader};
use crate::rowbinary::Reader as Rows;
use builtby_store::{PersonRow, Result};
use std::collections::HashMap;

impl Reader<'_> {
    /// [`builtby_store::Read::people`]: only the people the SQLite store still shows (not
    /// erased, not opted out), with a linked account's name when they have none and their
    /// previous logins, latest first.
    pub(super) fn people_rows(&self, ids_: &[i64]) -> Result<Vec<PersonRow>> {
        if ids_.is_empty() {
            return Ok(Vec::new());
        }
        let visible = self.local.visible_people(ids_)?;
        let list = ids(ids_);
        let sql = format!(
            "SELECT id, github_id, login, name, location, company, blog, is_bot_type, not_person, behaviour
             FROM {} AND id IN ({list}) AND optout IS NULL",
            from("people")
        );
        let b = self.select(&sql)?;
        let mut r = Rows::new(&b);
        let mut out = Vec::new();
        while !r.is_empty() {
            let p = PersonRow {
                id: r.i64().map_err(proto)?,
                github_id: r.opt_i64().map_err(proto)?,
                login: r.string().map_err(proto)?,
                name: r.opt_string().map_err(proto)?,
                location: r.opt_string().map_err(proto)?,
                company: r.opt_string().map_err(proto)?,
                blog: r.opt_string().map_err(proto)?,
                is_bot_type: r.i64().map_err(proto)? != 0,
                not_person: r.opt_string().map_err(proto)?,
                behaviour: r.opt_string().map_err(proto)?,
                previous_logins: Vec::new(),
            };
            if visible.contains(&p.id) {
                out.push(p);
            }
        }
        out.sort_unstable_by_key(|p| p.id);
        // a person with no name of their own shows a linked account's (the first by id)
        if out.iter().any(|p| p.name.is_none()) {
            let sql = format!(
                "SELECT assumeNotNull(member_of), assumeNotNull(argMin(name, id)) FROM {}
                   AND member_of IN ({list}) AND name IS NOT NULL GROUP BY member_of",
                from("people")
            );
            let b = self.select(&sql)?;
            let mut r = Rows::new(&b);
            let mut names: HashMap<i64, String> = HashMap::new();
            while !r.is_empty() {
                let m = r.i64().map_err(proto)?;
                names.insert(m, r.string().map_err(proto)?);
            }
            for p in &mut out {
                if p.name.is_none() {
                    p.name = names.remove(&p.id);
                }
            }
        }
        let sql = format!(
            "SELECT person_id, login, last_seen FROM {} AND person_id IN ({list})",
            from("logins")
        );
        let b = self.select(&sql)?;
        let mut r = Rows::new(&b);
        let mut others: HashMap<i64, Vec<(i64, String)>> = HashMap::new();
        while !r.is_empty() {
            let id = r.i64().map_err(proto)?;
            let login = r.string().map_err(proto)?;
            let seen = r.i64().map_err(proto)?;
            others.entry(id).or_default().push((seen, login));
        }
        for p in &mut out {
            if let Some(mut l) = others.remove(&p.id) {
                // the store's `ORDER BY last_seen DESC` over its (login NOCASE) key order
                l.sort_by(|a, b| {
                    b.0.cmp(&a.0)
                        .then_with(|| a.1.to_ascii_lowercase().cmp(&b.1.to_ascii_lowercase()))
                });
                p.previous_logins = l
                    .into_iter()
                    .map(|l| l.1)
                    .filter(|l| !l.eq_ignore_ascii_case(&p.login))
                    .collect();
            }
        }
        Ok(out)
    }
}
