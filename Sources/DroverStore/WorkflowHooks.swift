import DroverCore

/// What advancing workflows needs from the engine around the store.
public struct WorkflowHooks: Sendable {
    /// The machine an execution runs (its definition parsed), nil when it cannot be read.
    public var machine: @Sendable (ExecutionRecord) -> StateMachine?
    /// A job as `DescribeJobs` shows it (AWS Batch's camelCase names), nil to use the store's own short record.
    public var describe: @Sendable (String) -> JSONValue?
    /// A number in [0, 1), for retry jitter.
    public var random: @Sendable () -> Double

    public init(machine: @escaping @Sendable (ExecutionRecord) -> StateMachine?, describe: @escaping @Sendable (String) -> JSONValue? = { _ in nil },
                random: @escaping @Sendable () -> Double = { Double.random(in: 0..<1) }) {
        self.machine = machine
        self.describe = describe
        self.random = random
    }
}

/// What one pass over the workflows did.
public struct WorkflowPassReport: Sendable, Equatable {
    /// Thread steps taken.
    public var steps = 0
    /// Jobs submitted.
    public var submitted = 0
    /// Jobs asked to stop.
    public var terminated = 0
    /// Executions that ended.
    public var ended = 0
    /// True when work was left for the next pass (a pass takes a bounded number of steps).
    public var more = false

    public init() {}
}

/// Where the workflow runner looks for ended jobs: the job events after ``lastEvent``, and all waiting tasks again
/// every ``rescanMillis``.
public struct WorkflowCursor: Sendable, Equatable {
    /// The last job event looked at (0: none yet, look at every waiting task).
    public var lastEvent: Int64 = 0
    /// When every waiting task was last looked at, epoch milliseconds.
    public var scannedAt: EpochMillis = 0
    /// How often every waiting task is looked at anyway (events are forgotten after a while; a pass has a budget).
    public static let rescanMillis: EpochMillis = 10_000

    public init() {}
}
