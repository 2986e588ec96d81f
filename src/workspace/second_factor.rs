//! The second factor of a local account: a time-based one-time password
//! (RFC 6238: HMAC-SHA1, 6 digits, 30-second steps, one step of clock drift
//! either way) from an authenticator app, and single-use recovery codes.
//! A code is accepted once: the step it belongs to is remembered, and a code
//! from that step or an earlier one is refused (see decision 0126).

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{SystemTime, UNIX_EPOCH};

use totp_rs::{Algorithm, Secret, TOTP};

/// Who issues the codes, as an authenticator app lists it.
pub const ISSUER: &str = "casepress";

/// How many recovery codes a person is given.
pub const RECOVERY_CODES: usize = 10;

const STEP: u64 = 30;

/// A new secret: 20 random bytes (160 bits, as RFC 4226 recommends), in
/// base32 as authenticator apps take it.
pub fn new_secret() -> String {
    let mut bytes = [0u8; 20];
    getrandom::fill(&mut bytes).unwrap_or_else(|e| panic!("no random numbers from the OS: {e}"));
    Secret::Raw(bytes.to_vec()).to_encoded().to_string()
}

fn totp(secret: &str, name: &str) -> Result<TOTP, String> {
    let bytes =
        Secret::Encoded(secret.to_owned()).to_bytes().map_err(|_| "the secret is not base32".to_owned())?;
    // An account name with a colon cannot be in an otpauth label.
    TOTP::new(Algorithm::SHA1, 6, 1, STEP, bytes, Some(ISSUER.into()), name.replace(':', " "))
        .map_err(|e| format!("not a usable secret: {e}"))
}

/// The `otpauth://` address an authenticator app reads (as a QR code).
pub fn uri(secret: &str, name: &str) -> Result<String, String> {
    Ok(totp(secret, name)?.get_url())
}

/// The secret in groups of four, for typing into an app by hand.
pub fn grouped(secret: &str) -> String {
    let chars: Vec<char> = secret.chars().collect();
    chars.chunks(4).map(|c| c.iter().collect::<String>()).collect::<Vec<_>>().join(" ")
}

/// The QR code of `uri` as an SVG image (served by the workspace itself:
/// its Content-Security-Policy allows images from nowhere else).
pub fn qr_svg(uri: &str) -> Result<String, String> {
    let code = qrcode::QrCode::new(uri.as_bytes()).map_err(|e| e.to_string())?;
    Ok(code.render::<qrcode::render::svg::Color<'_>>().min_dimensions(240, 240).quiet_zone(true).build())
}

/// The QR code of `uri` drawn with block characters, for a terminal.
pub fn qr_text(uri: &str) -> Result<String, String> {
    let code = qrcode::QrCode::new(uri.as_bytes()).map_err(|e| e.to_string())?;
    Ok(code
        .render::<qrcode::render::unicode::Dense1x2>()
        .dark_color(qrcode::render::unicode::Dense1x2::Light)
        .light_color(qrcode::render::unicode::Dense1x2::Dark)
        .quiet_zone(true)
        .build())
}

/// Seconds since the Unix epoch.
pub fn now() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0)
}

/// The code for `secret` at `time` (seconds since the epoch): what the app
/// shows then. Tests and the sample accounts' demonstrations use it.
pub fn code_at(secret: &str, time: u64) -> Result<String, String> {
    Ok(totp(secret, "-")?.generate(time))
}

/// The step (`time / 30`) whose code `code` is, if it is the code of the
/// step at `time` or of the one before or after it (clocks drift).
pub fn step_of(secret: &str, code: &str, time: u64) -> Option<u64> {
    let code: String = code.chars().filter(|c| !c.is_whitespace()).collect();
    if code.len() != 6 || !code.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let totp = totp(secret, "-").ok()?;
    let now = time / STEP;
    let mut found = None;
    // Every candidate is compared, in constant time, whichever matches.
    for step in [now.saturating_sub(1), now, now + 1] {
        let expected = totp.generate(step * STEP);
        let same = expected.bytes().zip(code.bytes()).fold(0u8, |acc, (a, b)| acc | (a ^ b)) == 0;
        if same && found.is_none() {
            found = Some(step);
        }
    }
    found
}

