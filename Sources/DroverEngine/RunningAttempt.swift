import DroverCore

/// An attempt the engine has claimed: capacity held, process started once the claim is written.
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
    /// The simulated instance it runs on (nil on a local environment, or when adopted from an
    /// earlier engine).
    var instance: SimulatedInstance?
    /// Monotonic second it was started.
    var startedAt: Double = 0
    var pid: Int32?
    /// Its process (or cluster task) was seen running.
    var hasStarted = false
    /// Its process was handed to the executor (its claim is written).
    var launched = false
    /// Monotonic second at which the engine asked it to stop.
    var termSentAt: Double?
    var stopKind: StopKind?
    /// Handed to a cluster ahead of its job's dependencies, and not yet released or started (``Engine/handOver()``).
    var held = false
    /// What a held attempt waits on in the cluster.
    var waitsOn: [ClusterPartner] = []
    /// Its job's queue ("" when not known), for the per-queue metrics.
    var queue = ""
    /// When its job was submitted (0 when not known).
    var submittedAt: EpochMillis = 0
    /// When its process (or cluster task) was seen to start.
    var runningSince: EpochMillis?

    /// The attempt as the executor knows it.
    var key: AttemptKey { AttemptKey(jobId: id, attempt: attempt) }
}
