//! Deterministic randomness, ids and timestamps: every value is a function of the seed and the hour.

use super::*;

// ---------------------------------------------------------------- randomness, ids, time

/// splitmix64's finaliser (also the scale benchmark's generator, `cmd::bench::scale`).
pub(crate) fn mix(z: u64) -> u64 {
    let z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    let z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}
pub(super) fn h(parts: &[u64]) -> u64 {
    parts.iter().fold(SEED, |a, &p| mix(a ^ p))
}
pub(super) fn hex40(x: u64) -> String {
    format!(
        "{:016x}{:016x}{:08x}",
        mix(x),
        mix(x ^ 1),
        mix(x ^ 2) as u32
    )
}
pub(super) struct Rng(pub(super) u64);
impl Rng {
    pub(super) fn below(&mut self, n: u64) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        mix(self.0) % n.max(1)
    }
    pub(super) fn secs(&mut self, lo: i64, hi: i64) -> i64 {
        lo + self.below((hi - lo) as u64) as i64
    }
    pub(super) fn pct(&mut self, p: u64) -> bool {
        self.below(100) < p
    }
    pub(super) fn pick<T: Copy>(&mut self, xs: &[T]) -> T {
        xs[self.below(xs.len() as u64) as usize]
    }
    /// Uniform in `[mean/2, 3*mean/2]`.
    pub(super) fn around(&mut self, mean: u64) -> u64 {
        mean / 2 + self.below(mean + 1)
    }
}
/// Hours since `REF_HOUR`, wrapped so that any date gives a small non-negative slot.
pub(super) fn rel(src: i64) -> u64 {
    (src - REF_HOUR).rem_euclid(100_000) as u64
}
/// Unique object id: `k` numbers a thread or actor within the hour (< 512), `s` an object in it.
pub(super) fn oid(base: u64, src: i64, k: u64, s: u64) -> u64 {
    base + (rel(src) * 512 + k) * 32 + s
}
pub(super) const PR_ID: u64 = 1_900_000_000;
pub(super) const ISSUE_ID: u64 = 2_600_000_000;
pub(super) const REVIEW_ID: u64 = 2_300_000_000;
pub(super) const NOTE_ID: u64 = 1_700_000_000;
pub(super) const COMMENT_ID: u64 = 2_700_000_000;
pub(super) const PUSH_ID: u64 = 18_000_000_000;

/// `YYYY-MM-DDTHH:MM:SSZ` for Unix seconds, without a date library (fast: one per event).
pub(crate) fn ts(t: i64) -> String {
    let (z, s) = (t.div_euclid(86_400) + 719_468, t.rem_euclid(86_400));
    let (era, doe) = (z.div_euclid(146_097), z.rem_euclid(146_097));
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let (d, m) = (
        doy - (153 * mp + 2) / 5 + 1,
        if mp < 10 { mp + 3 } else { mp - 9 },
    );
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        s / 3600,
        s / 60 % 60,
        s % 60
    )
}
/// GitHub's legacy node id: base64 of `0<len>:<Type><id>`.
pub(super) fn node(ty: &str, id: u64) -> String {
    const B64: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let bytes = format!("0{}:{ty}{id}", ty.len()).into_bytes();
    let mut out = String::new();
    for c in bytes.chunks(3) {
        let n = c
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, &b)| n | u32::from(b) << (16 - 8 * i));
        for i in 0..4 {
            out.push(if i <= c.len() {
                B64[(n >> (18 - 6 * i) & 63) as usize] as char
            } else {
                '='
            });
        }
    }
    out
}
