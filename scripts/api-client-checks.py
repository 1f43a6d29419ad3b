#!/usr/bin/env python3
"""End-to-end checks of `drover serve --api` with AWS's own clients: boto3 and the `aws` CLI (pinned in scripts/test).

    api-client-checks.py scenario|sigv4|hostile|move|all, or throttle (for a server started with --api-rate-limit)

The server's address is $DROVER_API_URL (http://127.0.0.1:PORT); the key pair is $AWS_ACCESS_KEY_ID and
$AWS_SECRET_ACCESS_KEY. Every response boto3 receives is checked against botocore's model by the strict validator
(scripts/aws_model_validate.py) and must carry x-amzn-RequestId; botocore must log no warning. The `aws` CLI is run
as a process for the calls a user types. Prints one line per check and exits 1 at the first failure.
"""
import datetime
import http.client
import json
import logging
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.parse
from unittest import mock

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import aws_model_validate  # noqa: E402

import boto3  # noqa: E402
import botocore.auth  # noqa: E402
from botocore.awsrequest import AWSRequest  # noqa: E402
from botocore.credentials import Credentials  # noqa: E402
from botocore.exceptions import ClientError  # noqa: E402

URL = os.environ["DROVER_API_URL"]
KEY = os.environ["AWS_ACCESS_KEY_ID"]
SECRET = os.environ["AWS_SECRET_ACCESS_KEY"]
REGION = "us-east-1"
# The aws CLI installed beside this Python (pip puts it there), else the one on PATH.
AWS_CLI = next((p for p in (os.path.join(os.path.dirname(sys.executable), "aws"),) if os.access(p, os.X_OK)), None) or shutil.which("aws") or "aws"


class Failure(Exception):
    pass


def check(condition, what, detail=""):
    if not condition:
        raise Failure(f"{what}{': ' + str(detail) if detail != '' else ''}")
    print(f"ok - {what}", flush=True)


class Warnings(logging.Handler):
    """botocore's warnings (a response it could not parse cleanly)."""

    def __init__(self):
        super().__init__(logging.WARNING)
        self.records = []

    def emit(self, record):
        self.records.append(self.format(record))


def client():
    """A boto3 client whose every response body is kept for the validator."""
    batch = boto3.client("batch", endpoint_url=URL, region_name=REGION, aws_access_key_id=KEY, aws_secret_access_key=SECRET)
    batch.responses = []

    def keep(http_response, model, **_):
        batch.responses.append((model.name, http_response.status_code, dict(http_response.headers), http_response.content))

    batch.meta.events.register("after-call.batch", keep)
    return batch


def validate_all(batch):
    """Every body the client received is what botocore's model allows, with a request id."""
    problems = []
    for name, status, headers, body in batch.responses:
        kind = "output" if status == 200 else "error"
        for problem in aws_model_validate.validate(name, body.decode("utf-8"), kind):
            problems.append(f"{name} ({status}): {problem}")
        if not any(k.lower() == "x-amzn-requestid" for k in headers):
            problems.append(f"{name} ({status}): no x-amzn-RequestId header")
    check(not problems, f"all {len(batch.responses)} responses pass the strict validator and carry x-amzn-RequestId", "\n".join(problems[:20]))


def aws(*arguments, expect=0):
    """Runs the `aws` CLI against the server; its parsed JSON output (or stderr when it fails)."""
    env = dict(os.environ, AWS_ENDPOINT_URL_BATCH=URL, AWS_DEFAULT_REGION=REGION, AWS_PAGER="")
    env.pop("AWS_ENDPOINT_URL", None)
    result = subprocess.run([AWS_CLI, "batch", *arguments, "--output", "json"], env=env, capture_output=True, text=True, timeout=120)
    check(result.returncode == expect, f"aws batch {' '.join(arguments)[:90]} exits {expect}", result.stderr or result.stdout)
    if expect != 0:
        return result.stderr
    return json.loads(result.stdout) if result.stdout.strip() else {}


def client_error(call, code="ClientException"):
    """The error code and message of a call that must fail."""
    try:
        call()
    except ClientError as error:
        check(error.response["Error"]["Code"] == code, f"refused with {code}", error.response["Error"])
        return error.response["Error"]["Message"]
    raise Failure("the call was accepted")


