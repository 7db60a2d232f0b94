//! Validated account input. Parsed once at the edge; the rest of the code trusts these types.

use unicode_normalization::UnicodeNormalization;

pub fn nfc(text: &str) -> String {
    text.nfc().collect()
}

/// Text as account search compares it: accents dropped (NFD without its combining marks, and
/// `đ` as `d`, which has no decomposition), lower case, runs of spaces as one. "Nguyễn Văn
/// Đức", "nguyen van duc" and "NGUYỄN  VĂN ĐỨC" fold alike.
pub fn search_fold(text: &str) -> String {
    let folded: String = text
        .nfd()
        .filter(|&c| !unicode_normalization::char::is_combining_mark(c))
        .map(|c| match c {
            'đ' | 'Đ' => 'd',
            other => other,
        })
        .flat_map(char::to_lowercase)
        .collect();
    folded.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Bidirectional overrides and isolates can make a name display as something else.
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

fn is_invisible(c: char) -> bool {
    c.is_control()
        || is_bidi_control(c)
        || matches!(
            c,
            '\u{200B}'..='\u{200D}' | '\u{2060}' | '\u{FEFF}' | '\u{00AD}'
        )
}

/// Letters of the Latin script, which covers Vietnamese in NFC (ơ, ư, ạ, ế … are precomposed).
/// Other scripts are refused so that `аdmin` (Cyrillic а) cannot pose as `admin`.
fn is_latin_letter(c: char) -> bool {
    c.is_ascii_alphabetic()
        || (c.is_alphabetic()
            && matches!(c, '\u{00C0}'..='\u{024F}' | '\u{1E00}'..='\u{1EFF}')
            && c != '\u{00D7}'
            && c != '\u{00F7}')
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Username {
    /// As the user wrote it, in NFC.
    pub display: String,
    /// The case-insensitive key the unique index holds.
    pub key: String,
}

impl Username {
    pub fn parse(raw: &str) -> Result<Self, String> {
        let display = nfc(raw.trim());
        let length = display.chars().count();
        if !(3..=32).contains(&length) {
            return Err("must be 3 to 32 characters".into());
        }
        if let Some(bad) = display
            .chars()
            .find(|&c| !(is_latin_letter(c) || c.is_ascii_digit() || matches!(c, '.' | '_' | '-')))
        {
            return Err(format!(
                "may contain only letters (Vietnamese included), digits, '.', '_' and '-' (found {bad:?})"
            ));
        }
        Ok(Self {
            key: Self::key_of(&display),
            display,
        })
    }

    /// The lookup key of any string, valid or not, so login treats both alike.
    pub fn key_of(raw: &str) -> String {
        nfc(&nfc(raw.trim()).to_lowercase())
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DisplayName(pub String);

impl DisplayName {
    pub fn parse(raw: &str) -> Result<Self, String> {
        let name = nfc(raw.trim());
        let length = name.chars().count();
        if !(1..=64).contains(&length) {
            return Err("must be 1 to 64 characters".into());
        }
        if name.chars().any(is_invisible) {
            return Err("must not contain control or invisible characters".into());
        }
        Ok(Self(name))
    }
}

/// The name public boards and galleries show for an account. A name she picked is hers to
/// show; a roster's name (an imported pupil's full name) is not shown to the public until
/// she picks one: the initial of her given name (the last word, in Vietnamese order) and
/// her class, e.g. "A. · 6A1".
pub fn public_name(display_name: &str, chosen: bool, unit_name: Option<&str>) -> String {
    if chosen {
        return display_name.to_owned();
    }
    let initial: String = display_name
        .split_whitespace()
        .last()
        .and_then(|given| given.chars().next())
        .map(|first| first.to_uppercase().collect())
        .unwrap_or_else(|| "?".into());
    match unit_name {
        Some(unit) => format!("{initial}. · {unit}"),
        None => format!("{initial}."),
    }
}

/// A password as typed, normalised to NFC so the same phrase typed with a different
/// Vietnamese input method (composed or decomposed accents) still matches.
#[derive(Clone)]
pub struct Password(String);

impl std::fmt::Debug for Password {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Password(…)")
    }
}

/// The most common passwords that meet the length rule; ASVS asks to refuse them.
const COMMON_PASSWORDS: &[&str] = &[
    "1234567890",
    "12345678910",
    "123456789a",
    "0123456789",
    "1111111111",
    "0000000000",
    "1234512345",
    "qwertyuiop",
    "password123",
    "password1234",
    "passw0rd123",
    "iloveyou123",
    "abc1234567",
    "abcd123456",
    "1qaz2wsx3edc",
    "qwerty12345",
    "matkhau123",
    "matkhau1234",
    "anhyeuem123",
    "123456789aa",
    "a123456789",
    "asdfghjkl1",
    "zxcvbnm123",
    "987654321a",
    "9876543210",
];

impl Password {
    pub fn parse(raw: &str) -> Result<Self, String> {
        let password = nfc(raw);
        let length = password.chars().count();
        if !(10..=128).contains(&length) {
            return Err("must be 10 to 128 characters".into());
        }
        if COMMON_PASSWORDS.contains(&password.to_lowercase().as_str()) {
            return Err("is one of the most common passwords; choose another".into());
        }
        Ok(Self(password))
    }

    /// For verification only: any submitted text is normalised the same way, never refused.
    pub fn candidate(raw: &str) -> Self {
        Self(nfc(raw))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

pub fn parse_birth_year(year: i64, current_year: i64) -> Result<i64, String> {
    if (1900..=current_year).contains(&year) {
        Ok(year)
    } else {
        Err(format!("must be between 1900 and {current_year}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roster_names_become_an_initial_and_a_class() {
        assert_eq!(
            public_name("Nguyễn Thị Ánh", false, Some("6A1")),
            "Á. · 6A1"
        );
        assert_eq!(public_name("Lê Văn an", false, None), "A.");
        assert_eq!(public_name("Bé Na", true, Some("6A1")), "Bé Na");
    }

    #[test]
    fn vietnamese_usernames_are_letters() {
        let name = Username::parse("Nguyễn.Văn_An-2").expect("valid");
        assert_eq!(name.key, "nguyễn.văn_an-2");
    }

    #[test]
    fn decomposed_and_composed_forms_share_a_key() {
        let composed = Username::parse("Trần").expect("valid");
        let decomposed = Username::parse("Tra\u{0302}\u{0300}n").expect("valid");
        assert_eq!(composed.key, decomposed.key);
    }

    #[test]
    fn look_alikes_from_other_scripts_are_refused() {
        assert!(Username::parse("\u{0430}dmin").is_err());
        assert!(Username::parse("ａｄｍｉｎ").is_err());
        assert!(Username::parse("ad\u{200B}min").is_err());
    }

    #[test]
    fn lengths_are_counted_in_characters() {
        assert!(Username::parse("ấn").is_err());
        assert!(Username::parse(&"ệ".repeat(32)).is_ok());
        assert!(Username::parse(&"ệ".repeat(33)).is_err());
        assert!(Password::parse(&"ệ".repeat(10)).is_ok());
        assert!(Password::parse("short").is_err());
    }

    #[test]
    fn display_names_refuse_controls() {
        assert!(DisplayName::parse("Lê Thị\u{0007}").is_err());
        assert!(DisplayName::parse("abc\u{202E}cba").is_err());
        assert_eq!(
            DisplayName::parse("  O'Brien; DROP TABLE users;--  ")
                .expect("valid")
                .0,
            "O'Brien; DROP TABLE users;--"
        );
    }

    #[test]
    fn search_folds_case_accents_and_spaces() {
        assert_eq!(search_fold("  NGUYỄN  Văn Đức "), "nguyen van duc");
        assert_eq!(search_fold("Tra\u{0302}\u{0300}n Thị Ánh"), "tran thi anh");
        assert_eq!(search_fold("hs.6A1_01"), "hs.6a1_01");
    }

    #[test]
    fn common_passwords_are_refused() {
        assert!(Password::parse("Password123").is_err());
    }
}
