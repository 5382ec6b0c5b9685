//! Texts with values for custom domains and their certificates (R-DOM-1..4):
//! a refused domain name, a certificate problem, expiry, the protocol, the
//! DNS status and what the page announces.

use console_shared::certs::{CertField, CertProblem, DOMAIN_MAX, DomainError, LABEL_MAX};
use console_shared::rules::shown;
use console_shared::vocab::{DnsStatus, DomainProtocol, RouteStatus};

use super::{Lang, Msg};

/// R-DOM-1: why a text is not a domain that can be bound.
pub fn domain_error(e: &DomainError, lang: Lang) -> String {
    match (e, lang) {
        (DomainError::Empty, _) => Msg::NeedDomainName.text(lang).into(),
        (DomainError::TooLong, Lang::En) => format!("A domain name has at most {DOMAIN_MAX} characters."),
        (DomainError::TooLong, Lang::Zh) => format!("域名最多 {DOMAIN_MAX} 个字符。"),
        (DomainError::NotAscii, Lang::En) => {
            "Use ASCII only: write an internationalised name in its punycode form (xn--…).".into()
        }
        (DomainError::NotAscii, Lang::Zh) => {
            "只能使用 ASCII 字符：中文等国际化域名请填写其 punycode 形式（xn--…）。".into()
        }
        (DomainError::Wildcard, Lang::En) => {
            "Bind one host name, not a wildcard: bind each name, and use a wildcard certificate for them.".into()
        }
        (DomainError::Wildcard, Lang::Zh) => {
            "请绑定具体的主机名，而不是通配符：逐个绑定各个名称，可以为它们使用通配符证书。".into()
        }
        (DomainError::InvalidChar(c), Lang::En) => {
            format!(
                "Only letters, digits, '-' and '.' are allowed (found {}): enter the host name alone, without https:// or a path.",
                shown(*c)
            )
        }
        (DomainError::InvalidChar(c), Lang::Zh) => {
            format!("只能包含字母、数字、'-' 和 '.'（发现了 {}）：只填主机名，不要带 https:// 或路径。", shown(*c))
        }
        (DomainError::EmptyLabel, Lang::En) => "No leading, trailing or double '.'.".into(),
        (DomainError::EmptyLabel, Lang::Zh) => "不能以 '.' 开头或结尾，也不能有连续的 '.'。".into(),
        (DomainError::LabelTooLong, Lang::En) => {
            format!("Each part between dots has at most {LABEL_MAX} characters.")
        }
        (DomainError::LabelTooLong, Lang::Zh) => format!("两个点之间的每一段最多 {LABEL_MAX} 个字符。"),
        (DomainError::LabelHyphen, Lang::En) => "A part between dots must not start or end with '-'.".into(),
        (DomainError::LabelHyphen, Lang::Zh) => "两个点之间的每一段都不能以 '-' 开头或结尾。".into(),
        (DomainError::SingleLabel, Lang::En) => {
            "Enter a full domain such as www.example.com, with at least one '.'.".into()
        }
        (DomainError::SingleLabel, Lang::Zh) => "请填写完整的域名，例如 www.example.com，至少包含一个 '.'。".into(),
        (DomainError::NumericTld, Lang::En) => {
            "End with a top-level domain such as .com: IP addresses cannot be bound.".into()
        }
        (DomainError::NumericTld, Lang::Zh) => "请以 .com 等顶级域名结尾：不能绑定 IP 地址。".into(),
    }
}

/// The shared check's sentence, which starts in lower case to read inside
/// others, as a sentence of its own.
fn sentence(text: &str) -> String {
    let text = text.trim();
    let mut chars = text.chars();
    let mut out: String = chars.next().map(|c| c.to_uppercase().chain(chars).collect()).unwrap_or_default();
    if !out.ends_with(['.', '!', '?']) {
        out.push('.');
    }
    out
}

/// What the check read of the certificate, to say a problem's details in
/// words of the user's language rather than the check's English sentence.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CertContext {
    /// The names the certificate covers.
    pub names: Vec<String>,
    /// Its validity, as shown on the page.
    pub from: Option<String>,
    pub until: Option<String>,
}

