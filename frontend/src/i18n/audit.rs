//! The audit log in words: each recorded action's name and each detail the
//! console writes, in the user's language.

use console_shared::permissions::Role;

use super::*;

/// Every action the audit log records, with its name in Chinese: the cloud
/// actions, the BFF's endpoints and the sign-in events.
const AUDIT_ACTIONS: &[(&str, &str)] = &[
    ("CreateCloudRunEnv", "新建环境"),
    ("DescribeCloudRunEnvs", "查看环境列表"),
    ("DescribeEnvBaseInfo", "查看环境信息"),
    ("DestroyEnv", "删除环境"),
    ("DescribeCloudBaseBuildService", "获取代码包上传地址"),
    ("DescribeCloudBaseRunBuildLog", "查看构建日志"),
    ("DeleteCloudRunVersions", "删除版本"),
    ("DescribeCloudRunServers", "查看服务列表"),
    ("DescribeVersionDetail", "查看版本详情"),
    ("DescribeCloudRunPodList", "查看实例列表"),
    ("CreateCloudRunServer", "新建服务"),
    ("UpdateCloudRunServer", "部署新版本"),
    ("DescribeCloudRunServerDetail", "查看服务详情"),
    ("DescribeCloudRunDeployRecord", "查看部署记录"),
    ("DescribeServerManageTask", "查看部署任务"),
    ("DescribeCloudRunProcessLog", "查看部署日志"),
    ("OperateServerManage", "操作部署任务或发布单"),
    ("DeleteCloudRunServer", "删除服务"),
    ("ReleaseGray", "设置灰度流量"),
    ("DescribeReleaseOrder", "查看发布单"),
    ("SubmitServerRollback", "回滚版本"),
    ("SubmitServerConfigChangeDiff", "修改服务配置"),
    ("UploadCertificate", "上传证书"),
    ("DescribeCertificateDetail", "查看证书详情"),
    ("CreateHTTPServiceRoute", "绑定自定义域名"),
    ("DescribeHTTPServiceRoute", "查看自定义域名"),
    ("ModifyHTTPServiceRoute", "修改自定义域名"),
    ("DeleteHTTPServiceRoute", "解绑自定义域名"),
    ("DescribeCurveData", "查看监控数据"),
    ("SearchClsLog", "检索运行日志"),
    ("ListUsers", "查看用户列表"),
    ("CreateUser", "添加用户"),
    ("UpdateUser", "修改用户"),
    ("DeleteUser", "删除用户"),
    ("ChangePassword", "修改密码"),
    ("ListSessions", "查看会话"),
    ("EndSession", "结束会话"),
    ("MyAccess", "查看我的权限"),
    ("ListMembers", "查看成员"),
    ("AddMember", "添加成员"),
    ("ChangeMemberRole", "修改成员角色"),
    ("RemoveMember", "移除成员"),
    ("ReadAudit", "查看环境审计日志"),
    ("ReadAllAudit", "查看全部审计日志"),
    ("WatchDeploy", "查看部署进度"),
    ("TailLogs", "实时查看日志"),
    ("HubStats", "查看实时连接统计"),
    ("UploadPackage", "上传代码包"),
    ("RevealSecrets", "显示密钥的值"),
    ("ServiceTimeline", "查看服务动态"),
    ("CheckCertificate", "校验证书"),
    ("ListTokens", "查看个人访问令牌"),
    ("CreateToken", "创建个人访问令牌"),
    ("RevokeToken", "撤销个人访问令牌"),
    ("Login", "登录"),
    ("Logout", "退出登录"),
    ("SessionExpired", "会话结束"),
];

/// An audit action's name in the user's language, when it differs from the
/// recorded name (which the action filter takes, so it is shown too).
pub fn audit_action(action: &str, lang: Lang) -> Option<&'static str> {
    match lang {
        Lang::En => None,
        Lang::Zh => AUDIT_ACTIONS.iter().find(|(name, _)| *name == action).map(|(_, zh)| *zh),
    }
}

