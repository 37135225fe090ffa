//! Accuracy on a hand-labelled table of real free-text locations (see `locations.tsv`).

use builtby_locate::locate;

#[test]
fn labelled_table_accuracy() {
    let table = include_str!("locations.tsv");
    let (mut n, mut country_ok, mut metro_ok) = (0, 0, 0);
    let mut misses = Vec::new();
    for line in table
        .lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
    {
        let f: Vec<&str> = line.split('\t').collect();
        assert_eq!(f.len(), 3, "bad fixture line {line:?}");
        let want = |s: &str| (s != "-").then(|| s.to_string());
        let (country, metro) = (want(f[1]), want(f[2]));
        let got = locate(f[0]);
        n += 1;
        let c = got.country == country;
        let m = got.metro == metro;
        country_ok += c as u32;
        metro_ok += m as u32;
        if !c || !m {
            misses.push(format!(
                "  {:?}: want {:?}/{:?}, got {:?}/{:?} (city {:?}, {:.2})",
                f[0], country, metro, got.country, got.metro, got.city, got.confidence
            ));
        }
    }
    let cp = 100.0 * country_ok as f64 / n as f64;
    let mp = 100.0 * metro_ok as f64 / n as f64;
    eprintln!(
        "locations: {n} labelled strings; country {country_ok}/{n} = {cp:.1}%, metro {metro_ok}/{n} = {mp:.1}%\nmisses:\n{}",
        misses.join("\n")
    );
    assert!(n >= 150);
    assert!(cp >= 95.0, "country accuracy {cp:.1}% < 95%");
    assert!(mp >= 90.0, "metro accuracy {mp:.1}% < 90%");
}
