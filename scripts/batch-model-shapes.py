#!/usr/bin/env python3
"""Writes Sources/DroverAPI/Shapes/BatchModelShapes.swift from botocore's model of AWS Batch.

    scripts/batch-model-shapes.py            # prints the Swift file
    scripts/batch-model-shapes.py --write    # writes it
    scripts/batch-model-shapes.py --check    # exit 1 when the file differs from what the installed botocore gives

The file holds the shapes of the resource operations' requests and responses, and SubmitJob's request (which
`drover export aws-batch` writes through), with every shape they use, as `ModelShape` values: the API checks
requests against them and writes responses through them, so that a response carries the model's members only,
with the model's types. Members Drover does not run (multi-node, ECS and EKS
properties, service environments, consumable resources) become `.unsupported` with the reason a request gets.
"""
import os
import sys

import botocore
import botocore.session

ROOTS = [
    "CreateComputeEnvironmentRequest", "UpdateComputeEnvironmentRequest", "ComputeEnvironmentDetail",
    "CreateJobQueueRequest", "UpdateJobQueueRequest", "JobQueueDetail",
    "RegisterJobDefinitionRequest", "JobDefinition",
    "CreateSchedulingPolicyRequest", "UpdateSchedulingPolicyRequest", "SchedulingPolicyDetail",
    "SubmitJobRequest",
]
UNSUPPORTED = {
    "nodeProperties": "multi-node parallel jobs are not supported by Drover: give containerProperties",
    "ecsProperties": "Drover runs containerProperties (ecsProperties is not supported): give containerProperties",
    "eksProperties": "Drover runs containerProperties (eksProperties is not supported): give containerProperties",
    "consumableResourceProperties": "consumable resources are not supported by Drover",
    "serviceEnvironmentOrder": "service environments are not supported by Drover: give computeEnvironmentOrder",
    "nodeOverrides": "multi-node parallel jobs are not supported by Drover",
    "eksPropertiesOverride": "Drover runs containerProperties (eksPropertiesOverride is not supported): give containerOverrides",
    "ecsPropertiesOverride": "Drover runs containerProperties (ecsPropertiesOverride is not supported): give containerOverrides",
    "consumableResourcePropertiesOverride": "consumable resources are not supported by Drover",
}
# Values Drover accepts in requests beyond the model's (its extensions for job files); responses keep to the model.
DROVER_VALUES = {"RetryAction": ["RETRY_NEXT_ENVIRONMENT"]}
INT32 = (-(2**31), 2**31 - 1)
INT64 = (-(2**63), 2**63 - 1)
TARGET = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Sources", "DroverAPI", "Shapes",
                      "BatchModelShapes.swift")


def swift_name(shape_name: str) -> str:
    """`EFSVolumeConfiguration` -> `efsVolumeConfiguration`, `Ec2Configuration` -> `ec2Configuration`."""
    run = 0
    while run < len(shape_name) and shape_name[run].isupper():
        run += 1
    if run > 1 and run < len(shape_name) and shape_name[run].islower():
        run -= 1
    return shape_name[:max(run, 1)].lower() + shape_name[max(run, 1):]


def quoted(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def expression(shape, structures: list) -> str:
    kind = shape.type_name
    meta = shape.metadata
    if kind == "structure":
        if shape.name not in [s.name for s in structures]:
            structures.append(shape)
        return "." + swift_name(shape.name)
    if kind == "list":
        return f".list({expression(shape.member, structures)})"
    if kind == "map":
        return f".map({expression(shape.value, structures)})"
    if kind == "string":
        if meta.get("enum"):
            values = "[" + ", ".join(quoted(value) for value in meta["enum"]) + "]"
            if shape.name in DROVER_VALUES:
                extra = "[" + ", ".join(quoted(value) for value in DROVER_VALUES[shape.name]) + "]"
                return f".enumeration({values}, drover: {extra})"
            return f".enumeration({values})"
        if "min" in meta or "max" in meta:
            return f".boundedString({meta.get('min', 0)}...{meta.get('max', 2**31 - 1)})"
        return ".string"
    if kind in ("integer", "long"):
        low, high = INT32 if kind == "integer" else INT64
        if "min" in meta or "max" in meta:
            return f".boundedInteger({meta.get('min', low)}...{meta.get('max', high)})"
        return f".{kind}"
    if kind in ("float", "double"):
        return ".double"
    if kind == "boolean":
        return ".boolean"
    raise SystemExit(f"{shape.name}: shape type {kind} is not handled")


def render() -> str:
    model = botocore.session.get_session().get_service_model("batch")
    structures = [model.shape_for(name) for name in ROOTS]
    lines = []
    index = 0
    while index < len(structures):
        shape = structures[index]
        index += 1
        required = shape.metadata.get("required", [])
        members = []
        for name, member in shape.members.items():
            if name in UNSUPPORTED:
                members.append(f"{quoted(name)}: .unsupported({quoted(UNSUPPORTED[name])})")
            else:
                members.append(f"{quoted(name)}: {expression(member, structures)}")
        lines.append(f"    static let {swift_name(shape.name)} = structure(")
        lines.append(f"        {quoted(shape.name)}, required: [" + ", ".join(quoted(r) for r in required) + "],")
        lines.append("        members: [")
        lines += [f"            {member}," for member in members]
        lines.append("        ])")
    header = [
        f"// Generated by scripts/batch-model-shapes.py from botocore {botocore.__version__}'s model of AWS Batch",
        "// (botocore/data/batch/2016-08-10/service-2.json): do not edit; run `scripts/batch-model-shapes.py --write`.",
        "",
        "extension ModelShape {",
    ]
    return "\n".join(header + lines + ["}", ""])


def main(argv: list[str]) -> int:
    text = render()
    if "--write" in argv:
        with open(TARGET, "w") as file:
            file.write(text)
    elif "--check" in argv:
        with open(TARGET) as file:
            current = file.read()
        if current != text:
            print(f"{os.path.normpath(TARGET)} is not what botocore {botocore.__version__}'s model gives: "
                  "run scripts/batch-model-shapes.py --write")
            return 1
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
