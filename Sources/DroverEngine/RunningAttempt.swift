import DroverCore

/// An attempt the engine has claimed: capacity held, process (soon) running.
struct RunningAttempt {
    /// Why the engine itself is stopping an attempt.
    enum StopKind: Equatable {
        case timeout
        case terminate(reason: String)
        case shutdown
    }

    var id: String
    var attempt: Int
    var environment: String
    var need: ResourceNeed
    var pid: Int32?
    /// Monotonic second at which the attempt times out.
    var deadline: Double?
    /// Monotonic second at which SIGTERM was sent.
    var termSentAt: Double?
    var stopKind: StopKind?
    /// The store refused the claim (the job was cancelled meanwhile): the process is killed and its
    /// exit is not recorded.
    var discarded = false
}