/// A certificate problem in Chinese, a whole sentence by its cloud code;
/// the details come from what the check read, not from the English text.
fn problem_zh(code: &str, field: Option<CertField>, cx: &CertContext) -> String {
    let names = (!cx.names.is_empty()).then(|| cx.names.join("、"));
    match code {
        "InvalidParameter.CertificateFormat" => match field {
            Some(CertField::PrivateKey) => "私钥不是可用的 PEM 文本：请粘贴以 -----BEGIN PRIVATE KEY----- 等开头的私钥 PEM 文本，且只放私钥。".into(),
            _ => "证书不是可用的 PEM 文本：请粘贴以 -----BEGIN CERTIFICATE----- 开头的证书 PEM 文本，且只放证书；二进制证书（.der、.pfx、.p12）需先转换为 PEM 格式。".into(),
        },
        "InvalidParameter.CertificateChain" => {
            "证书链有误：第一张必须是该域名的服务器证书，其后依次是签发它的中间证书，并且每张都必须是有效的 X.509 证书。".into()
        }
        "InvalidParameter.PrivateKey" => {
            "私钥无法使用：请提供一个未加密的 RSA（2048 位及以上）或 ECDSA 私钥的 PEM 文本。".into()
        }
        "InvalidParameter.CertificateKeyMismatch" => {
            "私钥与证书不匹配：请使用证书链中第一张（服务器）证书对应的私钥。".into()
        }
        "InvalidParameter.CertificateExpired" => match &cx.until {
            Some(until) => format!("证书已于 {until} 过期：请上传续期后的证书。"),
            None => "证书已过期：请上传续期后的证书。".into(),
        },
        "InvalidParameter.CertificateNotYetValid" => match &cx.from {
            Some(from) => format!("证书要到 {from} 才生效：请上传当前有效的证书，或到时再绑定。"),
            None => "证书尚未生效：请上传当前有效的证书，或到生效后再绑定。".into(),
        },
        "InvalidParameter.CertificateDomainMismatch" => match names {
            Some(names) => format!("证书没有覆盖该域名，它只包含：{names}。请上传包含该域名的证书。"),
            None => "证书没有覆盖该域名：请上传包含该域名的证书。".into(),
        },
        _ => "证书或私钥有误：请检查后重新填写。".into(),
    }
}

/// The cloud's and the check's English, as a sentence to show: backticks
/// around names are markup, not text.
fn plain(text: &str) -> String {
    sentence(&text.replace('`', ""))
}

/// A problem the certificate check found (R-DOM-2). The check's sentence
/// is English and names the exact fix; Chinese says it in a sentence of its
/// own, by the problem's code.
pub fn cert_problem(p: &CertProblem, cx: &CertContext, lang: Lang) -> String {
    match lang {
        Lang::En => plain(&p.message),
        Lang::Zh => problem_zh(&p.code, p.field, cx),
    }
}

/// A refusal from the cloud after submitting, in the user's language, for
/// the codes that are about a domain or its certificate; `None` for the
/// others, which the general error text says.
pub fn domain_cloud_error(code: &str, message: &str, cx: &CertContext, lang: Lang) -> Option<String> {
    let known =
        matches!(code, "ResourceInUse.Domain" | "InvalidParameter.Domain" | "FailedOperation.CertificateNotFound")
            || code.starts_with("InvalidParameter.Certificate")
            || code == "InvalidParameter.PrivateKey";
    if !known {
        return None;
    }
    Some(match (code, lang) {
        (_, Lang::En) => plain(message),
        ("ResourceInUse.Domain", Lang::Zh) => {
            "该域名已被绑定（可能在其他服务或环境中）：请先在原处解绑，或换一个域名。".into()
        }
        ("InvalidParameter.Domain", Lang::Zh) => {
            "云端不接受这个域名（例如它属于平台自身用于默认域名的区域）：请绑定您自己拥有的域名。".into()
        }
        ("FailedOperation.CertificateNotFound", Lang::Zh) => "刚上传的证书在云端找不到了：请重新提交一次。".into(),
        (code, Lang::Zh) => problem_zh(code, None, cx),
    })
}

