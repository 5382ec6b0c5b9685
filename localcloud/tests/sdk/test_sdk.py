"""Wire compatibility: Tencent's official Python SDK against a standalone localcloud.

Run by `cargo xtask test` in a virtualenv it creates:
    python test_sdk.py path/to/localcloud

It starts the binary on free ports with a scratch data directory, points the
SDK at it over plain http (CLOUD-API.md section 4), and drives each action and
each refusal through the SDK's own signer and error handling: a code-package
deploy, a gray release with its split, finish and a rollback, a custom
domain with its certificate (made with the openssl command), a
request's runtime log found by SearchClsLog, and requests counted by
DescribeCurveData.
"""

import io
import json
import os
import re
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import zipfile

from tencentcloud.common import credential
from tencentcloud.common.exception.tencent_cloud_sdk_exception import TencentCloudSDKException
from tencentcloud.common.profile.client_profile import ClientProfile
from tencentcloud.common.profile.http_profile import HttpProfile
from tencentcloud.ssl.v20191205 import models as ssl_models
from tencentcloud.ssl.v20191205 import ssl_client
from tencentcloud.tcb.v20180608 import models as tcb_models
from tencentcloud.tcb.v20180608 import tcb_client
from tencentcloud.tcbr.v20220217 import models as tcbr_models
from tencentcloud.tcbr.v20220217 import tcbr_client

SECRET_ID = "AKIDsdkwiretest"
SECRET_KEY = "sdk-wire-test-secret"


def start(binary):
    data = tempfile.mkdtemp(prefix="localcloud-sdk-")
    env = dict(
        os.environ, LOCALCLOUD_SECRET_ID=SECRET_ID, LOCALCLOUD_SECRET_KEY=SECRET_KEY, LOCALCLOUD_STEP_MS="20", RUST_LOG="warn"
    )
    proc = subprocess.Popen(
        [
            binary,
            "--addr",
            "127.0.0.1:0",
            "--gateway-addr",
            "127.0.0.1:0",
            "--gateway-tls-addr",
            "127.0.0.1:0",
            "--data-dir",
            data,
        ],
        env=env,
        stdout=subprocess.PIPE,
        text=True,
    )
    # It prints the API's address, then the gateway's.
    lines = [proc.stdout.readline(), proc.stdout.readline()]
    found = [re.search(r"listening on http://(\S+)", line) for line in lines]
    if not all(found):
        proc.kill()
        raise SystemExit(f"localcloud did not start: {lines!r}")
    return proc, found[0].group(1), found[1].group(1)


def profile(endpoint):
    http = HttpProfile(endpoint=endpoint)
    # `scheme` is what the client reads when it is built (CLOUD-API.md section 4).
    http.scheme = "http"
    return ClientProfile(httpProfile=http)


def tcbr(endpoint, region="ap-guangzhou", key=SECRET_KEY, secret_id=SECRET_ID, sign_method=None):
    prof = profile(endpoint)
    if sign_method:
        prof.signMethod = sign_method
    return tcbr_client.TcbrClient(credential.Credential(secret_id, key), region, prof)


def tcb(endpoint, region="ap-guangzhou"):
    return tcb_client.TcbClient(credential.Credential(SECRET_ID, SECRET_KEY), region, profile(endpoint))


def ssl(endpoint):
    # Certificates belong to the account: the ssl API takes no region.
    return ssl_client.SslClient(credential.Credential(SECRET_ID, SECRET_KEY), "", profile(endpoint))


def request(model, fields):
    req = model()
    req.from_json_string(json.dumps(fields))
    return req


def error_code(fn):
    try:
        fn()
    except TencentCloudSDKException as e:
        return e.get_code()
    return None


def package_zip():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("Dockerfile", "FROM python:3.12-slim\nCOPY . /app\nCMD [\"python\", \"/app/main.py\"]\n")
        z.writestr("main.py", "print('hello')\n")
    return buf.getvalue()


