//! `LocktClient`: configuration, and the resource handles (`lockt.users`, `lockt.doors`, ...).

use std::rc::Rc;

use js_sys::{Object, Reflect};
use wasm_bindgen::prelude::*;

use super::access_levels::AccessLevelsApi;
use super::calls::read;
use super::credentials::CredentialsApi;
use super::doors::DoorsApi;
use super::events::EventsApi;
use super::fobs::FobsApi;
use super::options::read_options;
use super::schedules::SchedulesApi;
use super::transport::{Fetch, Hooks};
use super::users::UsersApi;
use super::{to_js, to_js_error};
use crate::api::{decide_base_url, parse_single, precheck_base_url, ApiRequest, UrlParts, DEFAULT_BASE_URL};
use crate::error::Error;
use crate::model::NextCardNumber;
use crate::options::LocktClientOptions;

/// A client for the Lockt SecureAccess Cloud API v1.
///
/// ```js
/// const lockt = new LocktClient({ apiUser, apiKey });
/// const users = await lockt.users.list();
/// ```
#[wasm_bindgen]
pub struct LocktClient {
    fetch: Rc<Fetch>,
}

#[wasm_bindgen]
impl LocktClient {
    /// Creates a client; throws a `LocktError` of kind `config` for bad settings.
    #[wasm_bindgen(constructor)]
    pub fn new(#[wasm_bindgen(unchecked_param_type = "LocktClientOptions")] options: JsValue) -> Result<LocktClient, JsValue> {
        Self::configure(options).map_err(|e| to_js_error(&e))
    }

    fn configure(options: JsValue) -> Result<LocktClient, Error> {
        let (options, controls) = read_options::<LocktClientOptions>(&Some(options), "new LocktClient")?;
        let hooks = Hooks { request: controls.callback("hooks.request"), response: controls.callback("hooks.response"), retry: controls.callback("hooks.retry") };
        let raw_base = options.base_url.as_deref().unwrap_or(DEFAULT_BASE_URL);
        let proxied = raw_base.starts_with('/');
        let text = |v: Option<String>| v.map(|s| s.trim().to_string()).filter(|s| !s.is_empty());
        let (api_user, api_key) = (text(options.api_user), text(options.api_key));
        // Behind a proxy the keys are both given or both left to the proxy: one alone is a slip.
        if proxied && api_user.is_some() != api_key.is_some() {
            return Err(Error::config("apiUser and apiKey go together: give both, or neither behind a proxy that adds them"));
        }
        let base_url = resolve_base_url(raw_base)?;
        if !proxied && (api_user.is_none() || api_key.is_none()) {
            return Err(Error::config("apiUser and apiKey are required (or use a baseUrl path such as /lockt behind a proxy that adds them)"));
        }
        if [&api_user, &api_key].into_iter().flatten().any(|v| !is_header_value(v)) {
            return Err(Error::config("apiUser and apiKey must be printable ASCII without spaces"));
        }
        let mut headers = Vec::new();
        for (k, v) in options.headers.unwrap_or_default() {
            if ["apiuser", "apikey", "content-type"].contains(&k.to_ascii_lowercase().as_str()) {
                return Err(Error::config(format!("headers must not set {k}: the client sets it")));
            }
            if k.is_empty() || !k.bytes().all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b)) || v.bytes().any(|b| b < 0x20 || b == 0x7f) {
                return Err(Error::config(format!("headers has an invalid header {k:?}")));
            }
            headers.push((k, v));
        }
        let timeout_ms = options.timeout_ms.unwrap_or(30_000.0);
        if !(timeout_ms.is_finite() && timeout_ms > 0.0) {
            return Err(Error::config("timeoutMs must be a positive number"));
        }
        let max_retries = options.max_retries.unwrap_or(2).min(10);
        let max_wait_ms = options.rate_limit.and_then(|r| r.max_wait_ms).unwrap_or(300_000.0);
        if !(max_wait_ms.is_finite() && max_wait_ms >= 0.0) {
            return Err(Error::config("rateLimit.maxWaitMs must be a number >= 0"));
        }
        let fetch = Fetch::new(base_url, api_user, api_key, headers, timeout_ms, max_retries, max_wait_ms, hooks);
        Ok(LocktClient { fetch: Rc::new(fetch) })
    }

    /// Card holders: list, get, save, validate, and the case processes.
    #[wasm_bindgen(getter)]
    pub fn users(&self) -> UsersApi {
        UsersApi::new(self.fetch.clone())
    }

    /// Credentials: list, summary, reissue.
    #[wasm_bindgen(getter)]
    pub fn credentials(&self) -> CredentialsApi {
        CredentialsApi::new(self.fetch.clone())
    }

    /// The event log: list, after an id, and a live tail.
    #[wasm_bindgen(getter)]
    pub fn events(&self) -> EventsApi {
        EventsApi::new(self.fetch.clone())
    }

    /// Doors: list, create, battery states.
    #[wasm_bindgen(getter)]
    pub fn doors(&self) -> DoorsApi {
        DoorsApi::new(self.fetch.clone())
    }

    /// Fobs: list, create, reassign, check.
    #[wasm_bindgen(getter)]
    pub fn fobs(&self) -> FobsApi {
        FobsApi::new(self.fetch.clone())
    }

    /// Schedules.
    #[wasm_bindgen(getter)]
    pub fn schedules(&self) -> SchedulesApi {
        SchedulesApi::new(self.fetch.clone())
    }

    /// Access levels.
    #[wasm_bindgen(getter, js_name = accessLevels)]
    pub fn access_levels(&self) -> AccessLevelsApi {
        AccessLevelsApi::new(self.fetch.clone())
    }

    /// The next free card number, as digit text (`GET /nextcardnum`, pending release).
    #[wasm_bindgen(js_name = nextCardNumber, unchecked_return_type = "Promise<string>")]
    pub fn next_card_number(&self, #[wasm_bindgen(unchecked_optional_param_type = "CallOptions")] options: Option<JsValue>) -> js_sys::Promise {
        read(
            &self.fetch,
            Ok(ApiRequest::get("nextcardnum")),
            options,
            "nextCardNumber",
            Box::new(|resp| {
                let n: NextCardNumber = parse_single(resp)?;
                to_js(&n.card_num.ok_or_else(|| Error::decode(200, "no card_num in the answer"))?)
            }),
        )
    }

    /// The client's settings without secrets: `{ baseUrl, apiUser, apiKey: "[redacted]", ... }`.
    #[wasm_bindgen(js_name = toJSON, unchecked_return_type = "Record<string, unknown>")]
    pub fn to_json(&self) -> JsValue {
        let t = &self.fetch;
        let o = Object::new();
        let _ = Reflect::set(&o, &"baseUrl".into(), &t.base_url.as_str().into());
        let _ = Reflect::set(&o, &"apiUser".into(), &t.api_user.as_deref().map_or(JsValue::UNDEFINED, JsValue::from));
        let _ = Reflect::set(&o, &"apiKey".into(), &"[redacted]".into());
        let _ = Reflect::set(&o, &"timeoutMs".into(), &t.timeout_ms.into());
        let _ = Reflect::set(&o, &"maxRetries".into(), &t.max_retries.into());
        let rate_limit = Object::new();
        let _ = Reflect::set(&rate_limit, &"maxWaitMs".into(), &t.max_wait_ms.into());
        let _ = Reflect::set(&o, &"rateLimit".into(), &rate_limit);
        o.into()
    }

    /// `LocktClient(<baseUrl>)`, without secrets.
    #[wasm_bindgen(js_name = toString)]
    pub fn to_string_js(&self) -> String {
        format!("LocktClient({})", self.fetch.base_url)
    }
}