/// R-DOM-1: the name is bound to this service already.
pub fn already_listed(domain: &str, lang: Lang) -> String {
    match lang {
        Lang::En => format!("{domain} is bound to this service already: edit it in the list below instead."),
        Lang::Zh => format!("{domain} 已绑定到此服务：请在下方列表中编辑它。"),
    }
}

/// The preview's line while a chosen file was refused: the check ran on
/// the text that is still in the field.
pub fn file_not_read_outcome(lang: Lang) -> String {
    match lang {
        Lang::En => "A chosen file was not read: see the message under its field.".into(),
        Lang::Zh => "所选文件未被读取：请查看对应输入框下方的说明。".into(),
    }
}

/// R-DOM-4: switching an HTTPS domain to HTTP only, confirmed first.
pub fn drop_https_question(domain: &str, lang: Lang) -> String {
    match lang {
        Lang::En => format!(
            "Serve {domain} over HTTP only? https:// links to it stop working, and its certificate is no longer used."
        ),
        Lang::Zh => format!("确定让 {domain} 只使用 HTTP？指向它的 https:// 链接将无法访问，其证书也不再使用。"),
    }
}

/// The overview's notice, how to renew, as the caller can: a developer on
/// the Domains tab, a viewer by asking one.
pub fn renew_hint(can_edit: bool, lang: Lang) -> String {
    match (can_edit, lang) {
        (true, _) => Msg::RenewOnDomainsTab.text(lang).into(),
        (false, Lang::En) => "Ask a developer of this environment to renew it.".into(),
        (false, Lang::Zh) => "请联系此环境的开发者更新证书。".into(),
    }
}

/// The link a viewer gets to see the domains anyway.
pub fn see_domains_tab(lang: Lang) -> String {
    match lang {
        Lang::En => "See the Domains tab".into(),
        Lang::Zh => "查看“域名”页".into(),
    }
}

/// What the certificate check found, in one line.
pub fn check_outcome(problems: usize, lang: Lang) -> String {
    match (problems, lang) {
        (0, Lang::En) => "Checked: nothing to fix.".into(),
        (0, Lang::Zh) => "校验完成：没有需要修正的问题。".into(),
        (1, Lang::En) => "Checked: 1 problem to fix.".into(),
        (n, Lang::En) => format!("Checked: {n} problems to fix."),
        (n, Lang::Zh) => format!("校验完成：有 {n} 个问题需要修正。"),
    }
}

/// Why a file chosen for the certificate or key was not read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FileRefusal {
    /// Binary (NUL bytes or not UTF-8): DER, PKCS#12 and the like (R-DOM-2).
    NotText(String),
    /// Larger than any certificate chain or key.
    TooLarge(String, usize),
    /// The browser could not read it.
    Unreadable(String),
}

pub fn file_refusal(r: &FileRefusal, lang: Lang) -> String {
    match (r, lang) {
        (FileRefusal::NotText(name), Lang::En) => format!(
            "“{name}” is not a text file, so it was not read: choose the PEM file, whose text starts with \
             -----BEGIN. A binary certificate (.der, .pfx, .p12) must be converted to PEM first."
        ),
        (FileRefusal::NotText(name), Lang::Zh) => format!(
            "“{name}”不是文本文件，未读取：请选择以 -----BEGIN 开头的 PEM 文件。二进制证书（.der、.pfx、.p12）需要先转换为 PEM 格式。"
        ),
        (FileRefusal::TooLarge(name, max), Lang::En) => {
            format!(
                "“{name}” is larger than {} KB, so it was not read: a certificate chain or a key is a few kilobytes.",
                max / 1024
            )
        }
        (FileRefusal::TooLarge(name, max), Lang::Zh) => {
            format!("“{name}”超过 {} KB，未读取：证书链或私钥通常只有几 KB。", max / 1024)
        }
        (FileRefusal::Unreadable(name), Lang::En) => format!("“{name}” could not be read; choose it again."),
        (FileRefusal::Unreadable(name), Lang::Zh) => format!("无法读取“{name}”，请重新选择。"),
    }
}

