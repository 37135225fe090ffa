//! Precomputes the gazetteer's city-name index (see `src/names.rs`), so that loading it at run
//! time normalises none of its 400,000 names: `OUT_DIR/cities.tsv` (cities without their
//! alternate names) and `OUT_DIR/names.bin` (the index), compiled in uncompressed so that
//! loading inflates nothing.

#[allow(dead_code)]
#[path = "src/names.rs"]
mod names;

use std::fmt::Write as _;
use std::io::Read;
use std::path::Path;

fn main() {
    println!("cargo:rerun-if-changed=data/cities.tsv.gz");
    println!("cargo:rerun-if-changed=src/names.rs");
    let mut text = String::new();
    flate2::read::GzDecoder::new(
        std::fs::File::open("data/cities.tsv.gz").expect("data/cities.tsv.gz"),
    )
    .read_to_string(&mut text)
    .expect("data/cities.tsv.gz is gzip");
    let mut cities = String::with_capacity(text.len() / 2);
    for c in names::city_lines(&text) {
        let _ = writeln!(cities, "{}", c.fields.join("\t"));
    }
    let index = names::encode(&names::index_names(&text));
    let out = std::env::var("OUT_DIR").expect("OUT_DIR");
    std::fs::write(Path::new(&out).join("cities.tsv"), cities).expect("write in OUT_DIR");
    std::fs::write(Path::new(&out).join("names.bin"), index).expect("write in OUT_DIR");
}
