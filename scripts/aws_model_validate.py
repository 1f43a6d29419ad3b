#!/usr/bin/env python3
"""Strict check of AWS Batch JSON bodies against botocore's model (botocore/data/batch/2016-08-10/service-2.json).

    scripts/aws-model-validate.py OPERATION BODY.json            # a response body, against the output shape
    scripts/aws-model-validate.py --service stepfunctions OPERATION BODY.json   # another service's model
    scripts/aws-model-validate.py --input OPERATION BODY.json    # a request body, against the input shape
    scripts/aws-model-validate.py --error OPERATION BODY.json    # an error body {"__type": ..., "message": ...}
    scripts/aws-model-validate.py --self-test                    # checks the validator on every operation

OPERATION is the model's name (`DescribeJobs`); `describejobs` and `describe-jobs` are accepted too. BODY.json
may be `-` for standard input. Exit 0 when valid; otherwise every problem is printed, one per line, with a JSON
path (`jobs[0].container.exitCode: expected integer, got string`), and the exit status is 1.

From Python (scripts/ on sys.path; the dashed file name is only the command-line wrapper):

    from aws_model_validate import validate
    problems = validate("DescribeJobs", body, "output")   # body: bytes, str or decoded JSON; -> list[str]

What is checked (stricter than botocore, whose parser coerces "12" to 12 and drops unknown members silently):
- unknown members, at every level; required members present; no `null` anywhere the model has a shape;
- JSON types per shape: structure and map (objects), list, string (and its `enum` when the shape has one),
  boolean, integer/long (JSON integers, not booleans or 1.0, within 32/64 bits), float/double (finite numbers),
  timestamp (epoch seconds as a number, botocore's reading of rest-json bodies; strings only where the shape says
  `timestampFormat` iso8601/rfc822, though botocore would take them anywhere; Batch has no timestamp shape, its
  times are `long` epoch milliseconds), blob (base64 text), document (any JSON), unions (exactly one member);
- `min`/`max` of the model: list and map sizes, string lengths (in code points), number values;
- the body as text: valid JSON, no duplicate keys, no NaN/Infinity. An empty body reads as `{}`, as botocore does;
- members bound to the URI, query string or headers (`resourceArn` of the tag operations) are not body members;
- errors: `__type` one of the operation's declared errors (bare name, as AWS Batch sends it), `message` a string
  (AWS always sends one; the model leaves it optional), nothing else.
"""
from __future__ import annotations

import argparse
import base64
import binascii
import copy
import json
import math
import sys
from contextlib import contextmanager
from functools import lru_cache

import botocore.session

DIRECTIONS = ("output", "input", "error")
INT_RANGE = {"integer": (-(2**31), 2**31 - 1), "long": (-(2**63), 2**63 - 1)}
JSON_KINDS = {
    "structure": ("object",), "map": ("object",), "list": ("list",), "string": ("string",), "blob": ("string",),
    "boolean": ("boolean",), "integer": ("integer",), "long": ("integer",), "float": ("integer", "number"),
    "double": ("integer", "number"), "timestamp": ("integer", "number"),
}
KIND_OF_TYPE = {type(None): "null", bool: "boolean", int: "integer", float: "number", str: "string", list: "list",
                dict: "object"}


@lru_cache(maxsize=None)
def service_model(service: str = "batch"):
    """botocore's model of `service` (`batch`; `stepfunctions` for the Step Functions API, whose awsJson times are
    epoch seconds too)."""
    return botocore.session.get_session().get_service_model(service)


def operation_name(text: str, service: str = "batch") -> str:
    """`DescribeJobs`, `describejobs`, `describe-jobs` or `/v1/describejobs` -> `DescribeJobs` (unknown: unchanged)."""
    key = text.rsplit("/", 1)[-1].replace("-", "").replace("_", "").lower()
    return next((name for name in service_model(service).operation_names if name.lower() == key), text)


