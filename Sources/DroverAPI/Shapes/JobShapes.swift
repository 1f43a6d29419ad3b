import DroverCore
import DroverStore
import Foundation

/// `JobDetail`, as `DescribeJobs` returns it.
public struct JobDetailShape: Encodable, Sendable {
    public var jobArn: String
    public var jobName: String
    public var jobId: String
    public var jobQueue: String
    public var status: String
    public var shareIdentifier: String?
    public var schedulingPriority: Int?
    public var attempts: [AttemptDetailShape]
    public var statusReason: String?
    public var createdAt: EpochMillis
    public var retryStrategy: RetryStrategyShape?
    /// Absent until the job starts, as AWS sends it (the model calls it required; clients cope with its absence).
    public var startedAt: EpochMillis?
    public var stoppedAt: EpochMillis?
    public var dependsOn: [JobDependencyShape]
    public var jobDefinition: String
    public var parameters: [String: String]
    public var container: ContainerDetailShape
    public var arrayProperties: ArrayPropertiesDetailShape?
    public var timeout: JobTimeout?
    public var tags: [String: String]?
    public var propagateTags: Bool?
    public var platformCapabilities: [String]
    public var isCancelled: Bool?
    public var isTerminated: Bool?
}

/// `ContainerDetail`: what the job runs, and how its last attempt ended.
public struct ContainerDetailShape: Encodable, Sendable {
    public var image: String?
    public var command: [String]
    public var environment: [KeyValuePair]
    public var resourceRequirements: [ResourceRequirement]
    public var exitCode: Int32?
    public var reason: String?
    public var taskArn: String?
    public var logStreamName: String?
}

/// `AttemptDetail`.
public struct AttemptDetailShape: Encodable, Sendable {
    public struct Container: Encodable, Sendable {
        public var taskArn: String?
        public var exitCode: Int32?
        public var reason: String?
        public var logStreamName: String?
    }
    public var container: Container
    public var startedAt: EpochMillis?
    public var stoppedAt: EpochMillis?
    public var statusReason: String?
}

/// `ArrayPropertiesDetail`: a parent's size and children per status, or a child's index.
public struct ArrayPropertiesDetailShape: Encodable, Sendable {
    public var statusSummary: [String: Int]?
    public var size: Int?
    public var index: Int?
}

/// `JobDependency`.
public struct JobDependencyShape: Encodable, Sendable {
    public var jobId: String?
    public var type: String?
}

/// `RetryStrategy` with AWS's members only (Drover's extensions stay in `drover describe`).
public struct RetryStrategyShape: Encodable, Sendable {
    public struct Rule: Encodable, Sendable {
        public var onStatusReason: String?
        public var onReason: String?
        public var onExitCode: String?
        public var action: String
    }
    public var attempts: Int?
    public var evaluateOnExit: [Rule]?

    init(_ strategy: RetryStrategy) {
        attempts = strategy.attempts
        evaluateOnExit = strategy.evaluateOnExit?.map {
            Rule(onStatusReason: $0.onStatusReason, onReason: $0.onReason, onExitCode: $0.onExitCode, action: $0.action.uppercased())
        }
    }
}

/// `JobSummary`, as `ListJobs` returns it.
public struct JobSummaryShape: Encodable, Sendable {
    public struct Container: Encodable, Sendable {
        public var exitCode: Int32?
        public var reason: String?
    }
    public struct ArrayProperties: Encodable, Sendable {
        public var size: Int?
        public var index: Int?
    }
    public var jobArn: String
    public var jobId: String
    public var jobName: String
    public var createdAt: EpochMillis
    public var status: String
    public var statusReason: String?
    public var startedAt: EpochMillis?
    public var stoppedAt: EpochMillis?
    public var container: Container?
    public var arrayProperties: ArrayProperties?
    public var jobDefinition: String
}

/// Turns the store's jobs into AWS's shapes.
public struct JobShapes: Sendable {
    /// ARNs of this server.
    public var arns: ARNBuilder
    /// The store, for log paths.
    public var store: Store

    /// Creates a converter.
    public init(arns: ARNBuilder, store: Store) {
        self.arns = arns
        self.store = store
    }

