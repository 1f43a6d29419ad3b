/// A compute environment, with AWS Batch's field names (`CreateComputeEnvironment`).
///
/// With `computeResources.type` EC2 or SPOT and `instanceTypes`, the engine runs it as simulated
/// instances (see ``Fleet``). Otherwise it is a pool of local capacity: `computeResources.maxvCpus`
/// bounds the vCPUs its running jobs may hold at once, and this machine's memory bounds their memory.
public struct ComputeEnvironment: Codable, Sendable, Equatable {
    /// Unique name (`computeEnvironmentName`).
    public var computeEnvironmentName: String
    /// MANAGED or UNMANAGED (both run locally unless `slurm` is given, which needs UNMANAGED).
    public var type: String?
    /// vCPUs of an UNMANAGED environment (AWS's `unmanagedvCpus`): what a Slurm partition may run at once.
    public var unmanagedvCpus: Int?
    /// ENABLED (default) or DISABLED: a disabled environment takes no new jobs; running jobs go on.
    public var state: ResourceState?
    /// Capacity settings.
    public var computeResources: ComputeResources?
    /// Drover's extension: how the simulated instances of a managed EC2 or SPOT environment behave.
    public var simulation: SimulationSettings?
    /// Drover's extension: the environment is a partition of a Slurm cluster (see ``SlurmSettings``).
    public var slurm: SlurmSettings?
    /// Tags given at creation (kept in the store's tag table, where TagResource changes them).
    public var tags: [String: String]?

    /// Creates an environment.
    public init(name: String, state: ResourceState? = nil, computeResources: ComputeResources? = nil) {
        self.computeEnvironmentName = name
        self.state = state
        self.computeResources = computeResources
    }

    /// The vCPUs this environment may hand out at once: `maxvCpus` (default 256 as a generous local bound), or
    /// `unmanagedvCpus` for a Slurm partition.
    public var maxvCpus: Double {
        if slurm != nil, let unmanaged = unmanagedvCpus { return Double(unmanaged) }
        return Double(computeResources?.maxvCpus ?? 256)
    }

    /// Whether its jobs run on a Slurm cluster.
    public var isCluster: Bool { slurm != nil }

    /// Whether the engine runs this environment as simulated instances: `computeResources.type`
    /// EC2 or SPOT with `instanceTypes`. Other environments are plain pools of local capacity.
    public var isSimulated: Bool {
        guard let resources = computeResources, let type = resources.type else { return false }
        return (type == "EC2" || type == "SPOT") && !(resources.instanceTypes ?? []).isEmpty
    }

    /// Whether new jobs may be placed here.
    public var isEnabled: Bool { (state ?? .enabled) == .enabled }
}

/// `computeResources` of a compute environment.
public struct ComputeResources: Codable, Sendable, Equatable {
    /// EC2, SPOT, FARGATE or FARGATE_SPOT.
    public var type: String?
    /// Upper bound of vCPUs in use at once.
    public var maxvCpus: Int?
    /// Lower bound (kept).
    public var minvCpus: Int?
    /// Desired vCPUs (kept).
    public var desiredvCpus: Int?
    /// Instance types (kept; used by the spot simulator).
    public var instanceTypes: [String]?
    /// Allocation strategy (kept).
    public var allocationStrategy: String?
    /// Spot bid percentage (kept).
    public var bidPercentage: Int?

    /// Creates compute resources with a vCPU bound.
    public init(type: String? = nil, maxvCpus: Int? = nil) {
        self.type = type
        self.maxvCpus = maxvCpus
    }
}