def code_package_deploy(run, endpoint, gz, env):
    """The CLI's package path (CLOUD-API.md section 5): upload slot, PUT, deploy, build log, delete."""
    slot = tcb(endpoint).DescribeCloudBaseBuildService(
        request(
            tcb_models.DescribeCloudBaseBuildServiceRequest,
            {"EnvId": env, "ServiceName": "sdkapp", "CIBusiness": "cloudbaserun", "Suffix": ".zip"},
        )
    )
    run.check("DescribeCloudBaseBuildService names the package", slot.PackageName, "sdkapp.zip")
    headers = {h.Key: h.Value for h in slot.UploadHeaders}
    put = urllib.request.Request(slot.UploadUrl, data=package_zip(), method="PUT", headers=headers)
    with urllib.request.urlopen(put) as answer:
        run.check("the package PUT to UploadUrl is stored", answer.status, 200)

    created = gz.CreateCloudRunServer(
        request(
            tcbr_models.CreateCloudRunServerRequest,
            {
                "EnvId": env,
                "ServerName": "sdkapp",
                "DeployInfo": {
                    "DeployType": "package",
                    "PackageName": slot.PackageName,
                    "PackageVersion": slot.PackageVersion,
                },
                "Items": [{"Key": "Port", "IntValue": 8080}, {"Key": "Dockerfile", "Value": "Dockerfile"}],
            },
        )
    )
    # As documented, TaskId is "not used for now" and 0: the deploy is found
    # as the tcb CLI finds it, with DescribeServerManageTask {TaskId: 0}.
    run.check("CreateCloudRunServer answers TaskId 0", created.TaskId, 0)
    status = "running"
    for _ in range(500):
        task = gz.DescribeServerManageTask(
            request(
                tcbr_models.DescribeServerManageTaskRequest,
                {"EnvId": env, "ServerName": "sdkapp", "TaskId": 0},
            )
        )
        status = task.Task.Status
        if status != "running":
            break
        time.sleep(0.05)
    run.check("a package deploy finishes", status, "finished")
    run.check("its first step validates the upload", task.Task.Steps[0].Name, "validate upload")

    records = gz.DescribeCloudRunDeployRecord(
        request(tcbr_models.DescribeCloudRunDeployRecordRequest, {"EnvId": env, "ServerName": "sdkapp"})
    )
    record = records.DeployRecords[0]
    run.check("the deploy record's RunId is opaque", "sdkapp" in record.RunId, False)
    run.check("a package deploy has a BuildId", record.BuildId > 0, True)
    process = gz.DescribeCloudRunProcessLog(
        request(tcbr_models.DescribeCloudRunProcessLogRequest, {"EnvId": env, "RunId": record.RunId})
    )
    run.check("DescribeCloudRunProcessLog by the record's RunId", len(process.Logs) > 0, True)
    log = tcb(endpoint).DescribeCloudBaseRunBuildLog(
        request(tcb_models.DescribeCloudBaseRunBuildLogRequest, {"EnvId": env, "BuildId": record.BuildId})
    )
    run.check("DescribeCloudBaseRunBuildLog has the Dockerfile's steps", "Step 1/3 : FROM python" in log.Log.Text, True)

    deleted = gz.DeleteCloudRunVersions(
        request(
            tcbr_models.DeleteCloudRunVersionsRequest,
            {
                "EnvId": env,
                "IsDeleteServer": True,
                "IsDeleteImage": True,
                "SimpleVersions": [{"EnvId": env, "ServerName": "sdkapp", "VersionName": "sdkapp-001"}],
            },
        )
    )
    run.check("DeleteCloudRunVersions of the last version with its service", deleted.Result, "succ")
    servers = gz.DescribeCloudRunServers(request(tcbr_models.DescribeCloudRunServersRequest, {"EnvId": env}))
    run.check("the service went with its last version", servers.Total, 0)


