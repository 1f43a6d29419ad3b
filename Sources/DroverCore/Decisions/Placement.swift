/// What a job holds while it runs.
public struct ResourceNeed: Sendable, Equatable {
    /// vCPUs.
    public var vcpus: Double
    /// Memory in MiB (0: not accounted).
    public var memory: Int

    /// Creates a need.
    public init(vcpus: Double, memory: Int) {
        self.vcpus = vcpus
        self.memory = memory
    }
}

/// A compute environment's limits and what its running jobs hold right now.
public struct EnvironmentUsage: Sendable, Equatable {
    /// Environment name.
    public var name: String
    /// Whether it takes new jobs.
    public var enabled: Bool
    /// vCPU limit (`maxvCpus`).
    public var maxVcpus: Double
    /// Memory limit in MiB.
    public var maxMemory: Int
    /// vCPUs held by running jobs.
    public var usedVcpus: Double
    /// Memory held by running jobs.
    public var usedMemory: Int

    /// Creates a usage record.
    public init(name: String, enabled: Bool = true, maxVcpus: Double, maxMemory: Int, usedVcpus: Double = 0, usedMemory: Int = 0) {
        self.name = name
        self.enabled = enabled
        self.maxVcpus = maxVcpus
        self.maxMemory = maxMemory
        self.usedVcpus = usedVcpus
        self.usedMemory = usedMemory
    }

    /// Whether `need` could ever run here.
    public func canEverHold(_ need: ResourceNeed) -> Bool {
        need.vcpus <= maxVcpus + 1e-9 && need.memory <= maxMemory
    }

    /// Whether `need` fits in what is free now (sums saturate: a huge stored need never traps, it does not fit).
    public func hasRoom(for need: ResourceNeed) -> Bool {
        usedVcpus + need.vcpus <= maxVcpus + 1e-9 && usedMemory.adding(saturating: need.memory) <= maxMemory
    }
}

/// Where a RUNNABLE job goes, or why it stays RUNNABLE.
public enum PlacementDecision: Sendable, Equatable {
    /// Start it on this environment.
    case place(environment: String)
    /// Capacity is busy or disabled; try again later. The reason becomes the job's statusReason.
    case wait(reason: String)
    /// No environment of the queue can ever hold it; it stays RUNNABLE with this reason.
    case never(reason: String)

    /// Picks the first environment, in the queue's order, that is enabled and has room.
    ///
    /// - Parameter environments: the queue's environments in `computeEnvironmentOrder`.
    public static func decide(need: ResourceNeed, queue: String, environments: [EnvironmentUsage]) -> PlacementDecision {
        let enabled = environments.filter(\.enabled)
        if let target = enabled.first(where: { $0.canEverHold(need) && $0.hasRoom(for: need) }) {
            return .place(environment: target.name)
        }
        if environments.isEmpty {
            return .never(reason: "MISCONFIGURATION:JOB_QUEUE_NO_COMPUTE_ENVIRONMENT - queue \(queue) has no compute environment")
        }
        let asked = describe(need)
        if !environments.contains(where: { $0.canEverHold(need) }) {
            let largest = environments.map { "\($0.name) allows \(describe(ResourceNeed(vcpus: $0.maxVcpus, memory: $0.maxMemory)))" }
            return .never(reason: "MISCONFIGURATION:JOB_RESOURCE_REQUIREMENT - the job asks \(asked) but \(largest.joined(separator: ", "))")
        }
        if enabled.isEmpty {
            return .wait(reason: "MISCONFIGURATION:COMPUTE_ENVIRONMENT_DISABLED - every compute environment of queue \(queue) is DISABLED")
        }
        let busy = enabled.filter { $0.canEverHold(need) }.map {
            "\($0.name) uses \(format($0.usedVcpus))/\(format($0.maxVcpus)) vCPUs"
        }
        return .wait(reason: "CAPACITY:INSUFFICIENT_INSTANCE_CAPACITY - waiting for \(asked): \(busy.joined(separator: ", "))")
    }

    /// `1 vCPU and 64 MiB`.
    public static func describe(_ need: ResourceNeed) -> String {
        "\(format(need.vcpus)) vCPU\(need.vcpus == 1 ? "" : "s") and \(need.memory) MiB"
    }

    /// `2` for 2.0, `0.5` for 0.5; `1e+19`, `nan` and `inf` as Swift writes them (never traps).
    public static func format(_ value: Double) -> String {
        value.isFinite && value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(value)
    }
}
