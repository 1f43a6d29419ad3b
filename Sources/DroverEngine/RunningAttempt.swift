import DroverCore

/// An attempt the engine has claimed: capacity held, process (soon) running.
struct RunningAttempt {
    /// Why the engine itself is stopping an attempt.
    enum StopKind: Equatable {
        case timeout
        case terminate(reason: String)
        case shutdown
        /// Its simulated instance was reclaimed (by the spot market or an experiment).
        case interrupted(instance: String, experiment: String?)
        /// Its processes held more memory than the job's `memory`: killed at once.
        case outOfMemory
    }

    var id: String
    var attempt: Int
    var environment: String
    var need: ResourceNeed
    /// The simulated instance it runs on (nil on a local environment).
    var instance: SimulatedInstance?
    /// Monotonic second it was started.
    var startedAt: Double = 0
    var pid: Int32?
    /// Monotonic second at which the attempt times out.
    var deadline: Double?
    /// Monotonic second at which SIGTERM was sent.
    var termSentAt: Double?
    var stopKind: StopKind?
    /// Monotonic second at which SIGKILL is due, when it is not `termSentAt` plus the grace period
    /// (an interruption notice ends at the instance's end).
    var killAt: Double?
    /// The store refused the claim (the job was cancelled meanwhile): the process is killed and its
    /// exit is not recorded.
    var discarded = false
}
