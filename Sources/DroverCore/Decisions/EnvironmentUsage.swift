/// A local compute environment's limits and what its running jobs (and claims) hold right now.
public struct EnvironmentUsage: Sendable, Equatable {
    /// Environment name.
    public var name: String
    /// vCPU limit (`maxvCpus`).
    public var maxVcpus: Double
    /// Memory limit in MiB.
    public var maxMemory: Int
    /// vCPUs held by running jobs.
    public var usedVcpus: Double
    /// Memory held by running jobs.
    public var usedMemory: Int

    /// Creates a usage record.
    public init(name: String, maxVcpus: Double, maxMemory: Int, usedVcpus: Double = 0, usedMemory: Int = 0) {
        self.name = name
        self.maxVcpus = maxVcpus
        self.maxMemory = maxMemory
        self.usedVcpus = usedVcpus
        self.usedMemory = usedMemory
    }

    /// Whether `need` could ever run here.
    public func canEverHold(_ need: ResourceNeed) -> Bool {
        misfit(need) == nil
    }

    /// Why `need` can never run here: more vCPUs than `maxvCpus` (AWS's
    /// `COMPUTE_ENVIRONMENT_MAX_RESOURCE`), else more memory than the machine has
    /// (`JOB_RESOURCE_REQUIREMENT`); nil when it fits.
    public func misfit(_ need: ResourceNeed) -> RunnableReason? {
        guard need.vcpus <= maxVcpus + 1e-9 else { return .computeEnvironmentMaxResource }
        guard need.memory <= maxMemory else { return .jobResourceRequirement }
        return nil
    }

    /// Whether `need` fits in what is free now (sums saturate: a huge stored need never traps, it does not fit).
    public func hasRoom(for need: ResourceNeed) -> Bool {
        usedVcpus + need.vcpus <= maxVcpus + 1e-9 && usedMemory.adding(saturating: need.memory) <= maxMemory
    }

    /// Counts `need` as held here.
    public mutating func take(_ need: ResourceNeed) {
        usedVcpus += need.vcpus
        usedMemory.add(saturating: need.memory)
    }

    /// `local allows 2 vCPUs and 1024 MiB`.
    var limits: String {
        "\(name) allows \(PlacementDecision.describe(ResourceNeed(vcpus: maxVcpus, memory: maxMemory)))"
    }

    /// `local uses 2/2 vCPUs and 512/1024 MiB`.
    var use: String {
        "\(name) uses \(PlacementDecision.format(usedVcpus))/\(PlacementDecision.format(maxVcpus)) vCPUs and \(usedMemory)/\(maxMemory) MiB"
    }
}
