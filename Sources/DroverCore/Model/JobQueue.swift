/// A job queue, with AWS Batch's field names (`CreateJobQueue`).
public struct JobQueue: Codable, Sendable, Equatable {
    /// Unique name (`jobQueueName`).
    public var jobQueueName: String
    /// ENABLED (default) or DISABLED: a disabled queue refuses new jobs.
    public var state: ResourceState?
    /// Higher numbers are scheduled first.
    public var priority: Int?
    /// Environments tried in ascending `order` when placing a job.
    public var computeEnvironmentOrder: [ComputeEnvironmentOrder]?
    /// Scheduling policy (kept; FIFO is used).
    public var schedulingPolicyArn: String?
    /// Actions on jobs that stay RUNNABLE too long with one reason: the engine cancels them as AWS does
    /// (see ``TimeLimitDecision``).
    public var jobStateTimeLimitActions: [JobStateTimeLimitAction]?
    /// Tags given at creation (kept in the store's tag table, where TagResource changes them).
    public var tags: [String: String]?

    /// Creates a queue.
    public init(name: String, priority: Int, environments: [String], state: ResourceState? = nil) {
        self.jobQueueName = name
        self.priority = priority
        self.state = state
        self.computeEnvironmentOrder = environments.enumerated().map {
            ComputeEnvironmentOrder(order: $0.offset + 1, computeEnvironment: $0.element)
        }
    }

    /// Environment names in placement order; ARNs are reduced to their names.
    public var orderedEnvironmentNames: [String] {
        (computeEnvironmentOrder ?? []).sorted { $0.order < $1.order }.map { ResourceName.fromArn($0.computeEnvironment) }
    }

    /// Whether the queue accepts new jobs.
    public var isEnabled: Bool { (state ?? .enabled) == .enabled }
}

/// One entry of `computeEnvironmentOrder`.
public struct ComputeEnvironmentOrder: Codable, Sendable, Equatable {
    /// Position; lower is tried first.
    public var order: Int
    /// Environment name or ARN.
    public var computeEnvironment: String
}

/// One entry of a queue's `jobStateTimeLimitActions`: what AWS does to a job that stays in `state` (RUNNABLE) with
/// status reason `reason` for `maxTimeSeconds`.
public struct JobStateTimeLimitAction: Codable, Sendable, Equatable {
    /// The status reason code it acts on (`CAPACITY:INSUFFICIENT_INSTANCE_CAPACITY`,
    /// `MISCONFIGURATION:COMPUTE_ENVIRONMENT_MAX_RESOURCE`, `MISCONFIGURATION:JOB_RESOURCE_REQUIREMENT`), which
    /// the cancelled job's new status reason names.
    public var reason: String
    /// RUNNABLE.
    public var state: String
    /// Seconds in that state before the action, 600 to 86,400.
    public var maxTimeSeconds: Int
    /// CANCEL or TERMINATE.
    public var action: String

    /// Creates an action (AWS allows only RUNNABLE as `state`).
    public init(reason: String, state: String = "RUNNABLE", maxTimeSeconds: Int, action: String = "CANCEL") {
        self.reason = reason
        self.state = state
        self.maxTimeSeconds = maxTimeSeconds
        self.action = action
    }
}

/// Names inside AWS ARNs.
public enum ResourceName {
    /// `arn:aws:batch:us-east-1:123:job-queue/high` → `high`; a plain name is returned as is.
    public static func fromArn(_ text: String) -> String {
        guard text.hasPrefix("arn:"), let slash = text.lastIndex(of: "/") else { return text }
        return String(text[text.index(after: slash)...])
    }
}