def wait_for(batch, job_id, statuses, seconds=60):
    deadline = time.time() + seconds
    while time.time() < deadline:
        jobs = batch.describe_jobs(jobs=[job_id])["jobs"]
        if jobs and jobs[0]["status"] in statuses:
            return jobs[0]
        time.sleep(0.05)
    raise Failure(f"job {job_id} did not reach {statuses} within {seconds}s")


def scenario():
    warnings = Warnings()
    logging.getLogger("botocore").addHandler(warnings)
    batch = client()

    # Resources: an environment, a queue in front of it (state left to AWS's default), a definition.
    env = batch.create_compute_environment(
        computeEnvironmentName="local-a", type="MANAGED", state="ENABLED",
        computeResources={"type": "EC2", "maxvCpus": 4, "minvCpus": 0, "subnets": ["subnet-local"], "instanceRole": "ecsInstanceRole"},
        tags={"team": "imaging"})
    check(env["computeEnvironmentArn"].endswith(":compute-environment/local-a"), "CreateComputeEnvironment answers the ARN", env)
    described = batch.describe_compute_environments(computeEnvironments=["local-a"])["computeEnvironments"]
    check(len(described) == 1 and described[0]["status"] == "VALID" and described[0]["state"] == "ENABLED", "the environment is VALID and ENABLED", described)
    queue = batch.create_job_queue(jobQueueName="spot-first", priority=10,
                                   computeEnvironmentOrder=[{"order": 1, "computeEnvironment": env["computeEnvironmentArn"]}])
    queues = batch.describe_job_queues(jobQueues=[queue["jobQueueArn"]])["jobQueues"]
    check(len(queues) == 1 and queues[0]["state"] == "ENABLED" and queues[0]["status"] == "VALID", "a queue created without a state is ENABLED, as on AWS", queues)
    definition = batch.register_job_definition(
        jobDefinitionName="thumbnails", type="container",
        containerProperties={"image": "busybox", "command": ["sh", "-c", "echo child ${AWS_BATCH_JOB_ARRAY_INDEX:-none}; exit ${CODE:-0}"],
                             "resourceRequirements": [{"type": "VCPU", "value": "1"}, {"type": "MEMORY", "value": "64"}]})
    check(definition["revision"] == 1 and definition["jobDefinitionArn"].endswith(":job-definition/thumbnails:1"), "RegisterJobDefinition answers revision 1", definition)
    sleeper = batch.register_job_definition(jobDefinitionName="sleeper", type="container",
                                            containerProperties={"image": "busybox", "command": ["sleep", "300"],
                                                                 "resourceRequirements": [{"type": "VCPU", "value": "1"}, {"type": "MEMORY", "value": "16"}]})

    # The issue's own command line, then an N_TO_N dependant through boto3.
    first = aws("submit-job", "--job-name", "thumbs", "--job-queue", "spot-first", "--job-definition", "thumbnails", "--array-properties", "size=4")
    check(first["jobArn"].endswith(":job/" + first["jobId"]), "aws batch submit-job --array-properties size=4 answers the job's id and ARN", first)
    second = batch.submit_job(jobName="after", jobQueue=queue["jobQueueArn"], jobDefinition=definition["jobDefinitionArn"],
                              arrayProperties={"size": 4}, dependsOn=[{"jobId": first["jobId"], "type": "N_TO_N"}],
                              parameters={"p": "v"}, tags={"step": "2"}, propagateTags=True, timeout={"attemptDurationSeconds": 120},
                              retryStrategy={"attempts": 2, "evaluateOnExit": [{"onExitCode": "3", "action": "EXIT"}]})
    failing = batch.submit_job(jobName="exit-3", jobQueue="spot-first", jobDefinition="thumbnails",
                               containerOverrides={"environment": [{"name": "CODE", "value": "3"}]})
    long = batch.submit_job(jobName="long", jobQueue="spot-first", jobDefinition="sleeper")

    done = wait_for(batch, second["jobId"], {"SUCCEEDED", "FAILED"})
    check(done["status"] == "SUCCEEDED" and done["arrayProperties"]["statusSummary"]["SUCCEEDED"] == 4, "the N_TO_N array succeeds with 4 children", done)
    check(done["tags"] == {"step": "2"} and done["propagateTags"] is True and done["timeout"] == {"attemptDurationSeconds": 120},
          "tags, propagateTags and timeout are kept", done)
    parent = batch.describe_jobs(jobs=[first["jobId"]])["jobs"][0]
    check(parent["status"] == "SUCCEEDED" and parent["arrayProperties"]["size"] == 4, "the first array succeeded", parent)
    child = batch.describe_jobs(jobs=[second["jobId"] + ":2"])["jobs"][0]
    check(child["arrayProperties"]["index"] == 2 and child["dependsOn"] == [{"jobId": first["jobId"] + ":2", "type": "N_TO_N"}],
          "child 2 waits for child 2 of the first array", child)
    check(child["attempts"][0]["container"]["exitCode"] == 0 and child["container"]["logStreamName"], "the child's attempt and log are shown", child)
    with open(child["container"]["logStreamName"]) as log:
        check(log.read().strip() == "child 2", "the child ran with AWS_BATCH_JOB_ARRAY_INDEX=2")

    failed = wait_for(batch, failing["jobId"], {"SUCCEEDED", "FAILED"})
    check(failed["status"] == "FAILED" and failed["container"]["exitCode"] == 3 and failed["statusReason"] == "Essential container in task exited",
          "exit 3 is FAILED with exit code 3 (moto says SUCCEEDED)", failed)

    running = wait_for(batch, long["jobId"], {"RUNNING"})
    check("startedAt" in running, "a RUNNING job has startedAt")
    listed = batch.list_jobs(jobQueue="spot-first")["jobSummaryList"]
    check([j["jobId"] for j in listed] == [long["jobId"]], "ListJobs without a status lists RUNNING jobs only (AWS's default)", listed)
    batch.terminate_job(jobId=long["jobId"], reason="moving on")
    ended = wait_for(batch, long["jobId"], {"FAILED"})
    check(ended["statusReason"] == "moving on" and ended.get("isTerminated") is True, "TerminateJob stops it: FAILED, the reason, isTerminated", ended)

    succeeded = batch.list_jobs(jobQueue="spot-first", jobStatus="SUCCEEDED")["jobSummaryList"]
    check(sorted(j["jobName"] for j in succeeded) == ["after", "thumbs"], "ListJobs by status", succeeded)
    children = batch.list_jobs(arrayJobId=first["jobId"], jobStatus="SUCCEEDED")["jobSummaryList"]
    check(sorted(j["arrayProperties"]["index"] for j in children) == [0, 1, 2, 3], "ListJobs of an array's children", children)
    named = batch.list_jobs(jobQueue="spot-first", filters=[{"name": "JOB_NAME", "values": ["THUMB*"]}])["jobSummaryList"]
    check([j["jobName"] for j in named] == ["thumbs"], "the JOB_NAME filter is case-insensitive with a trailing *", named)
    pages = list(batch.get_paginator("list_jobs").paginate(jobQueue="spot-first", filters=[{"name": "AFTER_CREATED_AT", "values": ["0"]}],
                                                             PaginationConfig={"PageSize": 1}))
    names = [j["jobName"] for page in pages for j in page["jobSummaryList"]]
    check(len(pages) >= 4 and names == ["long", "exit-3", "after", "thumbs"], "pages of one, most recent first, through nextToken", names)
    check(batch.describe_jobs(jobs=["no-such-job", first["jobId"]])["jobs"][0]["jobId"] == first["jobId"], "DescribeJobs leaves unknown ids out")
    message = client_error(lambda: batch.describe_jobs(jobs=[str(i) for i in range(101)]))
    check("100" in message, "DescribeJobs refuses more than 100 ids", message)
    snapshot = batch.get_job_queue_snapshot(jobQueue="spot-first")
    check(snapshot["frontOfQueue"]["jobs"] == [], "GetJobQueueSnapshot: nothing waiting", snapshot)

    # Tags on an ARN: the path is double-encoded when signed.
    arn = queue["jobQueueArn"]
    batch.tag_resource(resourceArn=arn, tags={"owner": "ops team", "cost/centre": "42"})
    check(batch.list_tags_for_resource(resourceArn=arn)["tags"] == {"owner": "ops team", "cost/centre": "42"}, "TagResource and ListTagsForResource on a queue ARN")
    batch.untag_resource(resourceArn=arn, tagKeys=["owner", "cost/centre"])
    check(batch.list_tags_for_resource(resourceArn=arn)["tags"] == {}, "UntagResource with repeated tagKeys")
    check(batch.list_tags_for_resource(resourceArn=env["computeEnvironmentArn"])["tags"] == {"team": "imaging"}, "tags given at create are listed")

    # Definitions: revisions and INACTIVE.
    again = batch.register_job_definition(jobDefinitionName="thumbnails", type="container",
                                          containerProperties={"image": "busybox", "command": ["true"]})
    check(again["revision"] == 2, "a second registration is revision 2", again)
    batch.deregister_job_definition(jobDefinition="thumbnails:1")
    one = batch.describe_job_definitions(jobDefinitions=["thumbnails:1"])["jobDefinitions"]
    check(len(one) == 1 and one[0]["status"] == "INACTIVE", "a deregistered revision is INACTIVE", one)
    active = batch.describe_job_definitions(jobDefinitionName="thumbnails", status="ACTIVE")["jobDefinitions"]
    check([d["revision"] for d in active] == [2], "describe by name and status ACTIVE", active)
    batch.deregister_job_definition(jobDefinition=sleeper["jobDefinitionArn"])

    # Lifecycle: disable before delete; an environment named by a queue cannot go.
    client_error(lambda: batch.delete_job_queue(jobQueue="spot-first"))
    batch.update_compute_environment(computeEnvironment="local-a", state="DISABLED")
    message = client_error(lambda: batch.delete_compute_environment(computeEnvironment="local-a"))
    check("spot-first" in message, "deleting an environment a queue names is refused, naming the queue", message)
    aws("update-job-queue", "--job-queue", "spot-first", "--state", "DISABLED")
    aws("delete-job-queue", "--job-queue", "spot-first")
    batch.delete_compute_environment(computeEnvironment=env["computeEnvironmentArn"])
    gone = [q for q in batch.describe_job_queues()["jobQueues"] if q["jobQueueName"] == "spot-first" and q.get("status") != "DELETED"]
    check(gone == [], "the queue is gone", gone)

    # What Drover does not do is a ClientException, never a 404 page.
    message = client_error(lambda: batch.list_service_jobs(jobQueue="x"))
    check("not supported by Drover" in message, "an operation Drover does not perform says so", message)
    error = aws("describe-job-queues", "--job-queues", "arn:aws:batch:us-east-1:000000000000:compute-environment/x", expect=255)
    check("An error occurred (ClientException)" in error, "the aws CLI reports a ClientException", error)

    validate_all(batch)
    check(not warnings.records, "botocore logged no warning", warnings.records)


