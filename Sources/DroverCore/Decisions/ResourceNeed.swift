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
