/// One compute environment of a queue, as placement sees it.
public struct PlacementEnvironment: Sendable, Equatable {
    /// Where an environment's jobs run.
    public enum Kind: Sendable, Equatable {
        /// On this machine, within the environment's limits (its ``EnvironmentUsage`` in the
        /// ``PlacementCapacity``).
        case local
        /// On the simulated instances of a ``Fleet``, asked for an offer only when placement reaches it.
        case fleet
    }

    /// Environment name.
    public var name: String
    /// Whether it takes new jobs (a DISABLED environment is passed over, and never asked).
    public var enabled: Bool
    /// Local or simulated.
    public var kind: Kind

    /// Creates a placement view of an environment.
    public init(name: String, enabled: Bool = true, kind: Kind) {
        self.name = name
        self.enabled = enabled
        self.kind = kind
    }
}