def move():
    """A zero-downtime move of a queue from one compute environment to another while its jobs run (docs/resources.md):
    the new environment first in the order, the old one disabled, taken out of the order, and deleted once
    DeleteComputeEnvironment stops refusing it for the jobs it still runs. The jobs record where they ran, then wait for
    a release file."""
    with tempfile.TemporaryDirectory(prefix="drover-move-") as folder:
        move_in(folder)


def move_in(folder):
    warnings = Warnings()
    logging.getLogger("botocore").addHandler(warnings)
    batch = client()
    runs, release = os.path.join(folder, "runs.log"), os.path.join(folder, "release")

    def ran():
        with open(runs) as log:
            return dict(line.split() for line in log.read().splitlines())

    resources = {"type": "EC2", "maxvCpus": 2, "subnets": ["subnet-local"]}
    batch.create_compute_environment(computeEnvironmentName="blue", type="MANAGED", computeResources=resources)
    batch.create_job_queue(jobQueueName="moving", priority=1, computeEnvironmentOrder=[{"order": 1, "computeEnvironment": "blue"}])
    batch.register_job_definition(
        jobDefinitionName="gated", type="container",
        containerProperties={"image": "busybox", "command": ["sh", "-c", f'echo "$AWS_BATCH_JOB_ID $AWS_BATCH_CE_NAME" >> {runs}; '
                                                                             f'while [ ! -e {release} ]; do sleep 0.05; done'],
                             "resourceRequirements": [{"type": "VCPU", "value": "1"}, {"type": "MEMORY", "value": "16"}]})
    early = [batch.submit_job(jobName=f"early-{i}", jobQueue="moving", jobDefinition="gated")["jobId"] for i in range(3)]
    for job in early[:2]:
        wait_for(batch, job, {"RUNNING"})

    batch.create_compute_environment(computeEnvironmentName="green", type="MANAGED", computeResources=resources)
    batch.update_job_queue(jobQueue="moving", computeEnvironmentOrder=[{"order": 1, "computeEnvironment": "green"},
                                                                       {"order": 2, "computeEnvironment": "blue"}])
    batch.update_compute_environment(computeEnvironment="blue", state="DISABLED")
    late = [batch.submit_job(jobName=f"late-{i}", jobQueue="moving", jobDefinition="gated")["jobId"] for i in range(2)]
    deadline = time.time() + 60
    while not any(ran().get(job) == "green" for job in late) and time.time() < deadline:
        time.sleep(0.05)
    on_blue = sorted(job for job, where in ran().items() if where == "blue")
    check(len(on_blue) >= 2 and all(ran().get(job, "green") == "green" for job in late),
          "new jobs start on the new environment while the old one still runs its own", ran())

    batch.update_job_queue(jobQueue="moving", computeEnvironmentOrder=[{"order": 1, "computeEnvironment": "green"}])
    message = client_error(lambda: batch.delete_compute_environment(computeEnvironment="blue"))
    check("'blue' still runs" in message, "DeleteComputeEnvironment waits for what the environment runs", message)
    open(release, "w").close()
    deadline = time.time() + 60
    while True:
        try:
            batch.delete_compute_environment(computeEnvironment="blue")
            break
        except ClientError as error:
            if "still runs" not in error.response["Error"]["Message"] or time.time() > deadline:
                raise
            time.sleep(0.1)
    check([e["computeEnvironmentName"] for e in batch.describe_compute_environments()["computeEnvironments"]] == ["green"],
          "the old environment is deleted once its jobs are done")

    for job in early + late:
        done = wait_for(batch, job, {"SUCCEEDED", "FAILED"})
        check(done["status"] == "SUCCEEDED" and len(done["attempts"]) == 1, f"{done['jobName']} ran once and succeeded", done)
    with open(runs) as log:
        lines = log.read().splitlines()
    check(sorted(line.split()[0] for line in lines) == sorted(early + late), "no job lost, none run twice", lines)
    validate_all(batch)
    check(not warnings.records, "botocore logged no warning", warnings.records)


