/// The states of an AWS Batch job, in the order a job passes through them.
public enum JobStatus: String, Codable, Sendable, CaseIterable, Comparable {
    case submitted = "SUBMITTED"
    case pending = "PENDING"
    case runnable = "RUNNABLE"
    case starting = "STARTING"
    case running = "RUNNING"
    case succeeded = "SUCCEEDED"
    case failed = "FAILED"

    /// SUCCEEDED or FAILED: the job will not change again.
    public var isTerminal: Bool { self == .succeeded || self == .failed }

    /// States in which `CancelJob` stops a job (it has not been placed yet).
    public var isCancellable: Bool { JobTransition.cancel.from.contains(self) }

    /// STARTING or RUNNING: a process exists (or is being started) for the job.
    public var isActive: Bool { JobTransition.finish.from.contains(self) }

    public static func < (lhs: JobStatus, rhs: JobStatus) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }

    /// Parses a status case-insensitively (`running`, `RUNNING`).
    public init?(parsing text: String) {
        self.init(rawValue: text.uppercased())
    }
}

/// ENABLED or DISABLED, for queues and compute environments.
public enum ResourceState: String, Codable, Sendable {
    case enabled = "ENABLED"
    case disabled = "DISABLED"
}
