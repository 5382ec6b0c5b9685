//! No input makes a validator panic: they run on whatever a browser, the CLI
//! or an SDK sends, in the SPA, the BFF and localcloud alike.

use console_shared::rules;
use proptest::prelude::*;

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2_000))]

    #[test]
    fn text_validators_take_any_string(s in "\\PC{0,300}|[a-z0-9./:@_-]{0,80}") {
        let _ = rules::image_reference(&s);
        let _ = rules::remark(&s);
        let _ = rules::display_name(&s);
        let _ = rules::username(&s);
        let _ = rules::env_alias(&s);
        let _ = rules::env_var_name(&s);
        let _ = rules::env_params(&s);
        let _ = console_shared::secrets::mask_env_params(&s);
        let _ = console_shared::secrets::mask_log_line(&s);
        let _ = console_shared::secrets::mask_log_line(&format!("TOKEN={s}"));
        let _ = rules::dockerfile_name(&s);
        let _ = rules::build_dir(&s);
    }

    /// A reference the grammar accepts is accepted with any valid tag.
    #[test]
    fn well_formed_references_pass(name in "[a-z0-9]{1,10}(/[a-z0-9]{1,10}){0,2}", tag in "[A-Za-z0-9_][A-Za-z0-9_.-]{0,20}") {
        prop_assert_eq!(rules::image_reference(&format!("{name}:{tag}")), Ok(()));
    }

    /// `a=1&b=2` as the CLI's `--envParams` writes it is always accepted.
    #[test]
    fn env_params_accept_what_the_cli_writes(pairs in proptest::collection::vec(("[A-Za-z_][A-Za-z0-9_]{0,12}", "[^&=]{0,12}"), 0..6)) {
        let text = pairs.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join("&");
        let parsed = rules::env_params(&text);
        prop_assert!(parsed.is_ok(), "{text:?}: {parsed:?}");
    }
}