def signed(method, path, body="", key=KEY, secret=SECRET, service="batch", region=REGION, when=None, query=""):
    """Headers botocore's SigV4 gives a request (at `when`, else now)."""
    url = URL + path + ("?" + query if query else "")
    request = AWSRequest(method=method, url=url, data=body.encode(), headers={"Content-Type": "application/json"} if body else {})
    signer = botocore.auth.SigV4Auth(Credentials(key, secret), service, region)
    if when is None:
        signer.add_auth(request)
    else:
        with mock.patch.object(botocore.auth.datetime, "datetime", wraps=datetime.datetime) as clock:
            clock.utcnow.return_value = when
            clock.now.return_value = when
            signer.add_auth(request)
    return dict(request.headers.items())


def send(method, path, body="", headers=None, query=""):
    """Sends a raw request; status, headers and JSON body."""
    parts = urllib.parse.urlsplit(URL)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    data = body.encode() if isinstance(body, str) else body
    connection.request(method, path + ("?" + query if query else ""), body=data, headers=headers or {})
    response = connection.getresponse()
    data = response.read()
    connection.close()
    return response.status, {k.lower(): v for k, v in response.getheaders()}, json.loads(data) if data else {}


def sigv4():
    batch = client()
    batch.create_compute_environment(computeEnvironmentName="sig-env", type="MANAGED",
                                     computeResources={"type": "EC2", "maxvCpus": 1, "subnets": ["s"], "instanceRole": "r"})
    queue = batch.create_job_queue(jobQueueName="sig-q", priority=1, computeEnvironmentOrder=[{"order": 1, "computeEnvironment": "sig-env"}])
    batch.register_job_definition(jobDefinitionName="sig-d", type="container", containerProperties={"image": "x", "command": ["true"]})
    submit = json.dumps({"jobName": "forged", "jobQueue": "sig-q", "jobDefinition": "sig-d"})

    def refused(what, status, headers, body, code):
        check(status == 403 and headers.get("x-amzn-errortype") == code and body.get("__type") == code and "x-amzn-requestid" in headers,
              f"{what}: 403 {code}", (status, headers.get("x-amzn-errortype"), body))

    refused("unsigned", *send("POST", "/v1/submitjob", submit, {"Content-Type": "application/json"}), "MissingAuthenticationTokenException")
    refused("an unknown access key", *send("POST", "/v1/submitjob", submit, signed("POST", "/v1/submitjob", submit, key="AKIAUNKNOWNKEY000000")), "UnrecognizedClientException")
    refused("a wrong secret", *send("POST", "/v1/submitjob", submit, signed("POST", "/v1/submitjob", submit, secret="x" * 40)), "InvalidSignatureException")
    refused("the wrong service", *send("POST", "/v1/submitjob", submit, signed("POST", "/v1/submitjob", submit, service="s3")), "InvalidSignatureException")
    old = datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None) - datetime.timedelta(minutes=6)
    refused("a date 6 minutes old", *send("POST", "/v1/submitjob", submit, signed("POST", "/v1/submitjob", submit, when=old)), "InvalidSignatureException")
    future = datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None) + datetime.timedelta(minutes=6)
    refused("a date 6 minutes ahead", *send("POST", "/v1/submitjob", submit, signed("POST", "/v1/submitjob", submit, when=future)), "InvalidSignatureException")
    tampered = submit.replace("forged", "forgee")
    refused("a body changed after signing", *send("POST", "/v1/submitjob", tampered, signed("POST", "/v1/submitjob", submit)), "InvalidSignatureException")
    refused("a path changed after signing", *send("POST", "/v1/describejobs", '{"jobs": []}', signed("POST", "/v1/listjobs", '{"jobs": []}')), "InvalidSignatureException")
    recent = datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None) - datetime.timedelta(minutes=4)
    status, _, body = send("POST", "/v1/describejobs", '{"jobs": []}', signed("POST", "/v1/describejobs", '{"jobs": []}', when=recent))
    check(status == 200 and body == {"jobs": []}, "a date 4 minutes old is within AWS's 5-minute skew", body)
    jobs = batch.list_jobs(jobQueue="sig-q", filters=[{"name": "JOB_NAME", "values": ["forge*"]}])["jobSummaryList"]
    check(jobs == [], "no refused request submitted anything", jobs)

    # A path that needs double encoding: tags on an ARN (':' and '/'), signed by botocore, then tampered.
    arn = queue["jobQueueArn"]
    path = "/v1/tags/" + urllib.parse.quote(arn, safe="")
    status, _, body = send("POST", path, '{"tags": {"a b": "c/d"}}', signed("POST", path, '{"tags": {"a b": "c/d"}}'))
    check(status == 200, "TagResource on a percent-encoded ARN path verifies", body)
    query = "tagKeys=a%20b&tagKeys=zz"
    status, _, body = send("DELETE", path, "", signed("DELETE", path, "", query=query), query=query)
    check(status == 200, "UntagResource with repeated query keys verifies", body)
    other = "/v1/tags/" + urllib.parse.quote(arn.replace("sig-q", "sig-r"), safe="")
    refused("a tag path changed after signing", *send("GET", other, "", signed("GET", path, "")), "InvalidSignatureException")
    check(batch.list_tags_for_resource(resourceArn=arn)["tags"] == {}, "the tag was added then removed")
    validate_all(batch)


