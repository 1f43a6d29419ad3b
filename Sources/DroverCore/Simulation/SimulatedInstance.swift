/// Whether an instance is bought on demand or as spot capacity.
public enum Lifecycle: String, Sendable, Codable {
    case spot = "SPOT"
    case onDemand = "ON_DEMAND"
}

/// One simulated EC2 instance of a compute environment. Times are simulated seconds since the
/// engine started.
public struct SimulatedInstance: Sendable, Equatable {
    /// Where the instance is in its life.
    public enum State: String, Sendable {
        /// Started, not yet taking jobs (the start-up delay).
        case launching
        /// Taking jobs.
        case running
        /// Reclaimed: its jobs got SIGTERM, the instance ends at `killAt`.
        case notice
        /// Gone.
        case terminated
    }

    /// `i-` and 17 hexadecimal digits.
    public var id: String
    /// Its type.
    public var type: InstanceType
    /// Spot or on-demand.
    public var lifecycle: Lifecycle
    /// What it costs per hour.
    public var hourlyPrice: Double
    /// Where it is in its life.
    public var state: State
    /// When it was launched.
    public var launchedAt: Double
    /// When it takes jobs.
    public var readyAt: Double
    /// When the spot market reclaims it (infinity: never).
    public var interruptAt: Double
    /// End of the interruption notice.
    public var killAt: Double?
    /// When it ended.
    public var endedAt: Double?
    /// Why it ended: `interrupted`, `scaled in`, `engine stopped`.
    public var endReason: String?
    /// The experiment that interrupted it, if one did.
    public var experiment: String?
    /// vCPUs held by jobs on it.
    public var usedVcpus: Double = 0
    /// Memory held by jobs on it, in MiB.
    public var usedMemory: Int = 0
    /// When it last became empty.
    public var idleSince: Double
    /// vCPUs promised to waiting jobs in the current scheduling pass (launching instances only).
    var reservedVcpus: Double = 0
    /// Memory promised to waiting jobs in the current scheduling pass.
    var reservedMemory: Int = 0

    /// Whether `need` fits in what is neither used nor promised (sums saturate rather than trap).
    public func hasRoom(for need: ResourceNeed) -> Bool {
        usedVcpus + reservedVcpus + need.vcpus <= type.vcpus + 1e-9
            && usedMemory.adding(saturating: reservedMemory).adding(saturating: need.memory) <= type.memoryMiB
    }

    /// Whether a job of this size could ever run on this type.
    public func canEverHold(_ need: ResourceNeed) -> Bool {
        need.vcpus <= type.vcpus + 1e-9 && need.memory <= type.memoryMiB
    }

    /// The statusReason of an attempt that was on this instance when it was reclaimed, exactly as
    /// AWS Batch writes it.
    public var hostTerminatedReason: String { Reasons.hostTerminated(instance: id) }

    /// What holding `vcpus` of this instance for `seconds` (simulated) costs: the instance's price
    /// per vCPU-second, and the same at its type's on-demand price.
    public func charge(vcpus: Double, seconds: Double) -> (cost: Double, onDemandCost: Double) {
        let vcpuHours = vcpus * max(0, seconds) / 3600
        return (vcpuHours * hourlyPrice / type.vcpus, vcpuHours * type.onDemandHourly / type.vcpus)
    }

    /// Simulated seconds the instance has existed (launch to end, or to `now`).
    public func lifetime(now: Double) -> Double {
        max(0, (endedAt ?? now) - launchedAt)
    }
}
