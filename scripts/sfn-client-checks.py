#!/usr/bin/env python3
"""End-to-end checks of the Step Functions API of `drover serve --api` with boto3's `stepfunctions` client (and the
`aws` CLI), every response checked against botocore's model (stepfunctions/2016-11-23).

    sfn-client-checks.py run|stop|errors|sigv4|cli|all

The server's address is $DROVER_API_URL (http://127.0.0.1:PORT); the key pair is $AWS_ACCESS_KEY_ID and
$AWS_SECRET_ACCESS_KEY. The state directory must hold the job queue `default` and the job definitions `quick`
(`true`) and `slow` (`sleep 60`). Prints one line per check and exits 1 at the first failure.
"""
import datetime
import http.client
import json
import logging
import os
import shutil
import subprocess
import sys
import time
import urllib.parse

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
ROLE = "arn:aws:iam::000000000000:role/drover-test"
AWS_CLI = next((p for p in (os.path.join(os.path.dirname(sys.executable), "aws"),) if os.access(p, os.X_OK)), None) or shutil.which("aws") or "aws"


class Failure(Exception):
    pass


def check(condition, what, detail=""):
    if not condition:
        raise Failure(f"{what}{': ' + str(detail) if detail != '' else ''}")
    print(f"ok - {what}", flush=True)


class Warnings(logging.Handler):
    def __init__(self):
        super().__init__(logging.WARNING)
        self.records = []

    def emit(self, record):
        self.records.append(self.format(record))


WARNINGS = Warnings()
logging.getLogger("botocore").addHandler(WARNINGS)


def client(service="stepfunctions"):
    """A boto3 client whose every response is kept for the validator."""
    made = boto3.client(service, endpoint_url=URL, region_name=REGION, aws_access_key_id=KEY, aws_secret_access_key=SECRET)
    made.responses = []

    def keep(http_response, model, **_):
        made.responses.append((model.name, http_response.status_code, dict(http_response.headers), http_response.content))

    made.meta.events.register("after-call", keep)
    return made


def validate_all(sfn):
    """Every body the client received is what botocore's stepfunctions model allows, with a request id."""
    problems = []
    operations = set()
    for name, status, headers, body in sfn.responses:
        operations.add(name)
        kind = "output" if status == 200 else "error"
        for problem in aws_model_validate.validate(name, body.decode("utf-8"), kind, service="stepfunctions"):
            problems.append(f"{name} ({status}): {problem}")
        if not any(k.lower() == "x-amzn-requestid" for k in headers):
            problems.append(f"{name} ({status}): no x-amzn-RequestId header")
        content_type = next((v for k, v in headers.items() if k.lower() == "content-type"), "")
        if content_type != "application/x-amz-json-1.0":
            problems.append(f"{name} ({status}): Content-Type {content_type!r}")
    check(not problems, f"all {len(sfn.responses)} responses ({', '.join(sorted(operations))}) pass the strict validator",
          "\n".join(problems[:20]))
    check(not WARNINGS.records, "botocore logged no warning", WARNINGS.records)


def refused(call, code):
    """The message of a call that must fail with `code`."""
    try:
        call()
    except ClientError as error:
        check(error.response["Error"]["Code"] == code, f"refused with {code}", error.response["Error"])
        return error.response["Error"]["Message"]
    raise Failure(f"the call was accepted (expected {code})")


def task(name, definition, command=None):
    parameters = {"JobName": name, "JobQueue": "default", "JobDefinition": definition}
    if command:
        parameters["ContainerOverrides"] = {"Command": command}
    return {"Type": "Task", "Resource": "arn:aws:states:::batch:submitJob.sync", "Parameters": parameters,
            "ResultSelector": {"JobName.$": "$.JobName", "Status.$": "$.Status"}, "End": True}


PARALLEL = {
    "Comment": "two quick jobs side by side",
    "StartAt": "Both",
    "States": {
        "Both": {"Type": "Parallel", "End": True, "Branches": [
            {"StartAt": "Left", "States": {"Left": task("left", "quick")}},
            {"StartAt": "Right", "States": {"Right": task("right", "quick")}},
        ]},
    },
}
PASS = {"StartAt": "Echo", "States": {"Echo": {"Type": "Pass", "Result": {"done": True}, "ResultPath": "$.result", "End": True}}}
WAIT = {"StartAt": "Hold", "States": {"Hold": {"Type": "Wait", "Seconds": 120, "End": True}}}
SLOW = {"StartAt": "Sleep", "States": {"Sleep": task("sleeper", "slow")}}