def hostile():
    """Bodies no client sends: huge, deeply nested, not UTF-8, not JSON; wrong methods and paths. Each is a
    ClientException (HTTP 400) with AWS's headers, the server stays up, and nothing is stored."""
    batch = client()
    batch.create_compute_environment(computeEnvironmentName="h-env", type="MANAGED",
                                     computeResources={"type": "EC2", "maxvCpus": 1, "subnets": ["s"], "instanceRole": "r"})
    batch.create_job_queue(jobQueueName="h-q", priority=1, computeEnvironmentOrder=[{"order": 1, "computeEnvironment": "h-env"}])
    batch.register_job_definition(jobDefinitionName="h-d", type="container", containerProperties={"image": "x", "command": ["true"]})

    def refused(what, method, path, body, expect="ClientException", status=400):
        started = time.time()
        code, headers, answer = send(method, path, body, signed(method, path, body) if isinstance(body, str) else signed_bytes(method, path, body))
        check(code == status and headers.get("x-amzn-errortype") == expect and answer.get("__type") == expect and answer.get("message")
              and "x-amzn-requestid" in headers and time.time() - started < 10,
              f"{what}: {status} {expect}", (code, answer if len(str(answer)) < 400 else str(answer)[:400]))

    big = json.dumps({"jobName": "hostile-big", "jobQueue": "h-q", "jobDefinition": "h-d", "parameters": {"p": "x" * (10 << 20)}})
    refused("a 10 MB SubmitJob body", "POST", "/v1/submitjob", big)
    over = json.dumps({"jobName": "hostile-31k", "jobQueue": "h-q", "jobDefinition": "h-d", "parameters": {"p": "x" * (31 << 10)}})
    refused("a SubmitJob over AWS's 30 KiB payload quota", "POST", "/v1/submitjob", over)
    refused("100,000 levels of nesting", "POST", "/v1/submitjob", "[" * 100_000 + "]" * 100_000)
    refused("a body that is not UTF-8", "POST", "/v1/submitjob", b'{"jobName": "hostile-\xff\xfe", "jobQueue": "h-q", "jobDefinition": "h-d"}')
    refused("a body that is not JSON", "POST", "/v1/submitjob", "jobName=hostile")
    refused("a JSON array for a body", "POST", "/v1/describejobs", "[1, 2]")
    refused("GET on an operation", "GET", "/v1/submitjob", "")
    refused("an unknown path", "POST", "/v2/submitjob", "{}")
    refused("an unknown operation", "POST", "/v1/launchrocket", "{}")
    refused("ten thousand ids to DescribeJobs", "POST", "/v1/describejobs", json.dumps({"jobs": ["x"] * 10_000}))
    refused("dependsOn on a job that does not exist", "POST", "/v1/submitjob",
            json.dumps({"jobName": "hostile-dep", "jobQueue": "h-q", "jobDefinition": "h-d", "dependsOn": [{"jobId": "nope"}]}))
    check(batch.describe_jobs(jobs=["x"])["jobs"] == [], "the server still answers")
    jobs = batch.list_jobs(jobQueue="h-q", filters=[{"name": "JOB_NAME", "values": ["hostile*"]}])["jobSummaryList"]
    check(jobs == [], "no hostile request stored a job", jobs)


