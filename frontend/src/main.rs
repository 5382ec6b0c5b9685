//! The console's single-page app.

mod api;
mod app;
mod components;
mod i18n;
mod pages;
mod prefs;
mod state;

fn main() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(app::App);
}