def gray_release_round_trip(run, gz, env):
    """A gray release as the tools drive it (CLOUD-API.md section 12): update GRAY,
    split, finish with done; then a rollback, polled by its TaskId."""
    service = {"EnvId": env, "ServerName": "sdkgray"}

    def wait(task_id, ended=lambda t: t.Status != "running"):
        for _ in range(500):
            task = gz.DescribeServerManageTask(
                request(tcbr_models.DescribeServerManageTaskRequest, {**service, "TaskId": task_id})
            ).Task
            if ended(task):
                break
            time.sleep(0.05)
        return task

    def online():
        detail = gz.DescribeCloudRunServerDetail(request(tcbr_models.DescribeCloudRunServerDetailRequest, service))
        return [(v.VersionName, v.FlowRatio) for v in detail.OnlineVersionInfos]

    def update(release_type):
        return gz.UpdateCloudRunServer(
            request(
                tcbr_models.UpdateCloudRunServerRequest,
                {**service, "DeployInfo": {"DeployType": "image", "ImageUrl": "nginx:2", "ReleaseType": release_type}},
            )
        )

    def split(versions):
        items = [
            {"VersionName": name, "FlowRatio": ratio, "IsDefaultPriority": i == 0, "Priority": i + 1}
            for i, (name, ratio) in enumerate(versions)
        ]
        return request(
            tcbr_models.ReleaseGrayRequest,
            {**service, "GrayType": "gray", "TrafficType": "FLOW", "GrayFlowRatio": versions[-1][1], "VersionFlowItems": items},
        )

    gz.CreateCloudRunServer(
        request(
            tcbr_models.CreateCloudRunServerRequest,
            {**service, "DeployInfo": {"DeployType": "image", "ImageUrl": "nginx:1"}, "Items": [{"Key": "Port", "IntValue": 8080}]},
        )
    )
    run.check("the first deploy finishes", wait(0).Status, "finished")

    update("GRAY")
    gray = wait(0, lambda t: t.Steps and all(s.Status == "finished" for s in t.Steps))
    run.check("a gray update's task stays running", (gray.Status, gray.ReleaseType), ("running", "GRAY"))
    order = gz.DescribeReleaseOrder(request(tcbr_models.DescribeReleaseOrderRequest, {**service, "Status": "open"}))
    run.check("DescribeReleaseOrder finds the open order", order.IsExist, True)
    info = order.ReleaseOrderInfo
    run.check(
        "the order's stable and new versions",
        (info.CurrentVersion.VersionName, info.ReleaseVersion.VersionName, info.FlowRatio),
        ("sdkgray-001", "sdkgray-002", 0),
    )
    run.check("an update while the gray release is open", error_code(lambda: update("FULL")), "ResourceInUse")

    gz.ReleaseGray(split([("sdkgray-001", 70), ("sdkgray-002", 30)]))
    order = gz.DescribeReleaseOrder(request(tcbr_models.DescribeReleaseOrderRequest, service))
    run.check("ReleaseGray sets the split", order.ReleaseOrderInfo.FlowRatio, 30)
    run.check("the detail shows both versions", online(), [("sdkgray-001", "70"), ("sdkgray-002", "30")])
    run.check(
        "ReleaseGray refuses a third version",
        error_code(lambda: gz.ReleaseGray(split([("sdkgray-001", 70), ("sdkgray-009", 30)]))),
        "InvalidParameter",
    )

    gz.OperateServerManage(
        request(tcbr_models.OperateServerManageRequest, {**service, "TaskId": gray.Id, "OperateType": "done"})
    )
    run.check("done finishes the gray task", wait(gray.Id).Status, "finished")
    run.check("the new version has 100%", online(), [("sdkgray-002", "100")])

    rollback = gz.SubmitServerRollback(
        request(
            tcbr_models.SubmitServerRollbackRequest,
            {**service, "CurrentVersionName": "sdkgray-002", "RollbackVersionName": "sdkgray-001"},
        )
    )
    run.check("SubmitServerRollback answers a TaskId", rollback.TaskId > 0, True)
    rolled = wait(rollback.TaskId)
    run.check(
        "the rollback task", (rolled.Status, rolled.ChangeType, rolled.VersionName), ("finished", "ROLLBACK", "sdkgray-001")
    )
    run.check("the rollback target has 100%", online(), [("sdkgray-001", "100")])
    run.check(
        "a forward rollback is refused",
        error_code(
            lambda: gz.SubmitServerRollback(
                request(
                    tcbr_models.SubmitServerRollbackRequest,
                    {**service, "CurrentVersionName": "sdkgray-001", "RollbackVersionName": "sdkgray-002"},
                )
            )
        ),
        "InvalidParameter",
    )
    gz.DeleteCloudRunServer(request(tcbr_models.DeleteCloudRunServerRequest, service))


