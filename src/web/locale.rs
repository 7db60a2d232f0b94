//! The page's language, chosen per request: `?lang=` (remembered in a cookie), then the
//! cookie, then `Accept-Language`, then Vietnamese. Every string goes through the Fluent
//! catalogues in `locales/`, compiled into the binary.

use std::borrow::Cow;
use std::collections::HashMap;

use fluent_templates::fluent_bundle::FluentValue;
use fluent_templates::{LanguageIdentifier, langid, static_loader};

static_loader! {
    static CATALOGUE = {
        locales: "./locales",
        fallback_language: "vi",
        // No Unicode isolation marks around arguments: they would land inside attributes.
        customise: |bundle| bundle.set_use_isolating(false),
    };
}

pub const LANG_COOKIE: &str = "cq_lang";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Locale {
    #[default]
    Vi,
    En,
}

impl Locale {
    pub const ALL: [Locale; 2] = [Locale::Vi, Locale::En];

    pub fn code(self) -> &'static str {
        match self {
            Locale::Vi => "vi",
            Locale::En => "en",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        match text.trim().to_ascii_lowercase().as_str() {
            "vi" => Some(Locale::Vi),
            "en" => Some(Locale::En),
            _ => None,
        }
    }

    /// The first supported language of an `Accept-Language` header, by its weights.
    pub fn from_accept_language(header: &str) -> Option<Self> {
        let mut ranked: Vec<(f32, Locale)> = header
            .split(',')
            .filter_map(|item| {
                let mut parts = item.split(';');
                let tag = parts.next()?.trim();
                let primary = tag.split('-').next()?;
                let locale = Locale::parse(primary)?;
                let weight = parts
                    .find_map(|p| p.trim().strip_prefix("q="))
                    .and_then(|q| q.parse::<f32>().ok())
                    .unwrap_or(1.0);
                (weight > 0.0).then_some((weight, locale))
            })
            .collect();
        ranked.sort_by(|a, b| b.0.total_cmp(&a.0));
        ranked.first().map(|(_, locale)| *locale)
    }

    fn langid(self) -> LanguageIdentifier {
        match self {
            Locale::Vi => langid!("vi"),
            Locale::En => langid!("en"),
        }
    }

    /// The message `key`; a key missing from this language's catalogue shows as `⟦key⟧`, which
    /// the tests look for on every page.
    pub fn text(self, key: &str) -> String {
        self.lookup(key, None)
    }

    /// Whether this language's catalogue holds `key` (a form's own wording of a field error).
    pub fn has(self, key: &str) -> bool {
        CATALOGUE
            .lookup_no_default_fallback(
                &self.langid(),
                key,
                None::<&HashMap<Cow<'static, str>, FluentValue>>,
            )
            .is_some()
    }

