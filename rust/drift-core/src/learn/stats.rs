//! Beta-distribution helpers: the regularized incomplete beta function and
//! its inverse (a lower credible bound), in plain `f64` without external
//! crates.

/// `ln Γ(x)` for `x > 0` (Lanczos approximation, g = 7, n = 9; |error| < 1e-13).
fn ln_gamma(x: f64) -> f64 {
    const COEFFS: [f64; 9] = [
        0.999_999_999_999_809_9,
        676.520_368_121_885_1,
        -1_259.139_216_722_402_8,
        771.323_428_777_653_1,
        -176.615_029_162_140_6,
        12.507_343_278_686_905,
        -0.138_571_095_265_720_12,
        9.984_369_578_019_572e-6,
        1.505_632_735_149_311_6e-7,
    ];
    if x < 0.5 {
        // Reflection formula.
        let pi = std::f64::consts::PI;
        return (pi / (pi * x).sin()).ln() - ln_gamma(1.0 - x);
    }
    let x = x - 1.0;
    let mut sum = COEFFS[0];
    for (i, c) in COEFFS.iter().enumerate().skip(1) {
        sum += c / (x + i as f64);
    }
    let t = x + 7.5;
    0.5 * (2.0 * std::f64::consts::PI).ln() + (x + 0.5) * t.ln() - t + sum.ln()
}

/// Continued fraction for the incomplete beta function (modified Lentz).
fn beta_cf(a: f64, b: f64, x: f64) -> f64 {
    const TINY: f64 = 1e-300;
    const EPS: f64 = 1e-15;
    let max_iter = 200 + 10 * ((a.max(b)).sqrt() as usize);
    let qab = a + b;
    let qap = a + 1.0;
    let qam = a - 1.0;
    let mut c = 1.0;
    let mut d = 1.0 - qab * x / qap;
    if d.abs() < TINY {
        d = TINY;
    }
    d = 1.0 / d;
    let mut h = d;
    for m in 1..=max_iter {
        let m = m as f64;
        let m2 = 2.0 * m;
        let aa = m * (b - m) * x / ((qam + m2) * (a + m2));
        d = 1.0 + aa * d;
        if d.abs() < TINY {
            d = TINY;
        }
        c = 1.0 + aa / c;
        if c.abs() < TINY {
            c = TINY;
        }
        d = 1.0 / d;
        h *= d * c;
        let aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2));
        d = 1.0 + aa * d;
        if d.abs() < TINY {
            d = TINY;
        }
        c = 1.0 + aa / c;
        if c.abs() < TINY {
            c = TINY;
        }
        d = 1.0 / d;
        let del = d * c;
        h *= del;
        if (del - 1.0).abs() < EPS {
            break;
        }
    }
    h
}

/// Regularized incomplete beta `I_x(a, b)`: the CDF of `Beta(a, b)` at `x`.
pub(crate) fn beta_cdf(x: f64, a: f64, b: f64) -> f64 {
    if x <= 0.0 {
        return 0.0;
    }
    if x >= 1.0 {
        return 1.0;
    }
    let ln_front = ln_gamma(a + b) - ln_gamma(a) - ln_gamma(b) + a * x.ln() + b * (1.0 - x).ln();
    let front = ln_front.exp();
    let value = if x < (a + 1.0) / (a + b + 2.0) {
        front * beta_cf(a, b, x) / a
    } else {
        1.0 - front * beta_cf(b, a, 1.0 - x) / b
    };
    value.clamp(0.0, 1.0)
}

/// The `q`-quantile of `Beta(a, b)` (`0 < q < 1`, `a, b ≥ 1`).
///
/// Closed forms for `b = 1` (`q^(1/a)`) and `a = 1`; otherwise 64 steps of
/// bisection on a fixed grid, so the result is a deterministic, monotone
/// function of the CDF.
pub(crate) fn beta_quantile(q: f64, a: f64, b: f64) -> f64 {
    let q = q.clamp(1e-12, 1.0 - 1e-12);
    if b == 1.0 {
        return q.powf(1.0 / a);
    }
    if a == 1.0 {
        return 1.0 - (1.0 - q).powf(1.0 / b);
    }
    let (mut lo, mut hi) = (0.0f64, 1.0f64);
    for _ in 0..64 {
        let mid = 0.5 * (lo + hi);
        if beta_cdf(mid, a, b) < q {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    lo
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64, tol: f64) -> bool {
        (a - b).abs() < tol
    }

    #[test]
    fn ln_gamma_matches_factorials() {
        let mut fact = 1.0f64;
        for n in 1..20u32 {
            // Γ(n) = (n-1)!
            assert!(close(ln_gamma(f64::from(n)), fact.ln(), 1e-10), "n = {n}");
            fact *= f64::from(n);
        }
    }

    #[test]
    fn cdf_known_values() {
        // Beta(1,1) is uniform.
        assert!(close(beta_cdf(0.3, 1.0, 1.0), 0.3, 1e-12));
        // Beta(2,1): x^2.
        assert!(close(beta_cdf(0.5, 2.0, 1.0), 0.25, 1e-12));
        // Beta(2,2): 3x^2 - 2x^3.
        assert!(close(beta_cdf(0.4, 2.0, 2.0), 0.352, 1e-12));
        // Symmetry: I_x(a,b) = 1 - I_{1-x}(b,a).
        assert!(close(
            beta_cdf(0.7, 5.0, 3.0),
            1.0 - beta_cdf(0.3, 3.0, 5.0),
            1e-12
        ));
    }

    #[test]
    fn quantile_inverts_cdf() {
        for &(a, b) in &[(2.0, 2.0), (11.0, 3.0), (101.0, 7.0), (5001.0, 40.0)] {
            let x = beta_quantile(0.05, a, b);
            assert!(close(beta_cdf(x, a, b), 0.05, 1e-9), "a={a} b={b} x={x}");
        }
        assert!(close(
            beta_quantile(0.05, 21.0, 1.0),
            0.05f64.powf(1.0 / 21.0),
            1e-15
        ));
    }
}