def certificate(name):
    """A self-signed P-256 certificate for `name`, valid for 30 days: (chain PEM, key PEM)."""
    folder = tempfile.mkdtemp(prefix="localcloud-sdk-cert-")
    key, cert = os.path.join(folder, "key.pem"), os.path.join(folder, "cert.pem")
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes"]
        + ["-keyout", key, "-out", cert, "-days", "30", "-subj", f"/CN={name}"]
        + ["-addext", f"subjectAltName=DNS:{name}"],
        check=True,
        capture_output=True,
    )
    with open(cert) as c, open(key) as k:
        return c.read(), k.read()


def custom_domain_round_trip(run, endpoint, gz, env):
    """A custom domain as CloudBase's console binds one (CLOUD-API.md sections 2 and 9):
    upload a certificate, bind the domain over HTTPS, list it with its CNAME, renew
    the certificate in place, unbind."""
    service = {"EnvId": env, "ServerName": "sdkweb"}
    deploy = {"DeployType": "image", "ImageUrl": "nginx:1"}
    gz.CreateCloudRunServer(request(tcbr_models.CreateCloudRunServerRequest, {**service, "DeployInfo": deploy}))
    for _ in range(500):
        task = gz.DescribeServerManageTask(
            request(tcbr_models.DescribeServerManageTaskRequest, {**service, "TaskId": 0})
        )
        if task.Task.Status != "running":
            break
        time.sleep(0.05)
    run.check("the domain's service is deployed", task.Task.Status, "finished")

    certs = ssl(endpoint)
    chain, key = certificate("sdk.example.com")

    def upload(chain, key):
        fields = {"CertificatePublicKey": chain, "CertificatePrivateKey": key, "Alias": "sdk"}
        return certs.UploadCertificate(request(ssl_models.UploadCertificateRequest, fields))

    cert_id = upload(chain, key).CertificateId
    run.check("UploadCertificate mints a CertificateId", cert_id.startswith("lc-"), True)
    run.check("the same certificate again answers RepeatCertId", upload(chain, key).RepeatCertId, cert_id)
    _, other_key = certificate("sdk.example.com")
    run.check(
        "another certificate's key is refused",
        error_code(lambda: upload(chain, other_key)),
        "InvalidParameter.CertificateKeyMismatch",
    )
    detail = certs.DescribeCertificateDetail(
        request(ssl_models.DescribeCertificateDetailRequest, {"CertificateId": cert_id})
    )
    run.check(
        "DescribeCertificateDetail",
        (detail.Domain, detail.SubjectAltName, detail.Status),
        ("sdk.example.com", ["sdk.example.com"], 1),
    )

    routes = tcb(endpoint)
    domain = {
        "Domain": "sdk.example.com",
        "Protocol": "HTTPS",
        "CertId": cert_id,
        "Routes": [{"Path": "/", "UpstreamResourceType": "CBR", "UpstreamResourceName": "sdkweb"}],
    }
    create = request(tcb_models.CreateHTTPServiceRouteRequest, {"EnvId": env, "Domain": domain})
    routes.CreateHTTPServiceRoute(create)
    run.check(
        "a domain bound twice is refused",
        error_code(lambda: routes.CreateHTTPServiceRoute(create)),
        "ResourceInUse.Domain",
    )

    def listed():
        only = [{"Name": "Domain", "Values": ["sdk.example.com"]}]
        return routes.DescribeHTTPServiceRoute(
            request(tcb_models.DescribeHTTPServiceRouteRequest, {"EnvId": env, "Filters": only})
        )

    found = listed()
    run.check("DescribeHTTPServiceRoute finds the domain", found.TotalCount, 1)
    bound = found.Domains[0]
    run.check("the domain's CNAME target", bound.Cname, f"{env}.gw.run.localhost")
    run.check("the domain's state", (bound.Protocol, bound.CertId, bound.Status), ("HTTPS", cert_id, "SUCCESS"))
    run.check("the DNS status is a known one", bound.DNSStatus in ("OK", "EMPTY", "INVALID", "UNRESOLVED"), True)
    run.check(
        "the domain's route",
        [(r.Path, r.UpstreamResourceType, r.UpstreamResourceName) for r in bound.Routes],
        [("/", "CBR", "sdkweb")],
    )

    renewed = upload(*certificate("sdk.example.com")).CertificateId
    renewal = {"EnvId": env, "Domain": {"Domain": "sdk.example.com", "CertId": renewed}}
    routes.ModifyHTTPServiceRoute(request(tcb_models.ModifyHTTPServiceRouteRequest, renewal))
    after = listed().Domains[0]
    run.check(
        "ModifyHTTPServiceRoute renews the certificate in place",
        (after.CertId, after.Cname, len(after.Routes)),
        (renewed, bound.Cname, 1),
    )

    unbind = {"EnvId": env, "Domain": "sdk.example.com"}
    routes.DeleteHTTPServiceRoute(request(tcb_models.DeleteHTTPServiceRouteRequest, unbind))
    run.check("DeleteHTTPServiceRoute unbinds the domain", listed().TotalCount, 0)
    gz.DeleteCloudRunServer(request(tcbr_models.DeleteCloudRunServerRequest, service))


