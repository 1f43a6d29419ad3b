extension SubmitJobRequest {
    /// `SubmitJob`'s request members as botocore's model declares them, for reading `aws batch submit-job`'s options
    /// and `--cli-input-json`. Members of AWS's model that Drover does not run (multi-node, EKS, ECS, consumable
    /// resources) are refused by name; `containerOverrides.instanceType` is accepted and kept out, as the API does.
    public static let memberShapes: [String: MemberShape] = [
        "jobName": .string,
        "jobQueue": .string,
        "jobDefinition": .string,
        "shareIdentifier": .string,
        "schedulingPriorityOverride": .integer,
        "arrayProperties": .structure(["size": .integer]),
        "dependsOn": .list(dependencyShape),
        "parameters": .map(.string),
        "containerOverrides": .structure([
            "vcpus": .integer,
            "memory": .integer,
            "command": .list(.string),
            "instanceType": .string,
            "environment": .list(.structure(["name": .string, "value": .string])),
            "resourceRequirements": .list(.structure(["value": .string, "type": .string], required: ["value", "type"])),
        ]),
        "nodeOverrides": .unsupported,
        "retryStrategy": .structure([
            "attempts": .integer,
            "evaluateOnExit": .list(.structure(
                ["onStatusReason": .string, "onReason": .string, "onExitCode": .string, "action": .string],
                required: ["action"])),
        ]),
        "propagateTags": .boolean,
        "timeout": .structure(["attemptDurationSeconds": .integer]),
        "tags": .map(.string),
        "eksPropertiesOverride": .unsupported,
        "ecsPropertiesOverride": .unsupported,
        "consumableResourcePropertiesOverride": .unsupported,
    ]

    /// One `dependsOn` entry: `{jobId, type}`.
    public static let dependencyShape: MemberShape = .structure(["jobId": .string, "type": .string])

    /// The shape of one member, `.unsupported` for a name that is not one.
    public static func shape(of member: String) -> MemberShape {
        memberShapes[member] ?? .unsupported
    }
}
