//! Deterministic randomness: every value is a hash of the seed and where it is used, so any
//! hour, person or repository can be generated on any thread in any order with the same bytes.

pub(crate) use crate::demo::sample::rng::mix;

/// A hash of `parts` under `seed`.
pub fn h(seed: u64, parts: &[u64]) -> u64 {
    parts
        .iter()
        .fold(seed ^ 0x7363_616c_6521, |a, &p| mix(a ^ p))
}

/// A counter-based stream of numbers (splitmix64).
pub struct Rng(pub u64);

impl Rng {
    pub fn new(seed: u64, parts: &[u64]) -> Rng {
        Rng(h(seed, parts))
    }
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        mix(self.0)
    }
    /// Uniform in `0..n` (0 when `n` is 0).
    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
    /// Uniform in `[0, 1)`.
    pub fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
    pub fn pct(&mut self, p: u64) -> bool {
        self.below(100) < p
    }
    pub fn pick<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
        &xs[self.below(xs.len() as u64) as usize]
    }
    /// A delay in seconds, log-uniform between `lo` and `hi`: most follow-ups come soon,
    /// some days later.
    pub fn delay(&mut self, lo: i64, hi: i64) -> i64 {
        let (a, b) = ((lo.max(1) as f64).ln(), (hi.max(2) as f64).ln());
        (a + (b - a) * self.unit()).exp() as i64
    }
}

/// 40 hex digits (a commit sha) from a number.
pub fn sha(x: u64) -> String {
    format!(
        "{:016x}{:016x}{:08x}",
        mix(x),
        mix(x ^ 1),
        mix(x ^ 2) as u32
    )
}

/// Samples an index with probability proportional to its weight (binary search over the
/// cumulative weights).
pub struct Weighted {
    cum: Vec<f64>,
}

impl Weighted {
    pub fn new(weights: impl IntoIterator<Item = f64>) -> Weighted {
        let mut total = 0.0;
        let cum = weights
            .into_iter()
            .map(|w| {
                total += w;
                total
            })
            .collect();
        Weighted { cum }
    }
    /// Zipf–Mandelbrot over `n` ranks: rank `k` (0-based) weighs `1 / (k + 1 + q)^s`.
    pub fn zipf(n: u64, s: f64, q: f64) -> Weighted {
        Weighted::new((0..n).map(|k| 1.0 / (k as f64 + 1.0 + q).powf(s)))
    }
    pub fn sample(&self, r: &mut Rng) -> usize {
        let total = self.cum.last().copied().unwrap_or(0.0);
        let x = r.unit() * total;
        self.cum
            .partition_point(|&c| c <= x)
            .min(self.cum.len() - 1)
    }
}

/// A bijection of `0..n` (`a·i + b mod n` with `a` prime to `n`): scrambles ranks into ids.
#[derive(Clone, Copy)]
pub struct Perm {
    n: u64,
    a: u64,
    b: u64,
}

impl Perm {
    pub fn new(n: u64, seed: u64) -> Perm {
        let n = n.max(1);
        let mut a = (mix(seed) % n) | 1;
        while gcd(a, n) != 1 {
            a = (a + 2) % n.max(3);
            if a == 0 {
                a = 1;
            }
        }
        Perm {
            n,
            a,
            b: mix(seed ^ 0xb) % n,
        }
    }
    pub fn at(&self, i: u64) -> u64 {
        ((i as u128 * self.a as u128 + self.b as u128) % self.n as u128) as u64
    }
}

fn gcd(mut a: u64, mut b: u64) -> u64 {
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a
}

/// `n` in base 36 (short, login-safe suffixes).
pub fn base36(mut n: u64) -> String {
    const D: &[u8] = b"0123456789abcdefghijklmnopqrstuvwxyz";
    let mut out = Vec::new();
    loop {
        out.push(D[(n % 36) as usize]);
        n /= 36;
        if n == 0 {
            break;
        }
    }
    out.reverse();
    String::from_utf8(out).expect("ascii")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn perm_is_a_bijection() {
        for n in [1, 2, 7, 10, 36, 1000] {
            let p = Perm::new(n, 42);
            let mut seen: Vec<u64> = (0..n).map(|i| p.at(i)).collect();
            seen.sort();
            assert_eq!(seen, (0..n).collect::<Vec<_>>(), "n={n}");
        }
    }

    #[test]
    fn zipf_favours_low_ranks() {
        let z = Weighted::zipf(1000, 1.0, 0.0);
        let mut r = Rng(1);
        let firsts = (0..10_000).filter(|_| z.sample(&mut r) < 10).count();
        assert!(firsts > 3000, "{firsts}");
    }
}