def json_kind(value) -> str:
    kind = KIND_OF_TYPE.get(type(value))  # the exact types first: this runs once per value
    if kind is None:
        bases = ((bool, "boolean"), (int, "integer"), (float, "number"), (str, "string"), (list, "list"),
                 (dict, "object"))
        kind = next((name for cls, name in bases if isinstance(value, cls)), type(value).__name__)
    return kind


def loads(text):
    """json.loads refusing duplicate keys and NaN/Infinity (ValueError)."""
    def pairs(items):
        out = {}
        for key, value in items:
            if key in out:
                raise ValueError(f"duplicate key {key!r}")
            out[key] = value
        return out

    def constant(name):
        raise ValueError(f"{name} is not JSON")

    return json.loads(text, object_pairs_hook=pairs, parse_constant=constant)


def json_kinds(shape) -> tuple:
    """The JSON kinds (as json_kind names them) a value of `shape` may take."""
    if shape.type_name == "timestamp" and shape.serialization.get("timestampFormat") in ("iso8601", "rfc822"):
        return ("string",)
    return JSON_KINDS[shape.type_name]


def member_path(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name


@lru_cache(maxsize=None)
def body_members(shape) -> dict:
    """The members of a structure carried in the JSON body, by JSON name (URI/query/header members left out)."""
    return {m.serialization.get("name", name): (name, m) for name, m in shape.members.items()
            if not m.serialization.get("location")}


@lru_cache(maxsize=None)
def constraints(shape) -> dict:
    """The shape's metadata (min, max, enum, required, union...), which botocore rebuilds on every access."""
    return shape.metadata


# Members the model marks required that AWS itself leaves out, so clients cope with their absence: JobDetail's
# startedAt until the job starts (moto PR #2202 checked real AWS; amazonka PR #561 made it optional for that reason).
ABSENT_WHERE_AWS_OMITS = {("JobDetail", "startedAt")}
# Members whose empty value the model's minimum forbids but that a response gives for a resource without any: an
# untagged resource's ListTagsForResource is `{"tags": {}}`, which callers index without checking.
EMPTY_IN_RESPONSES = {("ListTagsForResourceResponse", "tags")}


def check(shape, value, path: str, out: list[str]) -> None:
    """Appends to `out` every problem of `value` (decoded JSON) as an instance of `shape`."""
    where = path or "$"
    kind, t, meta = json_kind(value), shape.type_name, constraints(shape)
    if t == "structure" and shape.is_document_type:
        return  # any JSON value (NaN and Infinity were refused when reading)
    if kind not in json_kinds(shape):
        out.append(f"{where}: expected {t}, got {kind}")
        return
    if t == "structure":
        members = body_members(shape)
        for key, item in value.items():
            if key not in members:
                located = shape.members.get(key) and shape.members[key].serialization.get("location")
                hint = f" (it belongs in the {located}, not the body)" if located else ""
                out.append(f"{member_path(path, key)}: unknown member of {shape.name}{hint}")
            elif (shape.name, key) in EMPTY_IN_RESPONSES and item == {}:
                continue
            else:
                check(members[key][1], item, member_path(path, key), out)
        for key, (name, _) in members.items():
            if name in meta.get("required", ()) and key not in value and (shape.name, name) not in ABSENT_WHERE_AWS_OMITS:
                out.append(f"{member_path(path, key)}: required member of {shape.name} missing")
        if meta.get("union") and len(value) != 1:
            out.append(f"{where}: union {shape.name} needs exactly one member, got {len(value)}")
    elif t == "list":
        for index, item in enumerate(value):
            check(shape.member, item, f"{path}[{index}]", out)
        bounds(meta, len(value), where, "items", out)
    elif t == "map":
        for key, item in value.items():
            item_path = f"{path}[{json.dumps(key, ensure_ascii=False)}]"
            check(shape.key, key, item_path + " (key)", out)
            check(shape.value, item, item_path, out)
        bounds(meta, len(value), where, "entries", out)
    elif t == "string":
        if "enum" in meta and value not in meta["enum"]:
            out.append(f"{where}: {value!r} is not a value of {shape.name} ({', '.join(meta['enum'])})")
        bounds(meta, len(value), where, "characters", out)
    elif t in INT_RANGE:
        low, high = INT_RANGE[t]
        if not low <= value <= high:
            out.append(f"{where}: {value} is out of the {t} range")
        bounds(meta, value, where, "", out)
    elif t in ("float", "double", "timestamp") and kind == "number" and not math.isfinite(value):
        out.append(f"{where}: {value} is not a finite number")
    elif t in ("float", "double"):
        bounds(meta, value, where, "", out)
    elif t == "blob":
        try:
            base64.b64decode(value, validate=True)
        except binascii.Error:
            out.append(f"{where}: blob is not base64")


def bounds(meta: dict, size, where: str, unit: str, out: list[str]) -> None:
    what = f"{size} {unit}".rstrip()
    if "min" in meta and size < meta["min"]:
        out.append(f"{where}: {what}, below the minimum {meta['min']}")
    if "max" in meta and size > meta["max"]:
        out.append(f"{where}: {what}, above the maximum {meta['max']}")


def validate(operation: str, body, direction: str = "output", service: str = "batch") -> list[str]:
    """Every problem of `body` (bytes, str or decoded JSON) as the `direction` ("output", "input" or "error")
    body of `operation` of `service` (botocore's name: `batch`, `stepfunctions`), one line each; [] when valid."""
    model = service_model(service)
    if operation not in model.operation_names:
        return [f"$: {operation!r} is not an operation of {model.service_name}"]
    if direction not in DIRECTIONS:
        raise ValueError(f"direction must be one of {DIRECTIONS}")
    op = model.operation_model(operation)
    if isinstance(body, (bytes, str)):
        try:
            body = loads(body) if body.strip() else {}
        except (ValueError, UnicodeDecodeError) as error:
            return [f"$: not JSON: {error}"]
    out: list[str] = []
    if direction == "error":
        errors = {shape.name: shape for shape in op.error_shapes}
        if not isinstance(body, dict):
            return [f"$: expected error object, got {json_kind(body)}"]
        code = body.get("__type")
        if not isinstance(code, str) or code not in errors:
            out.append(f"__type: {code!r} is not an error of {operation} ({', '.join(errors)})")
        if "message" not in body:
            out.append("message: missing (AWS always sends one, though the model leaves it optional)")
        rest = {key: value for key, value in body.items() if key != "__type"}
        # With an unknown __type, the members are still checked, against the first declared error's.
        shape = errors.get(code) if isinstance(code, str) else None
        if shape or errors:
            check(shape or next(iter(errors.values())), rest, "", out)
        return out
    shape = op.output_shape if direction == "output" else op.input_shape
    if shape is None:
        return [] if body == {} else [f"$: {operation} has no {direction} members, expected {{}}"]
    check(shape, body, "", out)
    return out


# --- self-test -----------------------------------------------------------------------------------------------------

def fit(text: str, meta: dict) -> str:
    while len(text) < meta.get("min", 0):
        text += text or "x"
    return text[: meta.get("max", len(text))]


def clamp(number, meta: dict):
    return min(max(number, meta.get("min", number)), meta.get("max", number))


def sample(shape, full: bool, stack: tuple = (), index: int = 0, nested: bool = False):
    """A valid instance of `shape`: required members only, or (`full`) every member, lists of two (of one inside
    another list, to keep bodies small); a shape already twice on `stack` (a recursive shape) is built minimal."""
    t, meta = shape.type_name, shape.metadata
    full = full and stack.count(shape.name) < 2
    stack = stack + (shape.name,)
    if t == "structure" and shape.is_document_type:
        return {"document": [1, "two", None, {"three": 3.5}]}
    if t == "structure":
        members = body_members(shape)
        chosen = [key for key, (name, _) in members.items() if full or name in shape.required_members]
        if meta.get("union"):
            chosen = chosen[:1] or list(members)[:1]
        return {key: sample(members[key][1], full, stack, 0, nested) for key in chosen}
    if t in ("list", "map"):
        count = min(max(meta.get("min", 0), (1 if nested else 2) if full else 0), meta.get("max", 2))
        if t == "list":
            return [sample(shape.member, full, stack, i, True) for i in range(count)]
        keys = [sample(shape.key, full, stack, i) for i in range(count)]
        return {key: sample(shape.value, full, stack, i, True) for key, i in zip(dict.fromkeys(keys), range(count))}
    if t == "string":
        if "enum" in meta:
            return meta["enum"][index % len(meta["enum"])]
        return fit((f"{index}-" if index else "") + ("drover-ünïcode" if full else "x"), meta)
    if t in INT_RANGE:
        return clamp(1_700_000_000_000 if t == "long" and full else 7 if full else 0, meta)
    if t in ("float", "double"):
        return clamp(2.5 if full else 0.5, meta)
    if t == "boolean":
        return full
    if t == "timestamp":
        text_format = shape.serialization.get("timestampFormat") in ("iso8601", "rfc822")
        return "2023-11-14T22:13:20Z" if text_format else (1_700_000_000.25 if full else 1_700_000_000)
    if t == "blob":
        return base64.b64encode(b"drover").decode()
    raise ValueError(f"no sample for shape type {t}")


def positions(shape, value, path: str = "", keys: tuple = ()):
    """(keys, path, shape, value) for every value in a body, depth first."""
    yield keys, path, shape, value
    t = shape.type_name
    if t == "structure" and not shape.is_document_type:
        members = body_members(shape)
        for key, item in value.items():
            yield from positions(members[key][1], item, member_path(path, key), keys + (key,))
    elif t == "list":
        for index, item in enumerate(value):
            yield from positions(shape.member, item, f"{path}[{index}]", keys + (index,))
    elif t == "map":
        for key, item in value.items():
            yield from positions(shape.value, item, f"{path}[{json.dumps(key, ensure_ascii=False)}]", keys + (key,))


def mutations(shape, value, path: str):
    """(what, edit, path expected in the report, word expected in that line) for the value at `path`; the edit is
    a new value, ("drop"/"add", member) or "above"/"below" (one past the shape's max or min)."""
    t, meta = shape.type_name, shape.metadata
    where = path or "$"
    if t == "structure" and shape.is_document_type:
        return
    wrong = next(v for v in ("7", 7, 2.5, True, [], {}) if json_kind(v) not in json_kinds(shape))
    yield "wrong type", wrong, where, "expected"
    if path:
        yield "null", None, where, "got null"
    if t == "structure":
        members = body_members(shape)
        for key, (name, _) in members.items():
            if name in shape.required_members and key in value and (shape.name, name) not in ABSENT_WHERE_AWS_OMITS:
                yield "drop required", ("drop", key), member_path(path, key), "missing"
        yield "unknown member", ("add", "droverUnknownMember"), member_path(path, "droverUnknownMember"), "unknown"
    elif t == "map" and ("enum" in shape.key.metadata or "max" in shape.key.metadata):
        key = "NOT_A_KEY" if "enum" in shape.key.metadata else "k" * (shape.key.metadata["max"] + 1)
        word = "not a value" if "enum" in shape.key.metadata else "maximum"
        yield "bad key", ("add", key), f"{path}[{json.dumps(key)}] (key)", word
    elif t == "string" and "enum" in meta:
        yield "bad enum", "NOT_A_" + shape.name.upper(), where, "not a value"
    elif t in INT_RANGE:
        yield "boolean for integer", True, where, "got boolean"
        yield "float for integer", 2.0, where, "got number"
        yield "out of range", INT_RANGE[t][1] + 1, where, "range"
    elif t == "boolean":
        yield "integer for boolean", 1, where, "got integer"
    if t in ("string", "list", "map") and "max" in meta:
        yield "above max", "above", where, "maximum"
    if t in ("string", "list", "map") and meta.get("min", 0) > 0:
        yield "below min", "below", where, "minimum"


def resize(shape, value, direction: str):
    """`value` made one longer than the shape's max, or one shorter than its min."""
    meta, t = shape.metadata, shape.type_name
    size = meta["max"] + 1 if direction == "above" else meta["min"] - 1
    if t == "string":
        return "a" * size
    if t == "list":
        return [copy.deepcopy(value[0] if value else sample(shape.member, False)) for _ in range(size)]
    return {sample(shape.key, False, (), i): sample(shape.value, False) for i in range(size)}


@contextmanager
def mutation(body, keys: tuple, shape, value, edit):
    """`body` with one edit at `keys` (dropping or adding a member, or replacing the value), undone afterwards."""
    parent = body
    for key in keys[:-1]:
        parent = parent[key]
    if isinstance(edit, tuple):
        action, member = edit
        saved = value.pop(member) if action == "drop" else value.setdefault(member, 1)
        try:
            yield body
        finally:
            if action == "drop":
                value[member] = saved
            else:
                del value[member]
        return
    new = resize(shape, value, edit) if edit in ("above", "below") else edit
    if not keys:
        yield new
        return
    parent[keys[-1]] = new
    try:
        yield body
    finally:
        parent[keys[-1]] = value


def self_test(verbose: bool = False) -> int:
    from botocore.parsers import create_parser
    from botocore.validate import ParamValidator

    model = service_model()
    parser = create_parser("rest-json")
    failures: list[str] = []
    counts = {"examples": 0, "bodies": 0, "mutations": 0, "reported": 0, "output mutations": 0, "botocore-silent": 0}
    shapes_seen: set[str] = set()

    def fail(message: str):
        failures.append(message)
        if verbose:
            print("FAIL", message)

    def botocore_parse(op, body: dict):
        response = {"status_code": 200, "headers": {}, "body": json.dumps(body).encode()}
        parsed = parser.parse(response, op.output_shape)
        parsed.pop("ResponseMetadata", None)
        return parsed

    for name in model.operation_names:
        op = model.operation_model(name)
        for direction, shape in (("output", op.output_shape), ("input", op.input_shape)):
            for full in (False, True):
                body = sample(shape, full)
                label = f"{name} {direction} {'maximal' if full else 'minimal'}"
                counts["bodies"] += 1
                for _, _, sub, _ in positions(shape, body):
                    shapes_seen.update([sub.name, sub.key.name] if sub.type_name == "map" else [sub.name])
                problems = validate(name, json.dumps(body), direction)
                if problems:
                    fail(f"{label}: valid body refused: {problems[:3]}")
                if direction == "output":
                    try:
                        if botocore_parse(op, body) != body:
                            fail(f"{label}: botocore's parse differs from the body")
                    except Exception as error:  # noqa: BLE001 - any botocore failure is a finding
                        fail(f"{label}: botocore cannot parse a valid body: {error!r}")
                else:
                    params = dict(body)
                    for member_name, member in shape.members.items():
                        if member.serialization.get("location"):
                            params[member_name] = sample(member, full)
                    report = ParamValidator().validate(params, shape)
                    if report.has_errors():
                        fail(f"{label}: botocore's ParamValidator refuses it: {report.generate_report()}")
                for keys, path, sub, value in list(positions(shape, body)):
                    for what, edit, expected_path, word in list(mutations(sub, value, path)):
                        if direction == "output" and what == "below min" and (shape.name, expected_path) in EMPTY_IN_RESPONSES:
                            continue  # allowed on purpose, see EMPTY_IN_RESPONSES
                        counts["mutations"] += 1
                        with mutation(body, keys, sub, value, edit) as mutated:
                            problems = validate(name, mutated, direction)
                            if any(line.startswith(expected_path + ":") and word in line for line in problems):
                                counts["reported"] += 1
                            else:
                                fail(f"{label}: {what} at {expected_path} not reported (got {problems[:3]})")
                            if direction == "output" and isinstance(mutated, dict):
                                counts["output mutations"] += 1
                                try:
                                    botocore_parse(op, mutated)
                                    counts["botocore-silent"] += 1
                                except Exception:  # noqa: BLE001 - botocore noticing is fine too
                                    pass
        for error in op.error_shapes:
            shapes_seen.add(error.name)
            good = {"__type": error.name, "message": "it went wrong"}
            if validate(name, json.dumps(good), "error"):
                fail(f"{name} error {error.name}: valid error refused")
            status = error.metadata.get("error", {}).get("httpStatusCode", 400)
            response = {"status_code": status, "headers": {}, "body": json.dumps(good).encode()}
            parsed = parser.parse(response, op.output_shape)
            if parsed.get("Error", {}).get("Code") != error.name:
                fail(f"{name} error {error.name}: botocore reads the code as {parsed.get('Error')}")
            bad_errors = ({"__type": "NoSuchException", "message": "m"}, {"__type": error.name}, {"message": "m"},
                          {"__type": error.name, "message": "m", "extra": 1}, {"__type": error.name, "message": 7})
            for bad in bad_errors:
                counts["mutations"] += 1
                if validate(name, json.dumps(bad), "error"):
                    counts["reported"] += 1
                else:
                    fail(f"{name} error: {bad} accepted")

    # AWS's own examples (botocore's examples-1.json), with the members bound to the URI or query string taken out.
    loader = botocore.session.get_session().get_component("data_loader")
    for name, examples in loader.load_service_model("batch", "examples-1", model.api_version)["examples"].items():
        shape = model.operation_model(name).input_shape
        for example in examples:
            body = {key: value for key, value in example.get("input", {}).items()
                    if not shape.members[key].serialization.get("location")}
            for direction, value in (("input", body), ("output", example.get("output", {}))):
                counts["examples"] += 1
                if validate(name, value, direction):
                    fail(f"AWS's {name} example {direction} refused: {validate(name, value, direction)[:3]}")

    # The exact line format, and the reading of text.

    exact = validate("DescribeJobs", '{"jobs": [{"jobName": "a", "jobId": "b", "jobQueue": "q", "status": "RUNNING",'
                     ' "startedAt": 1, "jobDefinition": "d", "container": {"exitCode": "0"}}]}')
    if exact != ["jobs[0].container.exitCode: expected integer, got string"]:
        fail(f"the documented example reads {exact}")
    for text, word in (('{"jobs": [], "jobs": []}', "duplicate"), ('{"nextToken": NaN}', "NaN"), ("[", "not JSON")):
        if not any(word in line for line in validate("DescribeJobs", text)):
            fail(f"{text!r} not refused with {word!r}")

    unseen = sorted(set(model.shape_names) - shapes_seen)
    print(f"self-test: {len(model.operation_names)} operations, {len(shapes_seen)} of {len(model.shape_names)} shapes "
          f"(not in any body: {', '.join(unseen) or 'none'}); {counts['bodies']} generated bodies (minimal and "
          f"maximal outputs and inputs) and {counts['examples']} of AWS's example bodies valid; "
          f"{counts['mutations']} mutations, {counts['reported']} reported; botocore's parser took "
          f"{counts['botocore-silent']} of {counts['output mutations']} invalid outputs without an error; "
          f"{len(failures)} failure{'s' * (len(failures) != 1)}")
    for message in failures[:50]:
        print("  " + message)
    return 1 if failures else 0


def main(argv: list[str] | None = None) -> int:
    arguments = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    arguments.add_argument("--input", action="store_true", help="a request body, against the input shape")
    arguments.add_argument("--error", action="store_true", help="an error body, against the declared errors")
    arguments.add_argument("--self-test", action="store_true", help="check the validator on every operation")
    arguments.add_argument("--verbose", action="store_true", help="with --self-test: print failures as found")
    arguments.add_argument("--service", default="batch", help="botocore's name of the service (batch, stepfunctions)")
    arguments.add_argument("operation", nargs="?")
    arguments.add_argument("body", nargs="?", help="file holding the JSON body, - for standard input")
    options = arguments.parse_args(argv)
    if options.self_test:
        return self_test(options.verbose)
    if not options.operation or not options.body or (options.input and options.error):
        arguments.error("give OPERATION and BODY.json, and at most one of --input / --error")
    if options.body == "-":
        body = sys.stdin.buffer.read()
    else:
        with open(options.body, "rb") as file:
            body = file.read()
    direction = "input" if options.input else "error" if options.error else "output"
    problems = validate(operation_name(options.operation, options.service), body, direction, options.service)
    for line in problems:
        print(line)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