    /// The `JobDetail` of a job.
    public func detail(_ view: JobView) -> JobDetailShape {
        let record = view.record
        let spec = view.spec
        let isParent = record.arraySize != nil
        let attempts = view.attempts.map { attempt in
            AttemptDetailShape(
                container: .init(taskArn: taskArn(record.jobId, attempt.number), exitCode: attempt.exitCode, reason: attempt.reason,
                                 logStreamName: store.logPath(ofJob: record.jobId, attempt: attempt.number)),
                startedAt: attempt.startedAt, stoppedAt: attempt.stoppedAt,
                statusReason: attempt.stoppedAt == nil ? nil : attempt.statusReason)
        }
        var array: ArrayPropertiesDetailShape?
        if let size = record.arraySize {
            array = ArrayPropertiesDetailShape(statusSummary: ArrayStatus.summary(view.childCounts ?? [:]), size: size)
        } else if let index = record.arrayIndex {
            array = ArrayPropertiesDetailShape(index: index)
        }
        let ran = record.attempts > 0 && !isParent
        let container = ContainerDetailShape(
            image: spec.image, command: spec.command, environment: spec.environment,
            resourceRequirements: requirements(spec),
            exitCode: record.exitCode, reason: record.containerReason,
            taskArn: ran ? taskArn(record.jobId, record.attempts) : nil,
            logStreamName: ran ? store.logPath(ofJob: record.jobId, attempt: record.attempts) : nil)
        return JobDetailShape(
            jobArn: arns.arn(.job, record.jobId), jobName: record.jobName, jobId: record.jobId,
            jobQueue: arns.arn(.jobQueue, record.jobQueue), status: record.status.rawValue,
            shareIdentifier: spec.shareIdentifier, schedulingPriority: spec.schedulingPriority,
            attempts: attempts, statusReason: record.statusReason, createdAt: record.createdAt,
            retryStrategy: spec.retryStrategy.map(RetryStrategyShape.init),
            startedAt: record.startedAt, stoppedAt: record.stoppedAt,
            dependsOn: dependencies(record, spec),
            jobDefinition: arns.arn(.jobDefinition, record.jobDefinition), parameters: spec.parameters,
            container: container, arrayProperties: array,
            timeout: spec.attemptDurationSeconds.map { JobTimeout(attemptDurationSeconds: $0) },
            tags: view.tags.isEmpty ? nil : view.tags, propagateTags: spec.propagateTags, platformCapabilities: ["EC2"],
            isCancelled: view.stoppedBy == .cancel ? true : nil, isTerminated: view.stoppedBy == .terminate ? true : nil)
    }

    /// The `JobSummary` of a job.
    public func summary(_ record: JobRecord) -> JobSummaryShape {
        var array: JobSummaryShape.ArrayProperties?
        if let size = record.arraySize {
            array = .init(size: size)
        } else if let index = record.arrayIndex {
            array = .init(index: index)
        }
        let container: JobSummaryShape.Container? = record.exitCode != nil || record.containerReason != nil
            ? .init(exitCode: record.exitCode, reason: record.containerReason) : nil
        return JobSummaryShape(
            jobArn: arns.arn(.job, record.jobId), jobId: record.jobId, jobName: record.jobName, createdAt: record.createdAt,
            status: record.status.rawValue, statusReason: record.statusReason, startedAt: record.startedAt,
            stoppedAt: record.stoppedAt, container: container, arrayProperties: array,
            jobDefinition: arns.arn(.jobDefinition, record.jobDefinition))
    }

    /// What AWS shows in `dependsOn`: a child of an array shows its own (`N_TO_N` to the same index of the other array,
    /// `SEQUENTIAL` to the previous child); a parent or a single job shows what was submitted.
    func dependencies(_ record: JobRecord, _ spec: JobSpec) -> [JobDependencyShape] {
        guard let index = record.arrayIndex, let parent = record.parentId else {
            return spec.dependsOn.map { JobDependencyShape(jobId: $0.jobId, type: $0.type?.rawValue) }
        }
        var result: [JobDependencyShape] = []
        for dependency in spec.dependsOn {
            switch dependency.type {
            case .nToN?: if let id = dependency.jobId { result.append(.init(jobId: JobID.child(id, index), type: "N_TO_N")) }
            case .sequential?: if index > 0 { result.append(.init(jobId: JobID.child(parent, index - 1), type: "SEQUENTIAL")) }
            case nil: break
            }
        }
        return result
    }

    /// VCPU and MEMORY as the job holds them, then any other requirement (GPU) as given.
    func requirements(_ spec: JobSpec) -> [ResourceRequirement] {
        var result = [ResourceRequirement(type: "VCPU", value: DroverAPIFormat.number(spec.vcpus))]
        if spec.memory > 0 { result.append(ResourceRequirement(type: "MEMORY", value: String(spec.memory))) }
        for requirement in spec.resourceRequirements ?? [] where !["VCPU", "MEMORY"].contains(requirement.type.uppercased()) {
            result.append(requirement)
        }
        return result
    }

    /// A stand-in for the ECS task of an attempt, unique per job and attempt.
    func taskArn(_ id: String, _ attempt: Int) -> String {
        "arn:aws:ecs:\(arns.region):\(arns.account):task/drover/\(id.replacingOccurrences(of: ":", with: "-"))-\(attempt)"
    }
}