def cst(t):
    """A Unix time as the cloud API writes times: `YYYY-MM-DD HH:MM:SS` in UTC+8."""
    return time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(t + 8 * 3600))


def runtime_logs(run, gz, gateway, env):
    """Runtime logs (CLOUD-API.md sections 1.3 and 11): a request through the gateway
    is found by tcbr SearchClsLog, its record a JSON string in Content; bad searches
    are refused with InvalidParameter."""
    service = {"EnvId": env, "ServerName": "sdklogs"}
    deploy = {"DeployType": "image", "ImageUrl": "nginx:1"}
    gz.CreateCloudRunServer(request(tcbr_models.CreateCloudRunServerRequest, {**service, "DeployInfo": deploy}))
    for _ in range(500):
        task = gz.DescribeServerManageTask(
            request(tcbr_models.DescribeServerManageTaskRequest, {**service, "TaskId": 0})
        )
        if task.Task.Status != "running":
            break
        time.sleep(0.05)
    run.check("the logging service is deployed", task.Task.Status, "finished")
    detail = gz.DescribeCloudRunServerDetail(request(tcbr_models.DescribeCloudRunServerDetailRequest, service))
    host = detail.BaseInfo.DefaultDomainName.split("://")[-1]
    tag = f"sdk{os.getpid()}x{int(time.time())}"
    visit = urllib.request.Request(f"http://{gateway}/hello-{tag}", headers={"Host": host})
    with urllib.request.urlopen(visit) as answer:
        run.check("the service answers through the gateway", answer.status, 200)

    def search(query, **more):
        now = time.time()
        fields = {"EnvId": env, "StartTime": cst(now - 3600), "EndTime": cst(now + 60), "QueryString": query}
        return gz.SearchClsLog(request(tcbr_models.SearchClsLogRequest, {"Limit": 10, **fields, **more})).LogResults

    found = search(f'path:"/hello-{tag}"')
    for _ in range(40):
        if found.Results:
            break
        time.sleep(0.05)
        found = search(f'path:"/hello-{tag}"')
    run.check("SearchClsLog finds the request's access line by field:value", len(found.Results or []), 1)
    if found.Results:
        line = found.Results[0]
        record = json.loads(line.Content)
        run.check("its Content is the record as a JSON string", json.loads(record["log"])["path"], f"/hello-{tag}")
        run.check("with the service and version", (record["service"], record["version"]), ("sdklogs", "sdklogs-001"))
        stamp = re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}", line.Timestamp)
        run.check("its Timestamp is UTC+8 with milliseconds", stamp is not None, True)
        run.check("FileName is its stream", line.FileName, "stdout")
    run.check("ListOver when nothing more matches", found.ListOver, True)
    by_term = search(f"hello-{tag} AND NOT status:500", Sort="asc")

    def ids(results):
        return [r.PkgLogId for r in results.Results or []]

    run.check("and by a term with AND NOT", ids(by_term), ids(found))
    run.check("SearchClsLog refuses Limit 101", error_code(lambda: search("x", Limit=101)), "InvalidParameter")
    run.check("SearchClsLog refuses an unknown field", error_code(lambda: search("nofield:x")), "InvalidParameter")
    run.check(
        "SearchClsLog in an unknown environment",
        error_code(lambda: search("x", EnvId="nope-12345678")),
        "ResourceNotFound",
    )
    gz.DeleteCloudRunServer(request(tcbr_models.DeleteCloudRunServerRequest, service))


