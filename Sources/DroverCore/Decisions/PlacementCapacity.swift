/// What is free during one scheduling pass: each job placed takes its share, so that the jobs
/// after it see what it left.
public struct PlacementCapacity: Sendable, Equatable {
    /// Local environments' limits and what running attempts and claims hold, by name.
    public var usage: [String: EnvironmentUsage]
    /// What claims made ahead (claimed while their environment is full, waiting for a slot) hold
    /// of each local environment, against a budget of one environment's worth: the same limits,
    /// counted from zero.
    public var ahead: [String: EnvironmentUsage]
    /// Processes that may still start on simulated environments (their instances are
    /// make-believe, this machine's cores are not).
    public var hostSlots: Int
    /// Host slots in all, for the reason a job waits for one.
    public var hostSlotLimit: Int

    /// Creates the capacity of a pass.
    public init(usage: [String: EnvironmentUsage], ahead: [String: EnvironmentUsage] = [:], hostSlots: Int = 0, hostSlotLimit: Int? = nil) {
        self.usage = usage
        self.ahead = ahead
        self.hostSlots = hostSlots
        self.hostSlotLimit = hostSlotLimit ?? hostSlots
    }
}
