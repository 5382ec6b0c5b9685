//! The Content-Security-Policy of the SPA's page, and the budget of the
//! violation reports browsers send back (anyone can post one).

/// Where browsers report what the CSP blocked.
pub const CSP_REPORT_PATH: &str = "/api/csp-report";

/// The CSP for documents: scripts only from here or carrying this response's
/// nonce, wasm allowed to compile, nothing framed, no plugins, no `<base>`;
/// violations are reported so a broken page or an injection shows in the log.
pub fn csp(nonce: &str) -> String {
    format!(
        "default-src 'self'; script-src 'self' 'wasm-unsafe-eval' 'nonce-{nonce}'; style-src 'self'; \
         img-src 'self' data:; font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; \
         frame-ancestors 'none'; form-action 'self'; report-uri {CSP_REPORT_PATH}"
    )
}

/// Largest CSP report read; browsers send well under this.
pub const CSP_REPORT_MAX_BYTES: usize = 8 * 1024;

/// Reports logged per minute, whoever sends them: anyone can post here, so
/// the log must not become a way to fill the disk.
const CSP_REPORTS_PER_MINUTE: u32 = 30;

/// A fixed window shared by every client.
#[derive(Default)]
pub struct ReportBudget(std::sync::Mutex<(i64, u32)>);

impl ReportBudget {
    pub fn take(&self, now: i64) -> bool {
        let mut w = self.0.lock().unwrap_or_else(|p| p.into_inner());
        if now / 60 != w.0 {
            *w = (now / 60, 0);
        }
        w.1 += 1;
        w.1 <= CSP_REPORTS_PER_MINUTE
    }
}