pub fn protocol_name(p: &DomainProtocol, lang: Lang) -> String {
    let msg = match p {
        DomainProtocol::Http => Msg::ProtocolHttp,
        DomainProtocol::Https => Msg::ProtocolHttps,
        DomainProtocol::HttpToHttps => Msg::ProtocolHttpToHttps,
        DomainProtocol::HttpAndHttps => Msg::ProtocolHttpAndHttps,
        DomainProtocol::HttpsToHttp => Msg::ProtocolHttpsToHttp,
        DomainProtocol::Other(text) => return text.clone(),
    };
    msg.text(lang).into()
}

/// A route's state in words, and what a failure means.
pub fn route_status(s: &RouteStatus, lang: Lang) -> String {
    let msg = match (s, lang) {
        // Set up on the gateway; whether traffic comes is the DNS status's to say.
        (RouteStatus::Success, Lang::En) => return "Configured".into(),
        (RouteStatus::Success, Lang::Zh) => return "已配置".into(),
        _ => match s {
            RouteStatus::Success => Msg::RouteSuccess,
            RouteStatus::Fail => Msg::RouteFail,
            RouteStatus::Processing => Msg::RouteProcessing,
            RouteStatus::EoPendingVerification => Msg::RoutePending,
            RouteStatus::Other(text) => return text.clone(),
        },
    };
    msg.text(lang).into()
}

/// The DNS status (R-DOM-3) in a word or two, and in a sentence.
pub fn dns_status(s: &DnsStatus, lang: Lang) -> (String, String) {
    let (short, long) = match s {
        DnsStatus::Ok => (Msg::DnsOk, Msg::DnsOkHelp),
        DnsStatus::Empty => (Msg::DnsEmpty, Msg::DnsEmptyHelp),
        DnsStatus::Invalid => (Msg::DnsInvalid, Msg::DnsInvalidHelp),
        DnsStatus::Unresolved => (Msg::DnsUnresolved, Msg::DnsUnresolvedHelp),
        DnsStatus::Other(text) => return (text.clone(), String::new()),
    };
    (short.text(lang).into(), long.text(lang).into())
}

/// "in 12 days", "today", "2 days ago": when a certificate ends, from its days left.
fn days_phrase(days: i64, lang: Lang) -> String {
    match (days, lang) {
        (0, Lang::En) => "today".into(),
        (0, Lang::Zh) => "今天".into(),
        (1, Lang::En) => "in 1 day".into(),
        (-1, Lang::En) => "1 day ago".into(),
        (d, Lang::En) if d > 0 => format!("in {d} days"),
        (d, Lang::En) => format!("{} days ago", -d),
        (d, Lang::Zh) if d > 0 => format!("{d} 天后"),
        (d, Lang::Zh) => format!("{} 天前", -d),
    }
}

/// A certificate's end: "Expires in 12 days", "Expired 2 days ago".
pub fn expiry_text(days: i64, lang: Lang) -> String {
    let when = days_phrase(days, lang);
    match (days < 0, lang) {
        (false, Lang::En) => format!("Expires {when}"),
        (true, Lang::En) => format!("Expired {when}"),
        (false, Lang::Zh) => format!("{when}过期"),
        (true, Lang::Zh) => format!("已于 {when}过期"),
    }
}

/// A certificate's validity period: "2026-01-01 08:00:00 – 2026-04-01 08:00:00".
pub fn period_text(from: &str, until: &str) -> String {
    format!("{from} – {until}")
}

