//! Cloud actions: one type per action, request and response models with the
//! field names exactly as Tencent publishes them (CLOUD-API.md §1–2).

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::permissions::Rule;

/// The products the console speaks to, with their API versions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Product {
    Tcbr,
    Tcb,
    Ssl,
}

impl Product {
    pub const ALL: [Product; 3] = [Product::Tcbr, Product::Tcb, Product::Ssl];

    /// The service name in the credential scope and the URL path.
    pub fn name(self) -> &'static str {
        match self {
            Product::Tcbr => "tcbr",
            Product::Tcb => "tcb",
            Product::Ssl => "ssl",
        }
    }

    pub fn version(self) -> &'static str {
        match self {
            Product::Tcbr => "2022-02-17",
            Product::Tcb => "2018-06-08",
            Product::Ssl => "2019-12-05",
        }
    }

    pub fn parse(s: &str) -> Option<Product> {
        Product::ALL.into_iter().find(|p| p.name() == s)
    }
}

/// One cloud action: where it lives, what it carries, and who may call it
/// through the console.
pub trait Action {
    const PRODUCT: Product;
    const NAME: &'static str;
    /// What the caller needs for the console to forward it, and whether it
    /// is audited; `None`: the console never forwards it (the BFF alone calls it).
    const RULE: Option<Rule>;
    /// Where the request says who made it (a dotted path), so records name
    /// them (R-DEP-5): the console fills it with the signed-in user.
    const REMARK: Option<&'static str>;
    type Request: Serialize + DeserializeOwned;
    type Response: Serialize + DeserializeOwned;
}

/// What the registry knows of an action without its types.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ActionInfo {
    pub product: Product,
    pub name: &'static str,
    pub rule: Option<Rule>,
    pub remark: Option<&'static str>,
}

impl ActionInfo {
    pub const fn of<A: Action>() -> ActionInfo {
        ActionInfo { product: A::PRODUCT, name: A::NAME, rule: A::RULE, remark: A::REMARK }
    }
}

macro_rules! remark {
    () => {
        None
    };
    ($path:literal) => {
        Some($path)
    };
}

/// Declares a file's actions, each with its product, models and rule, and
/// lists them in that file's `ACTIONS` for the registry: adding an action
/// is one line here plus its handler.
macro_rules! actions {
    ($($name:ident: $product:expr, $req:ty, $resp:ty, $rule:expr $(, remark = $remark:literal)?;)+) => {
        $(
            #[doc = concat!("The `", stringify!($name), "` action.")]
            pub struct $name;
            impl Action for $name {
                const PRODUCT: Product = $product;
                const NAME: &'static str = stringify!($name);
                const RULE: Option<crate::permissions::Rule> = $rule;
                const REMARK: Option<&'static str> = remark!($($remark)?);
                type Request = $req;
                type Response = $resp;
            }
        )+
        pub(super) const ACTIONS: &[super::ActionInfo] = &[$(super::ActionInfo::of::<$name>()),+];
    };
}

/// A response with nothing but its `RequestId` (added by the envelope).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Empty {}

mod domains;
mod envs;
mod observe;
mod packages;
mod releases;
mod services;

pub use domains::*;
pub use envs::*;
pub use observe::*;
pub use packages::*;
pub use releases::*;
pub use services::*;

/// Every action the console knows.
pub fn all() -> impl Iterator<Item = &'static ActionInfo> {
    envs::ACTIONS
        .iter()
        .chain(packages::ACTIONS)
        .chain(domains::ACTIONS)
        .chain(services::ACTIONS)
        .chain(releases::ACTIONS)
        .chain(observe::ACTIONS)
}

/// The cloud proxy's allow-list: a forwarded action, `None` for anything else.
pub fn forwarded(product: Product, name: &str) -> Option<&'static ActionInfo> {
    all().find(|a| a.product == product && a.name == name && a.rule.is_some())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_names_are_pascal_case_as_published() {
        let req =
            CreateCloudRunEnvRequest { package_type: "Trial".into(), alias: Some("prod".into()), ..Default::default() };
        assert_eq!(serde_json::to_string(&req).unwrap(), r#"{"PackageType":"Trial","Alias":"prod"}"#);
        let v = serde_json::to_value(DestroyEnvRequest { env_id: "e".into(), ..Default::default() }).unwrap();
        assert_eq!(v, serde_json::json!({"EnvId": "e"}));
    }

    #[test]
    fn the_registry_is_the_allow_list() {
        let names: Vec<&str> = all().map(|a| a.name).collect();
        let unique: std::collections::HashSet<&str> = names.iter().copied().collect();
        assert_eq!(unique.len(), names.len(), "each action once");
        // Reads never mutate; every action that changes the cloud is audited.
        for a in all().filter(|a| a.rule.is_some()) {
            let reads = a.name.starts_with("Describe") || a.name.starts_with("Search");
            assert_eq!(a.rule.unwrap().mutating, !reads, "{}", a.name);
        }
        assert_eq!(forwarded(Product::Tcbr, "DeleteEverything"), None);
        assert_eq!(forwarded(Product::Tcb, "CreateCloudRunEnv"), None, "the product counts");
        assert_eq!(forwarded(Product::Tcb, "DescribeCloudBaseBuildService"), None, "upload URLs stay in the BFF");
        assert!(forwarded(Product::Tcbr, "CreateCloudRunServer").is_some());
        // Every forwarded change says who made it where the action has a place for it.
        for name in ["CreateCloudRunServer", "UpdateCloudRunServer", "OperateServerManage", "DeleteCloudRunServer"] {
            assert!(forwarded(Product::Tcbr, name).unwrap().remark.is_some(), "{name}");
        }
    }

    #[test]
    fn products_carry_their_versions() {
        assert_eq!(<DestroyEnv as Action>::PRODUCT.version(), "2018-06-08");
        assert_eq!(<CreateCloudRunEnv as Action>::PRODUCT.version(), "2022-02-17");
        assert_eq!(Product::parse("ssl"), Some(Product::Ssl));
    }
}