/// The last step whose code each person used: a code is accepted once.
#[derive(Default)]
pub struct Used(Mutex<HashMap<String, u64>>);

impl Used {
    /// Records `step` as used by `who`; false when it (or a later one) was
    /// used already, so the code is refused.
    pub fn claim(&self, who: &str, step: u64) -> bool {
        let mut used = self.0.lock().unwrap_or_else(|e| e.into_inner());
        let last = used.entry(crate::staff::name_key(who)).or_insert(0);
        if step <= *last {
            return false;
        }
        *last = step;
        true
    }
}

/// New recovery codes: 10 characters each from an alphabet without look-alikes
/// (about 50 bits), shown as `xxxxx-xxxxx`.
pub fn recovery_codes() -> Vec<String> {
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";
    (0..RECOVERY_CODES)
        .map(|_| {
            let mut bytes = [0u8; 10];
            getrandom::fill(&mut bytes).unwrap_or_else(|e| panic!("no random numbers from the OS: {e}"));
            let chars: String =
                bytes.iter().map(|b| ALPHABET[*b as usize % ALPHABET.len()] as char).collect();
            format!("{}-{}", &chars[..5], &chars[5..])
        })
        .collect()
}

/// A recovery code as typed, made plain: lower case, no spaces or dashes.
pub fn plain_recovery(code: &str) -> String {
    code.chars().filter(|c| c.is_ascii_alphanumeric()).map(|c| c.to_ascii_lowercase()).collect()
}

/// Whether what was typed looks like a recovery code rather than an app's code.
pub fn looks_like_recovery(code: &str) -> bool {
    plain_recovery(code).len() == 10
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_code_is_accepted_in_its_step_and_the_next_and_once_only() {
        let secret = new_secret();
        assert_eq!(secret.len(), 32);
        let t = 1_800_000_000;
        let code = code_at(&secret, t).unwrap();
        assert_eq!(step_of(&secret, &code, t), Some(t / 30));
        assert_eq!(step_of(&secret, &code, t + 30), Some(t / 30), "one step of drift");
        assert_eq!(step_of(&secret, &code, t + 90), None);
        assert_eq!(step_of(&secret, "12345", t), None);
        let used = Used::default();
        assert!(used.claim("Priya Natarajan", t / 30));
        assert!(!used.claim("priya natarajan", t / 30), "the same code twice");
        assert!(!used.claim("Priya Natarajan", t / 30 - 1), "an older code");
        assert!(used.claim("Priya Natarajan", t / 30 + 1));
    }

    #[test]
    fn the_rfc_6238_test_vector_holds() {
        // RFC 6238 appendix B, SHA-1: the secret "12345678901234567890" at
        // 59 s gives 94287082 (8 digits); its last 6 are the 6-digit code.
        let secret = Secret::Raw(b"12345678901234567890".to_vec()).to_encoded().to_string();
        assert_eq!(code_at(&secret, 59).unwrap(), "287082");
        assert_eq!(code_at(&secret, 1_111_111_109).unwrap(), "081804");
    }

    #[test]
    fn the_uri_and_qr_name_the_issuer_and_person() {
        let secret = new_secret();
        let uri = uri(&secret, "Priya Natarajan").unwrap();
        assert!(uri.starts_with("otpauth://totp/casepress:Priya%20Natarajan?secret="), "{uri}");
        assert!(qr_svg(&uri).unwrap().starts_with("<?xml"));
        assert!(qr_text(&uri).unwrap().contains('█'));
        let codes = recovery_codes();
        assert_eq!(codes.len(), 10);
        assert!(codes.iter().all(|c| looks_like_recovery(c)));
        assert!(!looks_like_recovery("123456"));
    }
}