/// What is left of a certificate's validity: "80 days left", "1 day left",
/// "expired"; in brackets, to follow the period. Kept on one line.
pub fn days_left_text(days: i64, lang: Lang) -> String {
    match (days, lang) {
        (1, Lang::En) => "(1 day left)".into(),
        (d, Lang::En) if d >= 0 => format!("({d} days left)"),
        (_, Lang::En) => "(expired)".into(),
        (d, Lang::Zh) if d >= 0 => format!("（剩余 {d} 天）"),
        (_, Lang::Zh) => "（已过期）".into(),
    }
}

/// The flag on the environment's services list, naming the domain:
/// "shop.example.com: certificate expires in 12 days".
pub fn service_cert_flag(domain: &str, days: i64, lang: Lang) -> String {
    match lang {
        Lang::En => format!("{domain}: certificate {}", expiry_text(days, lang).to_lowercase()),
        // A space between the Chinese and a number, none before other words.
        Lang::Zh if days > 0 => format!("{domain}：证书 {}", expiry_text(days, lang)),
        Lang::Zh => format!("{domain}：证书{}", expiry_text(days, lang)),
    }
}

/// The notice on the service's overview.
pub fn cert_expiry_notice(domain: &str, days: i64, lang: Lang) -> String {
    let when = days_phrase(days, lang);
    match (days < 0, lang) {
        (false, Lang::En) => format!("The HTTPS certificate of {domain} expires {when}."),
        (true, Lang::En) => format!("The HTTPS certificate of {domain} expired {when}: browsers refuse the domain."),
        (false, Lang::Zh) if days == 0 => format!("{domain} 的 HTTPS 证书将于今天过期。"),
        (false, Lang::Zh) => format!("{domain} 的 HTTPS 证书将于 {when}过期。"),
        (true, Lang::Zh) => format!("{domain} 的 HTTPS 证书已于 {when}过期：浏览器会拒绝访问该域名。"),
    }
}

/// A control's name with the domain it acts on, for screen readers and
/// tests: "Edit api.example.com".
pub fn for_domain(action: Msg, domain: &str, lang: Lang) -> String {
    format!("{} {domain}", action.text(lang))
}

/// The edit form's title.
pub fn edit_title(domain: &str, lang: Lang) -> String {
    match lang {
        Lang::En => format!("Edit {domain}"),
        Lang::Zh => format!("编辑 {domain}"),
    }
}

/// R-DOM-4: unbinding, with what it stops.
pub fn unbind_question(domain: &str, service: &str, lang: Lang) -> String {
    match lang {
        Lang::En => format!(
            "Unbind {domain} from {service}? Requests to it stop reaching the service at once; then remove its CNAME \
             record at your DNS provider."
        ),
        Lang::Zh => format!(
            "确定将 {domain} 与 {service} 解绑？发往该域名的请求将立即无法到达该服务；之后请在 DNS 服务商处删除它的 CNAME 记录。"
        ),
    }
}

/// R-DOM-3: what is announced once a domain is bound, with the record to create.
pub fn bound_announcement(domain: &str, cname: &str, lang: Lang) -> String {
    match (cname.is_empty(), lang) {
        (false, Lang::En) => format!(
            "{domain} is bound. Next, create this record at your DNS provider: {domain}, type CNAME, value {cname}."
        ),
        (false, Lang::Zh) => {
            format!(
                "{domain} 已绑定。下一步，请在 DNS 服务商处添加记录：主机记录 {domain}，类型 CNAME，记录值 {cname}。"
            )
        }
        (true, Lang::En) => format!("{domain} is bound."),
        (true, Lang::Zh) => format!("{domain} 已绑定。"),
    }
}

pub fn saved_announcement(domain: &str, lang: Lang) -> String {
    match lang {
        Lang::En => format!("{domain} is saved: new connections use its new settings and certificate."),
        Lang::Zh => format!("{domain} 已保存：新的连接将使用新的设置和证书。"),
    }
}

pub fn unbound_announcement(domain: &str, lang: Lang) -> String {
    match lang {
        Lang::En => format!("{domain} is unbound."),
        Lang::Zh => format!("{domain} 已解绑。"),
    }
}

