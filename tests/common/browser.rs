//! A browser's view of a test server: a cookie jar, no automatic redirects (tests look at
//! every 303), and forms posted with the page's CSRF token, as a person's browser would.

use reqwest::Method;
use reqwest::redirect::Policy;

use super::TestApp;

pub struct Browser {
    pub base: String,
    pub client: reqwest::Client,
    jar: std::sync::Arc<reqwest::cookie::Jar>,
}

pub struct Page {
    pub status: u16,
    pub location: Option<String>,
    pub headers: reqwest::header::HeaderMap,
    pub html: String,
}

impl Page {
    /// The CSRF token the page's forms carry.
    pub fn csrf(&self) -> String {
        attribute_after(&self.html, "name=\"csrf-token\" content=\"")
    }

    pub fn lang(&self) -> String {
        attribute_after(&self.html, "<html lang=\"")
    }

    pub fn has(&self, text: &str) -> bool {
        self.html.contains(text)
    }
}

/// The text from `marker` up to the next quote.
pub fn attribute_after(html: &str, marker: &str) -> String {
    html.split_once(marker)
        .and_then(|(_, rest)| rest.split_once('"'))
        .map(|(value, _)| value.to_owned())
        .unwrap_or_default()
}

impl Browser {
    pub fn new(app: &TestApp) -> Self {
        let jar = std::sync::Arc::new(reqwest::cookie::Jar::default());
        Browser {
            base: app.base.clone(),
            client: reqwest::Client::builder()
                .cookie_provider(jar.clone())
                .redirect(Policy::none())
                .timeout(std::time::Duration::from_secs(60))
                .build()
                .expect("client"),
            jar,
        }
    }

    /// Whether the browser holds a cookie called `name` for the site.
    pub fn has_cookie(&self, name: &str) -> bool {
        use reqwest::cookie::CookieStore;
        let url = self.base.parse().expect("base url");
        self.jar.cookies(&url).is_some_and(|header| {
            header
                .to_str()
                .unwrap_or("")
                .split("; ")
                .any(|pair| pair.split('=').next() == Some(name))
        })
    }

    async fn read(response: reqwest::Response) -> Page {
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let location = headers
            .get("location")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let html = response.text().await.expect("body");
        Page {
            status,
            location,
            headers,
            html,
        }
    }

    pub async fn get(&self, path: &str) -> Page {
        Self::read(
            self.client
                .get(format!("{}{path}", self.base))
                .send()
                .await
                .expect("GET"),
        )
        .await
    }

    /// Follows redirects from `path` until a page answers.
    pub async fn visit(&self, path: &str) -> Page {
        let mut page = self.get(path).await;
        for _ in 0..5 {
            match (&page.status, &page.location) {
                (301..=303, Some(next)) => page = self.get(&next.clone()).await,
                _ => break,
            }
        }
        page
    }

    /// Posts a form the way a same-origin page does (Origin and Sec-Fetch-Site as Chromium
    /// sends them).
    pub async fn post(&self, path: &str, fields: &[(&str, &str)]) -> Page {
        self.post_with(
            path,
            fields,
            &[("origin", &self.base), ("sec-fetch-site", "same-origin")],
        )
        .await
    }

    pub async fn post_with(
        &self,
        path: &str,
        fields: &[(&str, &str)],
        headers: &[(&str, &str)],
    ) -> Page {
        let mut request = self
            .client
            .post(format!("{}{path}", self.base))
            .form(fields);
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        Self::read(request.send().await.expect("POST")).await
    }

    /// Posts a `multipart/form-data` form as a browser without scripts sends a file input:
    /// the `csrf` field, then the file (`file_name` empty for an input left empty).
    pub async fn post_file(
        &self,
        path: &str,
        csrf: &str,
        field: &str,
        file_name: &str,
        bytes: &[u8],
    ) -> Page {
        let boundary = "----civiquizFormBoundary7MA4YWxkTrZu0gW";
        let mut body = format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n{csrf}\r\n\
             --{boundary}\r\nContent-Disposition: form-data; name=\"{field}\"; filename=\"{file_name}\"\r\n\
             Content-Type: application/octet-stream\r\n\r\n"
        )
        .into_bytes();
        body.extend_from_slice(bytes);
        body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
        let request = self
            .client
            .post(format!("{}{path}", self.base))
            .header(
                "content-type",
                format!("multipart/form-data; boundary={boundary}"),
            )
            .header("origin", &self.base)
            .header("sec-fetch-site", "same-origin")
            .body(body);
        Self::read(request.send().await.expect("POST")).await
    }

    /// Posts the form on `page_path` with its own CSRF token plus `fields`.
    pub async fn submit(&self, page_path: &str, action: &str, fields: &[(&str, &str)]) -> Page {
        let page = self.get(page_path).await;
        let csrf = page.csrf();
        let mut all: Vec<(&str, &str)> = vec![("csrf", csrf.as_str())];
        all.extend_from_slice(fields);
        self.post(action, &all).await
    }

    /// A JSON call to the API with this browser's cookies (and, for unsafe methods, the
    /// page's CSRF token in `csrf`).
    pub async fn api(
        &self,
        method: Method,
        path: &str,
        csrf: Option<&str>,
        body: Option<serde_json::Value>,
    ) -> (u16, serde_json::Value) {
        let mut request = self
            .client
            .request(method, format!("{}{path}", self.base))
            .header("origin", &self.base)
            .header("sec-fetch-site", "same-origin");
        if let Some(token) = csrf {
            request = request.header("x-csrf-token", token);
        }
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await.expect("API call");
        let status = response.status().as_u16();
        let text = response.text().await.expect("body");
        (
            status,
            serde_json::from_str(&text).unwrap_or(serde_json::Value::Null),
        )
    }

    /// A browser signed in as `username` (with the suites' password), on `app`.
    pub async fn signed_in(app: &TestApp, username: &str) -> Self {
        let browser = Self::new(app);
        let signed = browser.sign_in(username, super::PASSWORD).await;
        assert_eq!(signed.status, 303, "sign in {username}: {}", signed.html);
        browser
    }

    pub async fn sign_in(&self, username: &str, password: &str) -> Page {
        self.submit(
            "/login",
            "/login",
            &[
                ("username", username),
                ("password", password),
                ("next", "/"),
            ],
        )
        .await
    }

    pub async fn register(&self, username: &str, display_name: &str, unit: &str) -> Page {
        self.submit(
            "/register",
            "/register",
            &[
                ("username", username),
                ("display_name", display_name),
                ("password", super::PASSWORD),
                ("org_unit_id", unit),
                ("birth_year", ""),
            ],
        )
        .await
    }

    /// Changes the password with the account page's form.
    pub async fn change_password(&self, current: &str, new: &str) -> Page {
        self.submit(
            "/account/password",
            "/account/password",
            &[("current_password", current), ("new_password", new)],
        )
        .await
    }
}