def monitoring(run, endpoint, gz, gateway, env):
    """Metrics (CLOUD-API.md section 10): requests through the gateway, 5xx included,
    are counted by tcb DescribeCurveData; a metric localcloud does not record and a
    period the range does not allow are refused with InvalidParameter."""
    service = {"EnvId": env, "ServerName": "sdkmetrics"}
    deploy = {"DeployType": "image", "ImageUrl": "nginx:1"}
    gz.CreateCloudRunServer(request(tcbr_models.CreateCloudRunServerRequest, {**service, "DeployInfo": deploy}))
    for _ in range(500):
        task = gz.DescribeServerManageTask(
            request(tcbr_models.DescribeServerManageTaskRequest, {**service, "TaskId": 0})
        )
        if task.Task.Status != "running":
            break
        time.sleep(0.05)
    run.check("the measured service is deployed", task.Task.Status, "finished")
    detail = gz.DescribeCloudRunServerDetail(request(tcbr_models.DescribeCloudRunServerDetailRequest, service))
    host = detail.BaseInfo.DefaultDomainName.split("://")[-1]
    statuses = []
    for path in ["/a", "/b", "/c", "/__demo/status/500"]:
        visit = urllib.request.Request(f"http://{gateway}{path}", headers={"Host": host})
        try:
            with urllib.request.urlopen(visit) as answer:
                statuses.append(answer.status)
        except urllib.error.HTTPError as e:
            statuses.append(e.code)
    run.check("the service answers through the gateway", statuses, [200, 200, 200, 500])

    cloud = tcb(endpoint)
    now = time.time()

    def curve(metric, **more):
        fields = {
            "EnvId": env,
            "MetricName": metric,
            "ResourceID": "sdkmetrics",
            "StartTime": cst(now - 3600),
            "EndTime": cst(now),
        }
        return cloud.DescribeCurveData(request(tcb_models.DescribeCurveDataRequest, {**fields, **more}))

    calls = curve("TkeInvokeNumService")
    run.check("DescribeCurveData counts the calls", sum(calls.Values), 4)
    run.check("in 5-minute buckets for an hour", calls.Period, 300)
    run.check("one unix time per value", len(calls.Time), len(calls.Values))
    run.check("Statistics of calls", calls.Statistics, "sum")
    errors = curve("TkeHttpErrorService", SubresourceID="sdkmetrics-001")
    run.check("and the version's errors", sum(errors.Values), 1)
    run.check(
        "DescribeCurveData refuses a metric localcloud does not record",
        error_code(lambda: curve("TkeHttpServiceNatPkg")),
        "InvalidParameter",
    )
    run.check(
        "DescribeCurveData refuses a period the range does not allow",
        error_code(lambda: curve("TkeInvokeNumService", Period=86400)),
        "InvalidParameter",
    )
    gz.DeleteCloudRunServer(request(tcbr_models.DeleteCloudRunServerRequest, service))


class Run:
    def __init__(self):
        self.passed = 0
        self.failed = 0

    def check(self, name, got, want):
        if got == want:
            self.passed += 1
            print(f"ok   {name}")
        else:
            self.failed += 1
            print(f"FAIL {name}: got {got!r}, want {want!r}")


