import DroverCore

/// A job as shown to users: the fields of AWS's `JobDetail` that have a local meaning.
public struct JobRecord: Sendable, Codable, Equatable {
    /// Job id.
    public var jobId: String
    /// Name.
    public var jobName: String
    /// Queue name.
    public var jobQueue: String
    /// `name:revision`.
    public var jobDefinition: String
    /// Current status.
    public var status: JobStatus
    /// Why it is in that status.
    public var statusReason: String?
    /// Epoch milliseconds.
    public var createdAt: EpochMillis
    /// When the current or last attempt started running.
    public var startedAt: EpochMillis?
    /// When it finished.
    public var stoppedAt: EpochMillis?
    /// Attempts made.
    public var attempts: Int
    /// Compute environment of the current or last attempt.
    public var computeEnvironment: String?
    /// Exit code of the last attempt.
    public var exitCode: Int32?
    /// `container.reason` of the last attempt.
    public var containerReason: String?
    /// Array parent id, for a child.
    public var parentId: String?
    /// Index, for a child.
    public var arrayIndex: Int?
    /// Size, for an array parent.
    public var arraySize: Int?
    /// Process id while running.
    public var pid: Int32?
    /// A terminate request not yet carried out.
    public var terminateReason: String?
    /// The cluster node the current or last attempt ran on (a Slurm environment).
    public var host: String? = nil
    /// The cluster's id of the current or last attempt (Slurm's `ARRAYID_INDEX`).
    public var clusterJob: String? = nil
}

extension JobRecord {
    /// The status reason shown for a job whose stored reason is `stored`: a finished job that ran (not an array
    /// parent) has one, and the usual one, `Essential container in task exited`, is stored as NULL.
    public static func statusReason(stored: String?, status: JobStatus, isParent: Bool, attempts: Int) -> String? {
        if stored == nil, status.isTerminal, !isParent, attempts > 0 { return Reasons.containerExited }
        return stored
    }
}

/// One attempt of a job (AWS's `AttemptDetail`).
public struct AttemptRecord: Sendable, Codable, Equatable {
    /// 1-based number (`AWS_BATCH_JOB_ATTEMPT`).
    public var number: Int
    /// Environment it ran on.
    public var computeEnvironment: String?
    /// Process id.
    public var pid: Int32?
    /// When it started running.
    public var startedAt: EpochMillis?
    /// When it ended.
    public var stoppedAt: EpochMillis?
    /// Exit code.
    public var exitCode: Int32?
    /// `container.reason`.
    public var reason: String?
    /// statusReason of the attempt.
    public var statusReason: String?
    /// The simulated instance it ran on.
    public var instanceId: String? = nil
    /// The signal that ended its process.
    public var signal: Int32? = nil
    /// Whether its instance was reclaimed under it.
    public var interrupted: Bool = false
    /// Simulated seconds it held its vCPUs.
    public var simulatedSeconds: Double? = nil
    /// What it cost, US dollars.
    public var cost: Double? = nil
    /// What it would have cost on demand.
    public var onDemandCost: Double? = nil
    /// The experiment that interrupted it.
    public var experiment: String? = nil
    /// The cluster node it ran on (a Slurm environment).
    public var host: String? = nil
    /// The cluster's id of it (Slurm's `ARRAYID_INDEX`, or the job id).
    public var clusterJob: String? = nil
}
