/// A job definition, with AWS Batch's field names (`RegisterJobDefinition`).
///
/// Fields with no local meaning (image, roles, log configuration...) are not modelled here but are kept
/// in the stored document and shown by `drover describe`.
public struct JobDefinition: Codable, Sendable, Equatable {
    /// Name; every registration adds a revision `name:N`.
    public var jobDefinitionName: String
    /// `container` (the only type run locally).
    public var type: String?
    /// Default values for `Ref::name` placeholders in the command.
    public var parameters: [String: String]?
    /// What to run and with which resources.
    public var containerProperties: ContainerProperties?
    /// Attempts and retry-on-exit rules.
    public var retryStrategy: RetryStrategy?
    /// Attempt time limit.
    public var timeout: JobTimeout?
    /// Whether tags go on to the job's tasks (kept and shown).
    public var propagateTags: Bool?
    /// Scheduling priority in fair-share queues (kept and shown).
    public var schedulingPriority: Int?
    /// EC2 or FARGATE (kept and shown; both run locally).
    public var platformCapabilities: [String]?
    /// Tags given at registration (kept in the store's tag table, where TagResource changes them).
    public var tags: [String: String]?

    /// Creates a definition that runs `command`.
    public init(name: String, command: [String], retryStrategy: RetryStrategy? = nil, timeout: JobTimeout? = nil) {
        self.jobDefinitionName = name
        self.type = "container"
        self.containerProperties = ContainerProperties(command: command)
        self.retryStrategy = retryStrategy
        self.timeout = timeout
    }

    enum CodingKeys: String, CodingKey {
        case jobDefinitionName, type, parameters, containerProperties, retryStrategy, timeout, propagateTags, schedulingPriority
        case platformCapabilities, tags
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        jobDefinitionName = try c.decode(String.self, forKey: .jobDefinitionName)
        type = try c.decodeIfPresent(String.self, forKey: .type)
        parameters = try c.decodeLenientMap(forKey: .parameters)
        containerProperties = try c.decodeIfPresent(ContainerProperties.self, forKey: .containerProperties)
        retryStrategy = try c.decodeIfPresent(RetryStrategy.self, forKey: .retryStrategy)
        timeout = try c.decodeIfPresent(JobTimeout.self, forKey: .timeout)
        propagateTags = try? c.decodeIfPresent(Bool.self, forKey: .propagateTags)
        schedulingPriority = try? c.decodeIfPresent(Int.self, forKey: .schedulingPriority)
        platformCapabilities = try c.decodeLenientStrings(forKey: .platformCapabilities)
        tags = try c.decodeLenientMap(forKey: .tags)
    }
}

/// `containerProperties` of a job definition, and the overridable part of a submitted job.
public struct ContainerProperties: Codable, Sendable, Equatable {
    /// Container image (kept; the command runs as a local process).
    public var image: String?
    /// The command and its arguments; `Ref::name` is replaced by parameter values.
    public var command: [String]?
    /// Environment variables.
    public var environment: [KeyValuePair]?
    /// vCPUs (older field; `resourceRequirements` wins).
    public var vcpus: Double?
    /// Memory in MiB (older field; `resourceRequirements` wins).
    public var memory: Int?
    /// VCPU, MEMORY and GPU requirements.
    public var resourceRequirements: [ResourceRequirement]?

    /// Creates container properties.
    public init(command: [String]? = nil, environment: [KeyValuePair]? = nil, vcpus: Double? = nil, memory: Int? = nil) {
        self.command = command
        self.environment = environment
        self.vcpus = vcpus
        self.memory = memory
    }

    enum CodingKeys: String, CodingKey {
        case image, command, environment, vcpus, memory, resourceRequirements
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        image = try c.decodeIfPresent(String.self, forKey: .image)
        command = try c.decodeLenientStrings(forKey: .command)
        environment = try c.decodeIfPresent([KeyValuePair].self, forKey: .environment)
        vcpus = try c.decodeLenientDouble(forKey: .vcpus)
        // Only whole numbers an Int holds are read; their range is the validator's to check.
        if let whole = try? c.decodeIfPresent(Int.self, forKey: .memory) {
            memory = whole
        } else if let value = try c.decodeLenientDouble(forKey: .memory) {
            guard let mib = Int(exactly: value) else {
                throw DecodingError.dataCorruptedError(forKey: .memory, in: c, debugDescription: ResourceLimits.problem(memory: value) ?? "")
            }
            memory = mib
        }
        resourceRequirements = try c.decodeIfPresent([ResourceRequirement].self, forKey: .resourceRequirements)
    }

    /// vCPUs asked for: the VCPU requirement, else `vcpus`, else nil.
    public var requestedVcpus: Double? {
        if let text = resourceRequirements?.first(where: { $0.type.uppercased() == "VCPU" })?.value {
            return Double(text)
        }
        return vcpus
    }

    /// Memory (MiB) asked for: the MEMORY requirement, else `memory`, else nil. A requirement
    /// ``ResourceLimits`` refuses counts as not given (``Validator`` reports it).
    public var requestedMemory: Int? {
        if let text = resourceRequirements?.first(where: { $0.type.uppercased() == "MEMORY" })?.value {
            return Double(text).flatMap(ResourceLimits.memoryMiB)
        }
        return memory
    }
}

/// A `{name, value}` pair, as AWS writes environment variables.
public struct KeyValuePair: Codable, Sendable, Equatable {
    /// Variable name.
    public var name: String
    /// Variable value.
    public var value: String

    /// Creates a pair.
    public init(name: String, value: String) {
        self.name = name
        self.value = value
    }

    enum CodingKeys: String, CodingKey { case name, value }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        name = try c.decode(String.self, forKey: .name)
        value = try c.decodeLenientString(forKey: .value) ?? ""
    }
}

/// A `{type, value}` resource requirement (VCPU, MEMORY, GPU); the value is a string, as in AWS.
public struct ResourceRequirement: Codable, Sendable, Equatable {
    /// VCPU, MEMORY or GPU.
    public var type: String
    /// Amount, as a decimal string.
    public var value: String

    enum CodingKeys: String, CodingKey { case type, value }

    /// Creates a requirement.
    public init(type: String, value: String) {
        self.type = type
        self.value = value
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        type = try c.decode(String.self, forKey: .type)
        value = try c.decodeLenientString(forKey: .value) ?? ""
    }
}

/// `timeout` of a definition or a job.
public struct JobTimeout: Codable, Sendable, Equatable {
    /// Seconds an attempt may run before it is stopped.
    public var attemptDurationSeconds: Int?

    /// Creates a timeout.
    public init(attemptDurationSeconds: Int?) {
        self.attemptDurationSeconds = attemptDurationSeconds
    }
}