def main():
    proc, endpoint, gateway = start(sys.argv[1])
    run = Run()
    try:
        gz = tcbr(endpoint)
        created = gz.CreateCloudRunEnv(
            request(tcbr_models.CreateCloudRunEnvRequest, {"PackageType": "Trial", "Alias": "sdk"})
        )
        env = created.EnvId
        run.check("CreateCloudRunEnv mints an EnvId", env.startswith("sdk-"), True)

        listed = gz.DescribeCloudRunEnvs(request(tcbr_models.DescribeCloudRunEnvsRequest, {"EnvId": env}))
        run.check("DescribeCloudRunEnvs lists it", [e.EnvId for e in listed.EnvList], [env])
        run.check("EnvInfo.Region is the create call's region", listed.EnvList[0].Region, "ap-guangzhou")
        run.check("EnvInfo.Status", listed.EnvList[0].Status, "NORMAL")

        base = gz.DescribeEnvBaseInfo(request(tcbr_models.DescribeEnvBaseInfoRequest, {"EnvId": env}))
        run.check("DescribeEnvBaseInfo.IsExist", base.IsExist, True)
        run.check("DescribeEnvBaseInfo.Region", base.EnvBaseInfo.Region, "ap-guangzhou")

        servers = gz.DescribeCloudRunServers(request(tcbr_models.DescribeCloudRunServersRequest, {"EnvId": env}))
        run.check("DescribeCloudRunServers on an empty environment", servers.Total, 0)

        run.check(
            "UnsupportedRegion",
            error_code(
                lambda: tcbr(endpoint, region="ap-hongkong").CreateCloudRunEnv(
                    request(tcbr_models.CreateCloudRunEnvRequest, {"PackageType": "Trial"})
                )
            ),
            "UnsupportedRegion",
        )
        run.check(
            "InvalidParameterValue for a bad Alias",
            error_code(
                lambda: gz.CreateCloudRunEnv(
                    request(tcbr_models.CreateCloudRunEnvRequest, {"PackageType": "Trial", "Alias": "Bad_Alias"})
                )
            ),
            "InvalidParameterValue",
        )
        run.check(
            "MissingParameter",
            error_code(lambda: gz.call_json("DescribeEnvBaseInfo", {})),
            "MissingParameter",
        )
        run.check(
            "InvalidParameter for a wrong type",
            error_code(lambda: gz.call_json("DescribeEnvBaseInfo", {"EnvId": 42})),
            "InvalidParameter",
        )
        run.check("InvalidAction", error_code(lambda: gz.call_json("LaunchRocket", {})), "InvalidAction")

        old_version = tcbr(endpoint)
        old_version._apiVersion = "2000-01-01"
        run.check(
            "NoSuchVersion", error_code(lambda: old_version.call_json("DescribeCloudRunEnvs", {})), "NoSuchVersion"
        )

        run.check(
            "AuthFailure.SignatureFailure",
            error_code(lambda: tcbr(endpoint, key="wrong-key").call_json("DescribeCloudRunEnvs", {})),
            "AuthFailure.SignatureFailure",
        )
        run.check(
            "AuthFailure.SecretIdNotFound",
            error_code(lambda: tcbr(endpoint, secret_id="AKIDnobody").call_json("DescribeCloudRunEnvs", {})),
            "AuthFailure.SecretIdNotFound",
        )
        # The v1 signature sends no TC3 Authorization header at all.
        run.check(
            "AuthFailure.InvalidAuthorization",
            error_code(lambda: tcbr(endpoint, sign_method="HmacSHA256").call_json("DescribeCloudRunEnvs", {})),
            "AuthFailure.InvalidAuthorization",
        )
        real_time = time.time
        time.time = lambda: real_time() - 400  # the SDK stamps X-TC-Timestamp from time.time()
        try:
            expired = error_code(lambda: gz.call_json("DescribeCloudRunEnvs", {}))
        finally:
            time.time = real_time
        run.check("AuthFailure.SignatureExpire", expired, "AuthFailure.SignatureExpire")

        code_package_deploy(run, endpoint, gz, env)
        gray_release_round_trip(run, gz, env)
        custom_domain_round_trip(run, endpoint, gz, env)
        runtime_logs(run, gz, gateway, env)
        monitoring(run, endpoint, gz, gateway, env)

        # tcb DestroyEnv: irreversible, then the environment is gone.
        tcb(endpoint).DestroyEnv(request(tcb_models.DestroyEnvRequest, {"EnvId": env}))
        after = gz.DescribeCloudRunEnvs(request(tcbr_models.DescribeCloudRunEnvsRequest, {}))
        run.check("DestroyEnv removes the environment", [e.EnvId for e in after.EnvList], [])
        run.check(
            "DestroyEnv again: ResourceNotFound",
            error_code(lambda: tcb(endpoint).DestroyEnv(request(tcb_models.DestroyEnvRequest, {"EnvId": env}))),
            "ResourceNotFound",
        )
    finally:
        proc.kill()
        proc.wait()
    print(f"{run.passed} passed, {run.failed} failed")
    sys.exit(1 if run.failed else 0)


if __name__ == "__main__":
    main()
