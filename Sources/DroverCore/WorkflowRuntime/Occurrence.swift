/// What makes a thread act.
public enum Occurrence: Sendable, Equatable {
    /// The thread enters its state (it was created, or moved on to this state).
    case enter
    /// The thread's `wakeAt` has come: a retry's delay or a `Wait` is over, or a task ran out of time.
    case timer
    /// The batch job of the thread's task ended.
    case jobEnded(JobEnd)
    /// The job of the thread's task has not changed state for longer than its `HeartbeatSeconds`.
    case heartbeatMissed
    /// A child thread (a branch or an item), by id, ended: well (nil error), or with its error; `lastEvent` is the
    /// id of its last event.
    case childEnded(child: Int, error: StatesError?, lastEvent: Int)
    /// Every child ended well: their outputs in slot order.
    case childrenDone([JSONValue])
}

/// How a task's batch job ended.
public struct JobEnd: Sendable, Equatable {
    /// The job's id.
    public var jobId: String
    /// True when it SUCCEEDED, false when it FAILED.
    public var succeeded: Bool
    /// The job as `DescribeJobs` shows it, with Step Functions' PascalCase names: the task's result, or the cause
    /// of its `States.TaskFailed`.
    public var record: JSONValue

    public init(jobId: String, succeeded: Bool, record: JSONValue) {
        self.jobId = jobId
        self.succeeded = succeeded
        self.record = record
    }
}
