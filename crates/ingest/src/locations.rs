//! Profile locations, normalised off the writer's path.
//!
//! Parser threads [`note`](Locations::note) every profile location they meet. The first one
//! starts a background thread, which loads the gazetteer (once per process, and only when some
//! location needs it) and normalises each distinct text while the files are still loading:
//! neither the parsers nor the single writer wait for it. After the load,
//! [`normalise_stored`] writes the places in one batch, for every person whose stored location
//! this normaliser version has not seen. Texts met while parsing are ready by then; the others
//! (people loaded by an earlier run, a new normaliser version, more distinct texts than
//! [`MAX_READY`]) are normalised there, on the calling thread.

use crate::IngestError;
use builtby_locate::Location;
use builtby_store::{Place, Store};
use std::collections::HashMap;
use std::sync::mpsc::{channel, Sender};
use std::sync::{Mutex, OnceLock};
use std::thread::JoinHandle;

/// Distinct texts normalised ahead of the batch, at most: keeps memory flat however many
/// files one run loads (the batch normalises the rest).
pub const MAX_READY: usize = 100_000;

type Ready = HashMap<String, Place>;

/// Locations met while parsing, normalised on a background thread.
#[derive(Default)]
pub struct Locations {
    tx: OnceLock<Sender<String>>,
    worker: Mutex<Option<JoinHandle<Ready>>>,
}

impl Locations {
    pub fn new() -> Self {
        Self::default()
    }

    /// A profile location met while parsing. Cheap: a send on a channel; the first call starts
    /// the background normaliser.
    pub fn note(&self, text: &str) {
        let tx = self.tx.get_or_init(|| {
            let (tx, rx) = channel::<String>();
            let handle = std::thread::Builder::new()
                .name("locate".into())
                .spawn(move || {
                    let mut ready = Ready::new();
                    for text in rx {
                        if ready.len() < MAX_READY && !ready.contains_key(&text) {
                            let place = place(builtby_locate::gazetteer().locate(&text));
                            ready.insert(text, place);
                        }
                    }
                    ready
                })
                .expect("spawn the location normaliser thread");
            *self.worker.lock().unwrap_or_else(|e| e.into_inner()) = Some(handle);
            tx
        });
        let _ = tx.send(text.to_string());
    }

    /// Waits for the background normaliser (if one started) and takes what it made.
    fn finish(self) -> Ready {
        drop(self.tx);
        let worker = self.worker.into_inner().unwrap_or_else(|e| e.into_inner());
        worker.and_then(|h| h.join().ok()).unwrap_or_default()
    }
}

fn place(l: Location) -> Place {
    let also_metros = l
        .metros()
        .into_iter()
        .filter(|m| Some(*m) != l.metro.as_deref())
        .map(str::to_string)
        .collect();
    Place {
        also_metros,
        city: l.city,
        region: l.region,
        country: l.country,
        metro: l.metro,
        confidence: l.confidence as f64,
    }
}

/// Normalises every stored profile location not yet normalised by this normaliser version,
/// using what `noted` made while parsing, and stores the places in one transaction. The
/// gazetteer is loaded only if a location is left to normalise here. Returns how many people
/// got a place.
pub fn normalise_stored(store: &mut Store, noted: Locations) -> Result<usize, IngestError> {
    let mut ready = noted.finish();
    let todo = store.locations_to_normalise(builtby_locate::VERSION)?;
    if todo.is_empty() {
        return Ok(0);
    }
    let places: Vec<(i64, String, Place)> = todo
        .into_iter()
        .map(|(id, text)| {
            let p = match ready.get(&text) {
                Some(p) => p.clone(),
                None => {
                    let p = place(builtby_locate::gazetteer().locate(&text));
                    if ready.len() < MAX_READY {
                        ready.insert(text.clone(), p.clone());
                    }
                    p
                }
            };
            (id, text, p)
        })
        .collect();
    store.set_places(builtby_locate::VERSION, &places)?;
    Ok(places.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nothing_noted_starts_nothing() {
        let l = Locations::new();
        assert!(l.tx.get().is_none());
        assert!(l.finish().is_empty());
    }

    #[test]
    fn noted_texts_are_normalised_once_each_like_locate() {
        let l = Locations::new();
        std::thread::scope(|s| {
            for _ in 0..3 {
                s.spawn(|| {
                    for t in ["Kraków, Polska", "SF Bay Area", "Kraków, Polska", "nowhere"] {
                        l.note(t);
                    }
                });
            }
        });
        let ready = l.finish();
        assert_eq!(ready.len(), 3);
        for (text, p) in &ready {
            assert_eq!(p, &place(builtby_locate::locate(text)), "{text}");
        }
        assert_eq!(ready["Kraków, Polska"].country.as_deref(), Some("PL"));
    }
}
