//! Precomputes the gazetteer's city-name index (see `src/names.rs`), so that loading it at run
//! time normalises none of its 400,000 names: `OUT_DIR/cities.tsv.gz` (cities without their
//! alternate names) and `OUT_DIR/names.bin.gz` (the index).

#[allow(dead_code)]
#[path = "src/names.rs"]
mod names;

use std::fmt::Write as _;
use std::io::{Read, Write};
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
    gzip(&Path::new(&out).join("cities.tsv.gz"), cities.as_bytes());
    gzip(&Path::new(&out).join("names.bin.gz"), &index);
}

fn gzip(path: &Path, bytes: &[u8]) {
    let mut e = flate2::write::GzEncoder::new(
        std::fs::File::create(path).expect("create in OUT_DIR"),
        flate2::Compression::fast(),
    );
    e.write_all(bytes).expect("write in OUT_DIR");
    e.finish().expect("write in OUT_DIR");
}