    /// The message `key` with named arguments.
    pub fn text_with(self, key: &str, args: &[(&'static str, FluentArg)]) -> String {
        let map: HashMap<Cow<'static, str>, FluentValue> = args
            .iter()
            .map(|(name, value)| (Cow::Borrowed(*name), value.to_fluent()))
            .collect();
        self.lookup(key, Some(&map))
    }

    fn lookup(self, key: &str, args: Option<&HashMap<Cow<'static, str>, FluentValue>>) -> String {
        CATALOGUE
            .lookup_no_default_fallback(&self.langid(), key, args)
            .unwrap_or_else(|| format!("⟦{key}⟧"))
    }
}

/// An argument of a message: text or a number (numbers pick plural forms).
pub enum FluentArg {
    Text(String),
    Number(i64),
}

impl FluentArg {
    fn to_fluent(&self) -> FluentValue<'static> {
        match self {
            FluentArg::Text(text) => FluentValue::from(text.clone()),
            FluentArg::Number(number) => FluentValue::from(*number),
        }
    }
}

/// What templates may pass as an argument; templates pass references, hence the blanket.
pub trait Arg {
    fn to_arg(&self) -> FluentArg;
}

impl Arg for str {
    fn to_arg(&self) -> FluentArg {
        FluentArg::Text(self.to_owned())
    }
}

impl Arg for String {
    fn to_arg(&self) -> FluentArg {
        FluentArg::Text(self.clone())
    }
}

impl Arg for i64 {
    fn to_arg(&self) -> FluentArg {
        FluentArg::Number(*self)
    }
}

impl Arg for u64 {
    fn to_arg(&self) -> FluentArg {
        FluentArg::Number(i64::try_from(*self).unwrap_or(i64::MAX))
    }
}

impl Arg for usize {
    fn to_arg(&self) -> FluentArg {
        FluentArg::Number(i64::try_from(*self).unwrap_or(i64::MAX))
    }
}

impl<T: Arg + ?Sized> Arg for &T {
    fn to_arg(&self) -> FluentArg {
        (**self).to_arg()
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::Locale;

    /// Every `.ftl` file of one language, concatenated: each slice may keep its own file.
    fn catalogue(lang: &str) -> String {
        let folder = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("locales")
            .join(lang);
        let mut files: Vec<_> = std::fs::read_dir(&folder)
            .expect("locales folder")
            .map(|entry| entry.expect("entry").path())
            .filter(|path| path.extension().is_some_and(|ext| ext == "ftl"))
            .collect();
        files.sort();
        files
            .iter()
            .map(|path| std::fs::read_to_string(path).expect("catalogue") + "\n")
            .collect()
    }

    fn keys(catalogue: &str) -> BTreeSet<String> {
        catalogue
            .lines()
            .filter_map(|line| line.split_once(" ="))
            .map(|(key, _)| key.trim_end().to_owned())
            .filter(|key| key.chars().next().is_some_and(|c| c.is_ascii_alphabetic()))
            .collect()
    }

    #[test]
    fn both_catalogues_have_every_key() {
        let vi = keys(&catalogue("vi"));
        let en = keys(&catalogue("en"));
        let only_vi: Vec<_> = vi.difference(&en).collect();
        let only_en: Vec<_> = en.difference(&vi).collect();
        assert!(only_vi.is_empty(), "missing in en: {only_vi:?}");
        assert!(only_en.is_empty(), "missing in vi: {only_en:?}");
        // Messages with arguments are checked where pages pass them (tests/web.rs).
        let catalogue = catalogue("vi");
        let plain = keys(&catalogue)
            .into_iter()
            .filter(|key| {
                catalogue
                    .lines()
                    .find(|line| line.starts_with(&format!("{key} =")))
                    .is_some_and(|line| !line.contains('$') && !line.ends_with('='))
            })
            .collect::<Vec<_>>();
        for key in &plain {
            for locale in Locale::ALL {
                assert!(
                    !locale.text(key).starts_with('⟦'),
                    "{key} does not load in {locale:?}"
                );
            }
        }
    }

    /// Every `c.t…("key")` in the templates names a message that exists.
    #[test]
    fn templates_name_existing_messages() {
        let vi = keys(&catalogue("vi"));
        let folder = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("templates");
        let mut stack = vec![folder];
        let mut missing = Vec::new();
        while let Some(dir) = stack.pop() {
            for entry in std::fs::read_dir(&dir).expect("templates folder") {
                let path = entry.expect("entry").path();
                if path.is_dir() {
                    stack.push(path);
                    continue;
                }
                let text = std::fs::read_to_string(&path).expect("template");
                for call in ["c.t(\"", "c.t1(\"", "c.t2(\""] {
                    for piece in text.split(call).skip(1) {
                        let key = piece.split('"').next().unwrap_or("");
                        if !vi.contains(key) {
                            missing.push(format!("{}: {key}", path.display()));
                        }
                    }
                }
            }
        }
        assert!(missing.is_empty(), "{missing:?}");
    }

    #[test]
    fn every_error_code_has_a_message() {
        for code in crate::error::ErrorCode::ALL {
            for locale in Locale::ALL {
                assert!(
                    !locale.text(&format!("error-{code}")).starts_with('⟦'),
                    "{code} in {locale:?}"
                );
            }
        }
    }

    #[test]
    fn accept_language_by_weight() {
        assert_eq!(
            Locale::from_accept_language("en-US,en;q=0.9,vi;q=0.8"),
            Some(Locale::En)
        );
        assert_eq!(
            Locale::from_accept_language("fr;q=1, vi-VN;q=0.5, en;q=0.4"),
            Some(Locale::Vi)
        );
        assert_eq!(Locale::from_accept_language("fr, de"), None);
        assert_eq!(Locale::from_accept_language("en;q=0"), None);
    }
}
