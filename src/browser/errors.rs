//! The core's errors as the JavaScript `Error`s a page catches, in one place: `?` converts them.
//! (wasm-bindgen's `JsError` makes an `Error` without an import of its own.)

use crate::settings::SettingsError;
use wasm_bindgen::JsError;

impl From<SettingsError<'_>> for JsError {
    fn from(error: SettingsError<'_>) -> JsError {
        JsError::new(&error.message())
    }
}

#[cfg(feature = "cookie-banner")]
impl From<crate::consent::BannerMappingError> for JsError {
    fn from(error: crate::consent::BannerMappingError) -> JsError {
        JsError::new(&error.message())
    }
}