/// When the DNS status was last asked for: "Checked at 10:42:07".
pub fn checked_at(time: &str, lang: Lang) -> String {
    match lang {
        Lang::En => format!("Checked at {time}"),
        Lang::Zh => format!("检查于 {time}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::tests::untranslated_words;

    #[test]
    fn r_dom_1_every_refused_name_is_explained_in_both_languages() {
        use DomainError::*;
        let errors = [
            Empty,
            TooLong,
            NotAscii,
            Wildcard,
            InvalidChar(':'),
            EmptyLabel,
            LabelTooLong,
            LabelHyphen,
            SingleLabel,
            NumericTld,
        ];
        for e in &errors {
            let (en, zh) = (domain_error(e, Lang::En), domain_error(e, Lang::Zh));
            assert_ne!(en, zh);
            assert_eq!(untranslated_words(&zh), Vec::<&str>::new(), "{zh}");
        }
        // The shared rule decides; the text explains its verdict.
        let e = console_shared::certs::domain_name("https://api.example.com").unwrap_err();
        assert!(domain_error(&e, Lang::En).contains("(found ':')"), "{}", domain_error(&e, Lang::En));
    }

    #[test]
    fn r_dom_2_a_check_problem_reads_as_a_sentence_and_in_chinese_wholly() {
        let msg = "the private key does not belong to the certificate: it must be the key of the first (server) certificate of the chain";
        let p = |code: &str, message: &str| CertProblem { field: None, code: code.into(), message: message.into() };
        let cx = CertContext {
            names: vec!["a.example.com".into(), "b.example.com".into()],
            from: Some("2026-01-01 08:00:00".into()),
            until: Some("2026-04-01 08:00:00".into()),
        };
        let en = cert_problem(&p("InvalidParameter.CertificateKeyMismatch", msg), &cx, Lang::En);
        assert!(en.starts_with("The private key does not belong") && en.ends_with("chain."), "{en}");
        assert_eq!(cert_problem(&p("X", "the key of `a.b`"), &cx, Lang::En), "The key of a.b.");
        let codes = [
            "InvalidParameter.CertificateFormat",
            "InvalidParameter.CertificateChain",
            "InvalidParameter.PrivateKey",
            "InvalidParameter.CertificateKeyMismatch",
            "InvalidParameter.CertificateExpired",
            "InvalidParameter.CertificateNotYetValid",
            "InvalidParameter.CertificateDomainMismatch",
        ];
        for code in codes {
            let zh = cert_problem(&p(code, msg), &cx, Lang::Zh);
            assert!(!zh.contains("private key"), "{zh}");
            // Key algorithms are named as they are.
            let words: Vec<&str> =
                untranslated_words(&zh).into_iter().filter(|w| !["RSA", "ECDSA"].contains(w)).collect();
            assert_eq!(words, Vec::<&str>::new(), "{zh}");
        }
        let zh = cert_problem(&p("InvalidParameter.CertificateDomainMismatch", msg), &cx, Lang::Zh);
        assert!(zh.contains("a.example.com、b.example.com"), "{zh}");
        for code in ["ResourceInUse.Domain", "InvalidParameter.Domain", "FailedOperation.CertificateNotFound"] {
            let zh = domain_cloud_error(code, "domain `a.b` is bound", &cx, Lang::Zh).unwrap();
            assert_eq!(untranslated_words(&zh), Vec::<&str>::new(), "{zh}");
            assert_eq!(
                domain_cloud_error(code, "domain `a.b` is bound", &cx, Lang::En).unwrap(),
                "Domain a.b is bound."
            );
        }
        assert_eq!(domain_cloud_error("InternalError", "x", &cx, Lang::Zh), None);
    }

    #[test]
    fn expiry_is_said_with_its_days() {
        assert_eq!(expiry_text(12, Lang::En), "Expires in 12 days");
        assert_eq!(expiry_text(1, Lang::En), "Expires in 1 day");
        assert_eq!(expiry_text(0, Lang::En), "Expires today");
        assert_eq!(expiry_text(-2, Lang::En), "Expired 2 days ago");
        assert_eq!(expiry_text(12, Lang::Zh), "12 天后过期");
        assert_eq!(
            service_cert_flag("shop.example.com", 12, Lang::En),
            "shop.example.com: certificate expires in 12 days"
        );
        assert_eq!(service_cert_flag("shop.example.com", 9, Lang::Zh), "shop.example.com：证书 9 天后过期");
        assert_eq!(service_cert_flag("a.example.com", -1, Lang::Zh), "a.example.com：证书已于 1 天前过期");
        assert_eq!(cert_expiry_notice("a.example.com", 9, Lang::Zh), "a.example.com 的 HTTPS 证书将于 9 天后过期。");
        assert_eq!(days_left_text(1, Lang::En), "(1 day left)");
        assert_eq!(days_left_text(89, Lang::En), "(89 days left)");
        assert_eq!(days_left_text(364, Lang::Zh), "（剩余 364 天）");
    }

    #[test]
    fn every_domain_text_reads_in_both_languages() {
        let texts: Vec<Box<dyn Fn(Lang) -> String>> = vec![
            Box::new(|l| file_refusal(&FileRefusal::NotText("cert.der".into()), l)),
            Box::new(|l| file_refusal(&FileRefusal::TooLarge("big.pem".into(), 65_536), l)),
            Box::new(|l| file_refusal(&FileRefusal::Unreadable("key.pem".into()), l)),
            Box::new(|l| expiry_text(5, l)),
            Box::new(|l| expiry_text(-5, l)),
            Box::new(|l| days_left_text(80, l)),
            Box::new(|l| days_left_text(-3, l)),
            Box::new(|l| service_cert_flag("api.example.com", 3, l)),
            Box::new(|l| already_listed("api.example.com", l)),
            Box::new(file_not_read_outcome),
            Box::new(|l| drop_https_question("api.example.com", l)),
            Box::new(|l| renew_hint(true, l)),
            Box::new(|l| renew_hint(false, l)),
            Box::new(see_domains_tab),
            Box::new(|l| cert_expiry_notice("api.example.com", 3, l)),
            Box::new(|l| cert_expiry_notice("api.example.com", -3, l)),
            Box::new(|l| for_domain(Msg::EditDomain, "api.example.com", l)),
            Box::new(|l| edit_title("api.example.com", l)),
            Box::new(|l| unbind_question("api.example.com", "shop-1", l)),
            Box::new(|l| bound_announcement("api.example.com", "env-1.gw.run.localhost", l)),
            Box::new(|l| bound_announcement("api.example.com", "", l)),
            Box::new(|l| saved_announcement("api.example.com", l)),
            Box::new(|l| unbound_announcement("api.example.com", l)),
            Box::new(|l| checked_at("10:42:07", l)),
            Box::new(|l| check_outcome(0, l)),
            Box::new(|l| check_outcome(2, l)),
        ];
        for p in DomainProtocol::KNOWN {
            assert_ne!(protocol_name(p, Lang::En), protocol_name(p, Lang::Zh));
        }
        for s in RouteStatus::KNOWN {
            assert_ne!(route_status(s, Lang::En), route_status(s, Lang::Zh));
        }
        for s in DnsStatus::KNOWN {
            let (en, zh) = (dns_status(s, Lang::En), dns_status(s, Lang::Zh));
            assert!(en.0 != zh.0 && en.1 != zh.1 && !en.1.is_empty(), "{s:?}");
        }
        for text in texts {
            let (en, zh) = (text(Lang::En), text(Lang::Zh));
            assert_ne!(en, zh, "not translated: {zh}");
            assert_eq!(untranslated_words(&zh), Vec::<&str>::new(), "{zh}");
        }
    }

    /// R-DOM-3: the announcement after binding carries the whole record.
    #[test]
    fn r_dom_3_binding_announces_the_cname_record() {
        let text = bound_announcement("api.example.com", "env-1.gw.run.localhost", Lang::En);
        assert!(text.contains("CNAME") && text.contains("env-1.gw.run.localhost") && text.contains("api.example.com"));
    }
}
