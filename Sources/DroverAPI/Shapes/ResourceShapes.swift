import DroverCore
import DroverStore

/// Turns stored compute environments, job queues, job definitions and scheduling policies into AWS's shapes
/// (`ComputeEnvironmentDetail`, `JobQueueDetail`, `JobDefinition`, `SchedulingPolicyDetail`): the stored document
/// through the model (``ModelShape/projected(_:)``: Drover's extensions such as `simulation` stay in the store), the
/// members AWS always sends filled in with Drover's defaults, ARNs where AWS gives ARNs, and the tags of the tag table.
struct ResourceShapes: Sendable {
    /// ARNs of this server.
    var arns: ARNBuilder

    /// What Drover runs an environment without `maxvCpus` with (``ComputeEnvironment/maxvCpus``).
    static let defaultMaxvCpus = 256

    /// `ComputeEnvironmentDetail`: status VALID (creation is immediate here).
    func computeEnvironment(_ resource: StoredResource) throws(DroverError) -> JSONValue {
        var detail = try valid(resource, .computeEnvironment, "computeEnvironment", reason: "ComputeEnvironment Healthy")
        if var resources = detail["computeResources"] {
            detail["type"] = detail["type"] ?? .string("MANAGED")
            resources["type"] = resources["type"] ?? .string("EC2")
            resources["maxvCpus"] = resources["maxvCpus"] ?? .integer(Self.defaultMaxvCpus)
            resources["subnets"] = resources["subnets"] ?? .array([])
            detail["computeResources"] = resources
        } else {
            detail["type"] = detail["type"] ?? .string("UNMANAGED")
        }
        return finish(detail, .computeEnvironmentDetail, tags: resource.tags)
    }

    /// `JobQueueDetail`: status VALID, `state` ENABLED unless given, environments and scheduling policy as ARNs.
    func jobQueue(_ resource: StoredResource) throws(DroverError) -> JSONValue {
        var detail = try valid(resource, .jobQueue, "jobQueue", reason: "JobQueue Healthy")
        detail["priority"] = detail["priority"] ?? .integer(0)
        detail["computeEnvironmentOrder"] = .array((detail["computeEnvironmentOrder"]?.array ?? []).map { entry in
            var entry = entry
            if let environment = entry["computeEnvironment"]?.string {
                entry["computeEnvironment"] = .string(arns.arn(.computeEnvironment, ResourceName.fromArn(environment)))
            }
            return entry
        })
        if let policy = detail["schedulingPolicyArn"]?.string {
            detail["schedulingPolicyArn"] = .string(arns.arn(.schedulingPolicy, ResourceName.fromArn(policy)))
        }
        return finish(detail, .jobQueueDetail, tags: resource.tags)
    }

    /// The stored document of an environment or a queue with its name and ARN (`PREFIXName`, `PREFIXArn`), status
    /// VALID (creation is immediate here) with AWS's reason for it, and `state` ENABLED unless it says otherwise.
    func valid(_ resource: StoredResource, _ kind: BatchARN.Kind, _ prefix: String, reason: String) throws(DroverError) -> JSONValue {
        var detail = try JSONValue.parse(document: resource.document)
        detail["\(prefix)Name"] = .string(resource.name)
        detail["\(prefix)Arn"] = .string(arns.arn(kind, resource.name))
        detail["status"] = .string("VALID")
        detail["statusReason"] = .string(reason)
        detail["state"] = detail["state"] ?? .string(ResourceState.enabled.rawValue)
        return detail
    }

    /// `JobDefinition`: one revision with its status. A fractional `vcpus` (which the model's integer cannot hold)
    /// is shown as the VCPU requirement it stands for; Drover's RETRY_NEXT_ENVIRONMENT as the RETRY it extends.
    func jobDefinition(_ resource: StoredResource) throws(DroverError) -> JSONValue {
        var detail = try JSONValue.parse(document: resource.document)
        detail["jobDefinitionName"] = .string(resource.name)
        detail["jobDefinitionArn"] = .string(arns.arn(.jobDefinition, resource.reference))
        detail["revision"] = .integer(resource.revision ?? 0)
        detail["status"] = .string(resource.status ?? "ACTIVE")
        detail["type"] = detail["type"] ?? .string("container")
        detail["platformCapabilities"] = detail["platformCapabilities"] ?? .array([.string("EC2")])
        return finish(Self.awsForm(definition: detail), .jobDefinition, tags: resource.tags)
    }

    /// A job definition (its document, or a request that overrides one) as AWS's model can hold it: a fractional
    /// `vcpus` (which the model's integer cannot hold) as the VCPU requirement it stands for, Drover's
    /// RETRY_NEXT_ENVIRONMENT as the RETRY it extends.
    static func awsForm(definition: JSONValue, container member: String = "containerProperties") -> JSONValue {
        var detail = definition
        if var container = detail[member] {
            if case .number(let vcpus) = container["vcpus"] {
                var requirements = container["resourceRequirements"]?.array ?? []
                if !requirements.contains(where: { $0["type"]?.string?.uppercased() == "VCPU" }) {
                    requirements.append(.object(["type": .string("VCPU"), "value": .string(DroverAPIFormat.number(vcpus))]))
                }
                container["resourceRequirements"] = .array(requirements)
                container["vcpus"] = nil
            }
            detail[member] = container
        }
        if var strategy = detail["retryStrategy"], let rules = strategy["evaluateOnExit"]?.array {
            strategy["evaluateOnExit"] = .array(rules.map { rule in
                var rule = rule
                if rule["action"]?.string?.uppercased() == RetryAction.retryNextEnvironment.rawValue { rule["action"] = .string("RETRY") }
                return rule
            })
            detail["retryStrategy"] = strategy
        }
        return detail
    }

    /// `SchedulingPolicyDetail`.
    func schedulingPolicy(_ resource: StoredResource) throws(DroverError) -> JSONValue {
        var detail = try JSONValue.parse(document: resource.document)
        detail["name"] = .string(resource.name)
        detail["arn"] = .string(arns.arn(.schedulingPolicy, resource.name))
        return finish(detail, .schedulingPolicyDetail, tags: resource.tags)
    }

    /// The detail through the model, with the tags of the tag table (none: no `tags` member, as AWS sends it).
    func finish(_ detail: JSONValue, _ shape: ModelShape, tags: [String: String]) -> JSONValue {
        var detail = detail
        detail["tags"] = nil
        guard case .structure(let structure) = shape, var result = structure.projectedMembers(detail) else { return .object([:]) }
        if !tags.isEmpty { result["tags"] = .object(tags.mapValues(JSONValue.string)) }
        return result
    }
}