/// An audit entry's detail in the user's language; a detail the BFF does
/// not write itself (a cloud error code) is shown as it is.
pub fn audit_detail(action: &str, detail: &str, lang: Lang) -> String {
    use console_shared::wording::{AuditDetail as D, SessionEnd, UserChange};
    let Some(known) = D::parse(action, detail) else { return detail.to_string() };
    let role = |name: &str| Role::parse(name).map_or(name.to_string(), |r| role_name(Some(r), lang).to_string());
    let refused = |n: u64| match (n, lang) {
        (0, _) => String::new(),
        (n, Lang::En) => format!("; {n} attempt(s) refused before"),
        (n, Lang::Zh) => format!("；此前已拒绝 {n} 次尝试"),
    };
    match (known, lang) {
        (D::Permission, _) => Msg::DetailPermission.text(lang).into(),
        (D::CloudUnreachable, _) => Msg::DetailCloudUnreachable.text(lang).into(),
        (D::SessionEnded(SessionEnd::AccountDisabled), _) => Msg::DetailAccountDisabled.text(lang).into(),
        (D::SessionEnded(SessionEnd::AbsoluteLifetime), _) => Msg::DetailAbsoluteLifetime.text(lang).into(),
        (D::SessionEnded(SessionEnd::IdleTooLong), _) => Msg::DetailIdleTooLong.text(lang).into(),
        (D::WrongCurrentPassword, _) => Msg::DetailWrongCurrentPassword.text(lang).into(),
        (D::SignedIn { ip, refused_before }, Lang::En) => format!("From {ip}{}", refused(refused_before)),
        (D::SignedIn { ip, refused_before }, Lang::Zh) => format!("来自 {ip}{}", refused(refused_before)),
        (D::BadCredentials { ip, refused_before }, Lang::En) => {
            format!("Wrong username or password, from {ip}{}", refused(refused_before))
        }
        (D::BadCredentials { ip, refused_before }, Lang::Zh) => {
            format!("用户名或密码错误，来自 {ip}{}", refused(refused_before))
        }
        (D::TooManyAttempts { ip }, Lang::En) => format!("Too many attempts from {ip}; further ones are counted"),
        (D::TooManyAttempts { ip }, Lang::Zh) => format!("来自 {ip} 的尝试过多；之后的尝试只计数"),
        (D::User(name), Lang::En) => format!("User {name}"),
        (D::User(name), Lang::Zh) => format!("用户 {name}"),
        (D::UserChanged(name, change), Lang::En) => {
            let what = match change {
                UserChange::Disabled => "disabled",
                UserChange::Enabled => "enabled",
                UserChange::Renamed => "renamed",
            };
            format!("User {name} {what}")
        }
        (D::UserChanged(name, change), Lang::Zh) => {
            let what = match change {
                UserChange::Disabled => "已停用",
                UserChange::Enabled => "已启用",
                UserChange::Renamed => "已改名",
            };
            format!("用户 {name} {what}")
        }
        (D::TooManyWrongPasswords { ip }, Lang::En) => {
            format!("Too many wrong current passwords from {ip}; signed out")
        }
        (D::TooManyWrongPasswords { ip }, Lang::Zh) => format!("来自 {ip} 的当前密码错误次数过多，已注销"),
        (D::MemberAdded { username, role: r }, Lang::En) => format!("{username} as {}", role(r)),
        (D::MemberAdded { username, role: r }, Lang::Zh) => format!("{username}，角色：{}", role(r)),
        (D::RoleChanged { username, from, to }, Lang::En) => format!("{username}: {} → {}", role(from), role(to)),
        (D::RoleChanged { username, from, to }, Lang::Zh) => format!("{username}：{} → {}", role(from), role(to)),
        (D::MemberRemoved { username, role: r }, Lang::En) => format!("{username} (was {})", role(r)),
        (D::MemberRemoved { username, role: r }, Lang::Zh) => format!("{username}（原为{}）", role(r)),
        (D::PackageUploaded { name, version, bytes }, Lang::En) => format!("{name} {version} ({bytes} bytes)"),
        (D::PackageUploaded { name, version, bytes }, Lang::Zh) => format!("{name} {version}（{bytes} 字节）"),
        (D::SecretsRevealed { service, version, names }, _) => {
            let what = version.unwrap_or(Msg::OnlineConfiguration.text(lang));
            let names = match (names.is_empty(), lang) {
                (false, Lang::En) => names.join(", "),
                (false, Lang::Zh) => names.join("、"),
                (true, Lang::En) => "no secret-looking variables".into(),
                (true, Lang::Zh) => "没有看起来像密钥的变量".into(),
            };
            labelled(&format!("{service} {what}"), &names, lang)
        }
        (D::TokenCreated { name, role: r, envs, days }, Lang::En) => {
            format!("Token “{name}”: {} in {envs}, {}", role(r), days_text(days, lang))
        }
        (D::TokenCreated { name, role: r, envs, days }, Lang::Zh) => {
            format!("令牌“{name}”：{}，环境 {}，有效期 {}", role(r), envs.replace(", ", "、"), days_text(days, lang))
        }
        (D::TokenRevoked { name }, Lang::En) => format!("Token “{name}”"),
        (D::TokenRevoked { name }, Lang::Zh) => format!("令牌“{name}”"),
    }
}