/// Checks a base URL with the runtime's own WHATWG `URL` parser, the one `fetch` uses. A path
/// form (`/lockt`) is resolved against the page's base URL and must keep the page's origin;
/// where there is no page (Node), it is refused.
fn resolve_base_url(raw: &str) -> Result<String, Error> {
    let text = precheck_base_url(raw)?;
    let page = if text.starts_with('/') { Some(page_location()?) } else { None };
    let url = match &page {
        Some((base, _)) => web_sys::Url::new_with_base(text, base),
        None => web_sys::Url::new(text),
    }
    .map_err(|_| Error::config("baseUrl must be an absolute https:// URL, such as https://cloudapi.lockt.com/api/v1"))?;
    let parts = UrlParts { protocol: url.protocol(), userinfo: url.username() + &url.password(), hostname: url.hostname(), origin: url.origin(), pathname: url.pathname() };
    decide_base_url(&parts, page.as_ref().map(|(_, origin)| origin.as_str()))
}

/// The page's base URL (`document.baseURI`, else `location.href`) and origin, or a `config`
/// error where there is no page.
fn page_location() -> Result<(String, String), Error> {
    let global = js_sys::global();
    let get = |target: &JsValue, key: &str| Reflect::get(target, &key.into()).ok().filter(|v| !v.is_undefined() && !v.is_null());
    let no_page = || Error::config("a path-form baseUrl needs a web page to resolve against: pass an absolute URL such as http://127.0.0.1:8080/api/v1");
    let location = get(&global, "location").ok_or_else(no_page)?;
    let origin = get(&location, "origin").and_then(|v| v.as_string()).filter(|o| o != "null").ok_or_else(no_page)?;
    let base = get(&global, "document").and_then(|d| get(&d, "baseURI")).or_else(|| get(&location, "href")).and_then(|v| v.as_string()).ok_or_else(no_page)?;
    Ok((base, origin))
}

fn is_header_value(v: &str) -> bool {
    v.bytes().all(|b| b.is_ascii_graphic())
}