def throttle():
    """`--api-rate-limit`: above the rate the server answers 429 TooManyRequestsException, which botocore retries with
    back-off until it gets through; ARNs carry the server's --region and --account-id ($DROVER_EXPECT_ARN)."""
    batch = client()
    queue_arn = None
    for attempt in range(50):  # the bucket may be empty from the start: botocore's retries wait it out
        try:
            env = batch.create_compute_environment(computeEnvironmentName="t-env", type="UNMANAGED")
            break
        except ClientError as error:
            if error.response["Error"]["Code"] != "TooManyRequestsException":
                raise
            time.sleep(0.2)
    prefix = os.environ.get("DROVER_EXPECT_ARN", "arn:aws:batch:us-east-1:000000000000:")
    check(env["computeEnvironmentArn"] == prefix + "compute-environment/t-env", "ARNs carry the server's region and account", env)
    statuses, codes = [], set()
    body = '{"jobs": []}'
    for _ in range(40):
        status, headers, answer = send("POST", "/v1/describejobs", body, signed("POST", "/v1/describejobs", body))
        statuses.append(status)
        if status == 429:
            codes.add((headers.get("x-amzn-errortype"), answer.get("__type")))
    check(429 in statuses and 200 in statuses, "a burst gets both answers: 200 within the rate, 429 above it", statuses)
    check(codes == {("TooManyRequestsException", "TooManyRequestsException")}, "429 is TooManyRequestsException in the header and the body", codes)
    started = time.time()
    for i in range(15):
        batch.describe_jobs(jobs=[])
    check(time.time() - started > 1, "boto3's retries slow a burst to the server's rate instead of failing it")


def signed_bytes(method, path, body):
    """Headers for a body that is not text (botocore signs the bytes as they are)."""
    request = AWSRequest(method=method, url=URL + path, data=body, headers={"Content-Type": "application/json"})
    botocore.auth.SigV4Auth(Credentials(KEY, SECRET), "batch", REGION).add_auth(request)
    return dict(request.headers.items())


if __name__ == "__main__":
    which = sys.argv[1] if len(sys.argv) > 1 else "all"
    try:
        if which in ("sigv4", "all"):
            sigv4()
        if which in ("hostile", "all"):
            hostile()
        if which == "throttle":
            throttle()
        if which in ("scenario", "all"):
            scenario()
        if which in ("move", "all"):
            move()
    except Failure as failure:
        print(f"FAILED - {failure}", flush=True)
        sys.exit(1)
    except ClientError as error:
        print(f"FAILED - unexpected {error.response['Error']}", flush=True)
        sys.exit(1)
    print("all checks passed", flush=True)
