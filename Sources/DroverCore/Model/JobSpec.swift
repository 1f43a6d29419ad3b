/// Everything needed to run a submitted job, resolved once at submit time from the definition
/// revision and the request, so that later registrations do not change jobs already submitted.
public struct JobSpec: Codable, Sendable, Equatable {
    /// The job's name.
    public var jobName: String
    /// Queue name.
    public var jobQueue: String
    /// Definition as `name:revision`.
    public var jobDefinition: String
    /// Command after `Ref::` substitution.
    public var command: [String]
    /// Environment of the definition with the request's overrides applied.
    public var environment: [KeyValuePair]
    /// vCPUs held while running.
    public var vcpus: Double
    /// Memory held while running, in MiB (0: not accounted).
    public var memory: Int
    /// Effective retry strategy.
    public var retryStrategy: RetryStrategy?
    /// Attempt time limit in seconds.
    public var attemptDurationSeconds: Int?
    /// Effective parameters.
    public var parameters: [String: String]
    /// Array size, nil for a single job.
    public var arraySize: Int?
    /// Dependencies with job ids resolved.
    public var dependsOn: [JobDependency]
    /// Image named by the definition (shown, not used).
    public var image: String?
    /// Tags (kept).
    public var tags: [String: String]?
    /// `propagateTags` of the request, else of the definition (kept and shown).
    public var propagateTags: Bool? = nil
    /// `schedulingPriorityOverride`, else the definition's `schedulingPriority` (kept and shown).
    public var schedulingPriority: Int? = nil
    /// Fair-share identifier (kept and shown).
    public var shareIdentifier: String? = nil
    /// The definition's resource requirements with the request's overrides of the same type (AWS shows them in `container`).
    public var resourceRequirements: [ResourceRequirement]? = nil
    /// The W3C `traceparent` its submitter was in (``TraceParent``), which its spans join.
    public var traceParent: String? = nil
    /// The submitter's `tracestate`, passed on to its attempts.
    public var traceState: String? = nil

    /// Where its spans sit in a trace, for job (or child) `id`.
    public func trace(ofJob id: String) -> JobTrace {
        JobTrace(jobId: id, submitted: traceParent.flatMap(TraceParent.init), state: traceState)
    }

    /// Total attempts allowed (1 when no strategy is given).
    public var maxAttempts: Int { retryStrategy?.attempts ?? 1 }

    /// Whether the children of this array wait for each other in index order.
    public var isSequential: Bool { dependsOn.contains { $0.type == .sequential } }

    /// Resolves a request against a definition revision (`definitionRef` is `name:revision`).
    ///
    /// Request values beat definition values; `Ref::name` in command elements is replaced by the
    /// parameter's value. Validation happens separately in ``Validator``.
    public static func resolve(request: SubmitJobRequest, definition: JobDefinition, definitionRef: String) -> JobSpec {
        let base = definition.containerProperties ?? ContainerProperties()
        let overrides = request.containerOverrides?.applicable(over: base).overrides
        var parameters = definition.parameters ?? [:]
        for (key, value) in request.parameters ?? [:] { parameters[key] = value }
        let rawCommand = overrides?.command ?? base.command ?? []
        var environment = base.environment ?? []
        for pair in overrides?.environment ?? [] {
            if let index = environment.firstIndex(where: { $0.name == pair.name }) {
                environment[index] = pair
            } else {
                environment.append(pair)
            }
        }
        return JobSpec(
            jobName: request.jobName,
            jobQueue: ResourceName.fromArn(request.jobQueue),
            jobDefinition: definitionRef,
            command: substitute(rawCommand, parameters: parameters),
            environment: environment,
            vcpus: overrides?.requestedVcpus ?? base.requestedVcpus ?? 1,
            memory: overrides?.requestedMemory ?? base.requestedMemory ?? 0,
            retryStrategy: request.retryStrategy ?? definition.retryStrategy,
            attemptDurationSeconds: (request.timeout ?? definition.timeout)?.attemptDurationSeconds,
            parameters: parameters,
            arraySize: request.arrayProperties?.size,
            dependsOn: request.dependsOn ?? [],
            image: base.image,
            tags: request.tags,
            propagateTags: request.propagateTags ?? definition.propagateTags,
            schedulingPriority: request.schedulingPriorityOverride ?? definition.schedulingPriority,
            shareIdentifier: request.shareIdentifier,
            resourceRequirements: mergedRequirements(base.resourceRequirements, overrides?.resourceRequirements),
            traceParent: request.traceContext?.parent.header,
            traceState: request.traceContext?.state
        )
    }

    /// The definition's resource requirements with the request's replacing those of the same type.
    static func mergedRequirements(_ base: [ResourceRequirement]?, _ overrides: [ResourceRequirement]?) -> [ResourceRequirement]? {
        guard let overrides, !overrides.isEmpty else { return base }
        var merged = base ?? []
        for requirement in overrides {
            merged.removeAll { $0.type.uppercased() == requirement.type.uppercased() }
            merged.append(requirement)
        }
        return merged
    }

    /// Replaces `Ref::name` inside each command element (the longest name that matches); unknown
    /// references are left as written.
    ///
    /// One pass: a value is never searched for further references, so values that name each other
    /// cannot multiply an element's length.
    public static func substitute(_ command: [String], parameters: [String: String]) -> [String] {
        guard !parameters.isEmpty else { return command }
        let names = parameters.sorted { $0.key.count > $1.key.count }
        return command.map { element in
            var result = ""
            var rest = Substring(element)
            while let marker = rest.firstRange(of: "Ref::") {
                result += rest[..<marker.lowerBound]
                let after = rest[marker.upperBound...]
                if let (name, value) = names.first(where: { after.hasPrefix($0.key) }) {
                    result += value
                    rest = after.dropFirst(name.count)
                } else {
                    result += "Ref::"
                    rest = after
                }
            }
            return result + rest
        }
    }
}

