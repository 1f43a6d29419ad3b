import DroverCore

/// What an attempt placed on a Slurm environment needs beyond a local launch: where it goes and what its tasks
/// see. The job's identity (`AWS_BATCH_JOB_ID`, `AWS_BATCH_JOB_ARRAY_INDEX`) is set per task by the batch script.
public struct ClusterLaunch: Sendable {
    /// The partition and options of its environment.
    public var slurm: SlurmSettings
    /// The compute environment's name.
    public var environment: String
    /// The Drover job's name (Slurm's job name, as `squeue` shows it).
    public var jobName: String
    /// Variables every task of the submission gets: the attempt, queue, environment, array size and the
    /// definition's `environment`.
    public var variables: [JobVariable]

    /// The attempts the cluster must see succeed before it starts this one (a Slurm `--dependency`); empty for an
    /// attempt whose dependencies Drover has already resolved.
    public var waitsOn: [ClusterPartner] = []

    /// Creates a cluster launch.
    public init(slurm: SlurmSettings, environment: String, jobName: String, variables: [JobVariable]) {
        self.slurm = slurm
        self.environment = environment
        self.jobName = jobName
        self.variables = variables
    }
}

/// One `NAME=value` a job's tasks get.
public struct JobVariable: Sendable, Equatable {
    /// Name.
    public var name: String
    /// Value.
    public var value: String

    /// Creates a variable.
    public init(_ name: String, _ value: String) {
        self.name = name
        self.value = value
    }
}

/// An attempt on the cluster that another waits on there.
public struct ClusterPartner: Sendable, Equatable {
    /// The attempt waited on.
    public var key: AttemptKey
    /// An `N_TO_N` partner (the same index of another array), as opposed to a job whose whole success is waited on.
    public var correlated: Bool

    /// Creates a partner.
    public init(key: AttemptKey, correlated: Bool) {
        self.key = key
        self.correlated = correlated
    }
}