def wait_until_ended(sfn, arn, seconds=90):
    deadline = time.time() + seconds
    while time.time() < deadline:
        described = sfn.describe_execution(executionArn=arn)
        if described["status"] != "RUNNING":
            return described
        time.sleep(0.1)
    raise Failure(f"{arn} still RUNNING after {seconds}s")


def history(sfn, arn, **options):
    """Every event, page by page, and the number of pages."""
    events, token, pages = [], None, 0
    while True:
        page = sfn.get_execution_history(executionArn=arn, **options, **({"nextToken": token} if token else {}))
        events += page["events"]
        pages += 1
        token = page.get("nextToken")
        if not token:
            return events, pages


def run():
    sfn = client()
    machine = sfn.create_state_machine(name="pair", definition=json.dumps(PARALLEL), roleArn=ROLE)
    arn = machine["stateMachineArn"]
    check(arn == "arn:aws:states:us-east-1:000000000000:stateMachine:pair", "CreateStateMachine answers the ARN", machine)
    again = sfn.create_state_machine(name="pair", definition=json.dumps(PARALLEL), roleArn=ROLE)
    check(again["stateMachineArn"] == arn and again["creationDate"] == machine["creationDate"],
          "creating the same machine again answers the one there (idempotent)", again)
    described = sfn.describe_state_machine(stateMachineArn=arn)
    check(described["name"] == "pair" and json.loads(described["definition"]) == PARALLEL and described["status"] == "ACTIVE"
          and described["type"] == "STANDARD" and described["roleArn"] == ROLE, "DescribeStateMachine gives it back", described)

    started = sfn.start_execution(stateMachineArn=arn, name="first", input=json.dumps({"batch": 7}))
    execution = started["executionArn"]
    check(execution == "arn:aws:states:us-east-1:000000000000:execution:pair:first", "StartExecution answers the execution's ARN", started)
    check(isinstance(started["startDate"], datetime.datetime), "startDate reads as a time", started)
    ended = wait_until_ended(sfn, execution)
    check(ended["status"] == "SUCCEEDED", "the Parallel of two batch jobs SUCCEEDED", ended)
    output = json.loads(ended["output"])
    check(output == [{"JobName": "left", "Status": "SUCCEEDED"}, {"JobName": "right", "Status": "SUCCEEDED"}],
          "its output is each branch's job, in branch order", output)
    check(json.loads(ended["input"]) == {"batch": 7} and ended["stopDate"] >= ended["startDate"] and ended["name"] == "first"
          and ended["stateMachineArn"] == arn, "DescribeExecution gives input, name, machine and dates", ended)

    events, pages = history(sfn, execution, maxResults=1000)
    types = [event["type"] for event in events]
    check(pages == 1 and types[0] == "ExecutionStarted" and types[-1] == "ExecutionSucceeded", "the history starts and ends the execution", types)
    check(types.count("TaskSubmitted") == 2 and types.count("TaskSucceeded") == 2 and "ParallelStateEntered" in types,
          "it holds both tasks and the Parallel state", types)
    check([event["id"] for event in events] == list(range(1, len(events) + 1)) and events[0]["previousEventId"] == 0,
          "ids run from 1 with the previous event's", [(e["id"], e["previousEventId"]) for e in events])
    entered = next(event for event in events if event["type"] == "ParallelStateEntered")
    check(entered["stateEnteredEventDetails"]["name"] == "Both" and json.loads(entered["stateEnteredEventDetails"]["input"]) == {"batch": 7},
          "a state's entry carries its name and input", entered)
    paged, pages = history(sfn, execution, maxResults=3)
    check(paged == events and pages == (len(events) + 2) // 3, f"paging by 3 gives the same {len(events)} events in {pages} pages", pages)
    backwards, _ = history(sfn, execution, maxResults=4, reverseOrder=True)
    check(backwards == list(reversed(events)), "reverseOrder pages newest first", [e["id"] for e in backwards])
    bare, _ = history(sfn, execution, includeExecutionData=False)
    check(all("input" not in event.get("stateEnteredEventDetails", {}) for event in bare)
          and "input" not in bare[0]["executionStartedEventDetails"], "includeExecutionData=false leaves the data out", bare[0])
    refused(lambda: sfn.get_execution_history(executionArn=execution, nextToken="bm90IGEgdG9rZW4="), "InvalidToken")

    # ListExecutions: newest first, by status, page by page.
    quick = sfn.create_state_machine(name="echo", definition=json.dumps(PASS), roleArn=ROLE)["stateMachineArn"]
    arns = [sfn.start_execution(stateMachineArn=quick, name=f"echo-{index}", input=json.dumps({"n": index}))["executionArn"] for index in range(5)]
    for each in arns:
        wait_until_ended(sfn, each)
    check(json.loads(sfn.describe_execution(executionArn=arns[2])["output"]) == {"n": 2, "result": {"done": True}}, "a Pass machine's output")
    listed, token, pages = [], None, 0
    while True:
        page = sfn.list_executions(stateMachineArn=quick, maxResults=2, **({"nextToken": token} if token else {}))
        listed += page["executions"]
        pages += 1
        token = page.get("nextToken")
        if not token:
            break
    check([item["executionArn"] for item in listed] == list(reversed(arns)) and pages == 3, "ListExecutions pages newest first", listed)
    held = sfn.create_state_machine(name="hold", definition=json.dumps(WAIT), roleArn=ROLE)["stateMachineArn"]
    waiting = sfn.start_execution(stateMachineArn=held, name="held")["executionArn"]
    running = sfn.list_executions(stateMachineArn=held, statusFilter="RUNNING")["executions"]
    check([item["executionArn"] for item in running] == [waiting] and "stopDate" not in running[0], "statusFilter RUNNING lists the one waiting", running)
    check(sfn.list_executions(stateMachineArn=held, statusFilter="SUCCEEDED")["executions"] == [], "and SUCCEEDED none of its")
    succeeded = sfn.list_executions(stateMachineArn=arn, statusFilter="SUCCEEDED")["executions"]
    check([item["name"] for item in succeeded] == ["first"], "statusFilter SUCCEEDED lists the finished one", succeeded)
    sfn.stop_execution(executionArn=waiting)

    machines = sfn.list_state_machines()["stateMachines"]
    check([item["name"] for item in machines] == ["echo", "hold", "pair"], "ListStateMachines lists them by name", machines)
    first = sfn.list_state_machines(maxResults=2)
    rest = sfn.list_state_machines(maxResults=2, nextToken=first["nextToken"])
    check([m["name"] for m in first["stateMachines"] + rest["stateMachines"]] == ["echo", "hold", "pair"] and "nextToken" not in rest,
          "and page by page", rest)

    changed = dict(PASS, Comment="changed")
    updated = sfn.update_state_machine(stateMachineArn=quick, definition=json.dumps(changed))
    check(isinstance(updated["updateDate"], datetime.datetime), "UpdateStateMachine answers updateDate", updated)
    check(json.loads(sfn.describe_state_machine(stateMachineArn=quick)["definition"]) == changed, "the new definition is kept")
    check(json.loads(sfn.describe_execution(executionArn=arns[0])["output"])["n"] == 0, "executions keep what they ran")
    sfn.delete_state_machine(stateMachineArn=quick)
    refused(lambda: sfn.describe_state_machine(stateMachineArn=quick), "StateMachineDoesNotExist")
    sfn.delete_state_machine(stateMachineArn=quick)
    check(True, "deleting it again succeeds, as on AWS")
    check(sfn.describe_execution(executionArn=arns[0])["status"] == "SUCCEEDED", "its executions stay described")
    validate_all(sfn)


def stop():
    sfn = client()
    batch = client("batch")
    arn = sfn.create_state_machine(name="slow", definition=json.dumps(SLOW), roleArn=ROLE)["stateMachineArn"]
    execution = sfn.start_execution(stateMachineArn=arn, name="long")["executionArn"]
    deadline, job = time.time() + 60, None
    while job is None and time.time() < deadline:
        for event in sfn.get_execution_history(executionArn=execution)["events"]:
            if event["type"] == "TaskSubmitted":
                job = json.loads(event["taskSubmittedEventDetails"]["output"])["JobId"]
        time.sleep(0.1)
    check(job is not None, "the task submitted its job", job)
    while time.time() < deadline and batch.describe_jobs(jobs=[job])["jobs"][0]["status"] != "RUNNING":
        time.sleep(0.1)
    check(batch.describe_jobs(jobs=[job])["jobs"][0]["status"] == "RUNNING", "the job (sleep 60) runs")
    stopped = sfn.stop_execution(executionArn=execution, error="Drover.Test", cause="stopped by the test")
    check(isinstance(stopped["stopDate"], datetime.datetime), "StopExecution answers stopDate", stopped)
    described = sfn.describe_execution(executionArn=execution)
    check(described["status"] == "ABORTED" and described["error"] == "Drover.Test" and described["cause"] == "stopped by the test"
          and "output" not in described, "the execution is ABORTED with the error and cause given", described)
    check(abs((described["stopDate"] - stopped["stopDate"]).total_seconds()) < 0.01, "its stopDate is StopExecution's", (described, stopped))
    deadline = time.time() + 30
    while time.time() < deadline and batch.describe_jobs(jobs=[job])["jobs"][0]["status"] != "FAILED":
        time.sleep(0.1)
    detail = batch.describe_jobs(jobs=[job])["jobs"][0]
    check(detail["status"] == "FAILED", "its job is terminated (FAILED)", detail)
    events = sfn.get_execution_history(executionArn=execution, reverseOrder=True, maxResults=1)["events"]
    check(events[0]["type"] == "ExecutionAborted" and events[0]["executionAbortedEventDetails"] == {"error": "Drover.Test", "cause": "stopped by the test"},
          "the history ends with ExecutionAborted", events)
    aborted = sfn.list_executions(stateMachineArn=arn, statusFilter="ABORTED")["executions"]
    check([item["executionArn"] for item in aborted] == [execution], "statusFilter ABORTED lists it", aborted)
    again = sfn.stop_execution(executionArn=execution)
    check(again["stopDate"] == stopped["stopDate"], "stopping it again changes nothing", again)
    validate_all(sfn)


def errors():
    sfn = client()
    bad = {"StartAt": "Run", "States": {"Run": dict(task("run", "quick"), Next="Nowhere")}}
    message = refused(lambda: sfn.create_state_machine(name="bad", definition=json.dumps(bad), roleArn=ROLE), "InvalidDefinition")
    check("Run" in message and "Nowhere" in message, "InvalidDefinition names the state and what is wrong", message)
    refused(lambda: sfn.create_state_machine(name="bad", definition="{not json", roleArn=ROLE), "InvalidDefinition")
    check(sfn.list_state_machines()["stateMachines"] == [], "nothing was created")
    refused(lambda: sfn.create_state_machine(name="has space", definition=json.dumps(PASS), roleArn=ROLE), "InvalidName")
    refused(lambda: sfn.create_state_machine(name="fast", definition=json.dumps(PASS), roleArn=ROLE, type="EXPRESS"),
            "StateMachineTypeNotSupported")
    arn = sfn.create_state_machine(name="hold", definition=json.dumps(WAIT), roleArn=ROLE)["stateMachineArn"]
    refused(lambda: sfn.create_state_machine(name="hold", definition=json.dumps(PASS), roleArn=ROLE), "StateMachineAlreadyExists")
    unknown = "arn:aws:states:us-east-1:000000000000:execution:hold:nobody"
    refused(lambda: sfn.describe_execution(executionArn=unknown), "ExecutionDoesNotExist")
    refused(lambda: sfn.stop_execution(executionArn=unknown), "ExecutionDoesNotExist")
    refused(lambda: sfn.get_execution_history(executionArn=unknown), "ExecutionDoesNotExist")
    refused(lambda: sfn.describe_execution(executionArn="nobody"), "InvalidArn")
    refused(lambda: sfn.describe_state_machine(stateMachineArn="arn:aws:states:us-east-1:000000000000:stateMachine:nothing"),
            "StateMachineDoesNotExist")
    refused(lambda: sfn.describe_state_machine(stateMachineArn="arn:aws:states:eu-west-1:000000000000:stateMachine:hold"),
            "StateMachineDoesNotExist")
    refused(lambda: sfn.start_execution(stateMachineArn=arn, input="{not json"), "InvalidExecutionInput")
    refused(lambda: sfn.start_execution(stateMachineArn=arn, name="a/b"), "InvalidName")

    first = sfn.start_execution(stateMachineArn=arn, name="twice", input='{"a": 1}')
    same = sfn.start_execution(stateMachineArn=arn, name="twice", input='{"a": 1}')
    check(same == first or (same["executionArn"] == first["executionArn"] and same["startDate"] == first["startDate"]),
          "the same name and input while it runs answers the same execution (idempotent)", (first, same))
    message = refused(lambda: sfn.start_execution(stateMachineArn=arn, name="twice", input='{"a": 2}'), "ExecutionAlreadyExists")
    check("twice" in message, "ExecutionAlreadyExists names it", message)
    sfn.stop_execution(executionArn=first["executionArn"])
    refused(lambda: sfn.start_execution(stateMachineArn=arn, name="twice", input='{"a": 1}'), "ExecutionAlreadyExists")

    missing = {"StartAt": "Run", "States": {"Run": dict(task("run", "quick"), Parameters={"JobName": "x", "JobQueue": "no-such-queue",
                                                                                           "JobDefinition": "quick"})}}
    orphan = sfn.create_state_machine(name="orphan", definition=json.dumps(missing), roleArn=ROLE)["stateMachineArn"]
    message = refused(lambda: sfn.start_execution(stateMachineArn=orphan), "ValidationException")
    check("no-such-queue" in message, "a task's unknown job queue refuses the start, named", message)
    refused(lambda: sfn.list_executions(stateMachineArn=arn, statusFilter="SLEEPING"), "ValidationException")
    refused(lambda: sfn.list_executions(stateMachineArn="arn:aws:states:us-east-1:000000000000:stateMachine:nothing"), "StateMachineDoesNotExist")
    refused(lambda: sfn.update_state_machine(stateMachineArn=arn, definition=json.dumps(bad)), "InvalidDefinition")
    validate_all(sfn)


def sigv4():
    """A Step Functions request must be signed for `states`; one signed for `batch` is refused, and unsigned ones too."""
    body = json.dumps({})
    for service, expected in (("states", 200), ("batch", 403)):
        request = AWSRequest(method="POST", url=URL + "/", data=body.encode(),
                             headers={"Content-Type": "application/x-amz-json-1.0", "X-Amz-Target": "AWSStepFunctions.ListStateMachines"})
        botocore.auth.SigV4Auth(Credentials(KEY, SECRET), service, REGION).add_auth(request)
        status, answer = send(dict(request.headers.items()), body)
        check(status == expected, f"a request signed for '{service}' answers {expected}", answer)
    status, answer = send({"Content-Type": "application/x-amz-json-1.0", "X-Amz-Target": "AWSStepFunctions.ListStateMachines"}, body)
    check(status == 403 and answer.get("__type") == "MissingAuthenticationTokenException", "an unsigned request is refused", answer)
    request = AWSRequest(method="POST", url=URL + "/", data=b"{}",
                         headers={"Content-Type": "application/x-amz-json-1.0", "X-Amz-Target": "AWSStepFunctions.SendTaskSuccess"})
    botocore.auth.SigV4Auth(Credentials(KEY, SECRET), "states", REGION).add_auth(request)
    status, answer = send(dict(request.headers.items()), "{}")
    check(status == 400 and answer.get("__type") == "UnknownOperationException" and "SendTaskSuccess" in answer.get("message", ""),
          "an operation Drover does not serve is UnknownOperationException", answer)


def send(headers, body):
    parts = urllib.parse.urlsplit(URL)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    connection.request("POST", "/", body=body.encode(), headers=headers)
    response = connection.getresponse()
    data = response.read()
    connection.close()
    return response.status, json.loads(data) if data else {}


def cli():
    sfn = client()
    sfn.create_state_machine(name="from-boto3", definition=json.dumps(PASS), roleArn=ROLE)
    env = dict(os.environ, AWS_DEFAULT_REGION=REGION, AWS_PAGER="")
    env.pop("AWS_ENDPOINT_URL", None)
    result = subprocess.run([AWS_CLI, "stepfunctions", "list-state-machines", "--endpoint-url", URL, "--output", "json"],
                            env=env, capture_output=True, text=True, timeout=120)
    check(result.returncode == 0, "aws stepfunctions list-state-machines exits 0", result.stderr)
    listed = json.loads(result.stdout)["stateMachines"]
    check([item["name"] for item in listed] == ["from-boto3"], "and lists the machine", listed)


if __name__ == "__main__":
    which = sys.argv[1] if len(sys.argv) > 1 else "all"
    try:
        for name, check_set in (("run", run), ("stop", stop), ("errors", errors), ("sigv4", sigv4), ("cli", cli)):
            if which in (name, "all"):
                check_set()
    except Failure as failure:
        print(f"FAILED - {failure}", flush=True)
        sys.exit(1)
    except ClientError as error:
        print(f"FAILED - unexpected {error.response['Error']}", flush=True)
        sys.exit(1)
    print("all checks passed", flush=True)
