/// A `SubmitJob` request, with AWS Batch's field names.
public struct SubmitJobRequest: Codable, Sendable, Equatable {
    /// Name (1-128 letters, digits, `-`, `_`; first character alphanumeric).
    public var jobName: String
    /// Queue name or ARN.
    public var jobQueue: String
    /// Definition `name`, `name:revision` or ARN.
    public var jobDefinition: String
    /// `{size}` for an array job.
    public var arrayProperties: ArrayProperties?
    /// Jobs this one waits for.
    public var dependsOn: [JobDependency]?
    /// Values for `Ref::name`, overriding the definition's defaults.
    public var parameters: [String: String]?
    /// Overrides of the definition's container properties.
    public var containerOverrides: ContainerProperties?
    /// Replaces the definition's retry strategy.
    public var retryStrategy: RetryStrategy?
    /// Replaces the definition's timeout.
    public var timeout: JobTimeout?
    /// Tags (kept).
    public var tags: [String: String]?
    /// Whether tags go on to the job's tasks (kept and shown).
    public var propagateTags: Bool?
    /// Priority within a fair-share queue (kept and shown).
    public var schedulingPriorityOverride: Int?
    /// Fair-share identifier (kept and shown).
    public var shareIdentifier: String?
    /// The trace context the submitter was in (its `TRACEPARENT`, or an API request's `traceparent` header): not one of
    /// AWS's fields, never read from a request's JSON.
    public var traceContext: TraceContext?

    /// Creates a request.
    public init(jobName: String, jobQueue: String, jobDefinition: String, arraySize: Int? = nil, dependsOn: [JobDependency]? = nil) {
        self.jobName = jobName
        self.jobQueue = jobQueue
        self.jobDefinition = jobDefinition
        self.arrayProperties = arraySize.map { ArrayProperties(size: $0) }
        self.dependsOn = dependsOn
    }

    enum CodingKeys: String, CodingKey {
        case jobName, jobQueue, jobDefinition, arrayProperties, dependsOn, parameters, containerOverrides
        case retryStrategy, timeout, tags, propagateTags, schedulingPriorityOverride, shareIdentifier
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        jobName = try c.decode(String.self, forKey: .jobName)
        jobQueue = try c.decode(String.self, forKey: .jobQueue)
        jobDefinition = try c.decode(String.self, forKey: .jobDefinition)
        arrayProperties = try c.decodeIfPresent(ArrayProperties.self, forKey: .arrayProperties)
        dependsOn = try c.decodeIfPresent([JobDependency].self, forKey: .dependsOn)
        parameters = try c.decodeLenientMap(forKey: .parameters)
        containerOverrides = try c.decodeIfPresent(ContainerProperties.self, forKey: .containerOverrides)
        retryStrategy = try c.decodeIfPresent(RetryStrategy.self, forKey: .retryStrategy)
        timeout = try c.decodeIfPresent(JobTimeout.self, forKey: .timeout)
        tags = try c.decodeLenientMap(forKey: .tags)
        propagateTags = try c.decodeIfPresent(Bool.self, forKey: .propagateTags)
        schedulingPriorityOverride = try c.decodeIfPresent(Int.self, forKey: .schedulingPriorityOverride)
        shareIdentifier = try c.decodeIfPresent(String.self, forKey: .shareIdentifier)
    }
}

/// `arrayProperties` of a submitted job.
public struct ArrayProperties: Codable, Sendable, Equatable {
    /// Number of children, 2...100,000.
    public var size: Int?

    /// Creates array properties.
    public init(size: Int?) {
        self.size = size
    }
}

/// One `dependsOn` entry.
public struct JobDependency: Codable, Sendable, Equatable, Hashable {
    /// The job waited for (absent for SEQUENTIAL).
    public var jobId: String?
    /// Drover extension for job files: the `jobName` of another job in the same file.
    public var jobName: String?
    /// N_TO_N, SEQUENTIAL, or nil for a plain dependency.
    public var type: DependencyType?

    /// Creates a dependency.
    public init(jobId: String? = nil, jobName: String? = nil, type: DependencyType? = nil) {
        self.jobId = jobId
        self.jobName = jobName
        self.type = type
    }
}

/// How an array job's children depend on another array or on each other.
public enum DependencyType: String, Codable, Sendable, Hashable {
    /// Child i waits for child i of the other array.
    case nToN = "N_TO_N"
    /// Child i waits for child i-1 of the same array.
    case sequential = "SEQUENTIAL"
}
