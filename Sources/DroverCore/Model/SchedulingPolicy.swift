/// A scheduling policy, with AWS Batch's field names (`CreateSchedulingPolicy`).
///
/// Kept and shown only: Drover schedules every queue first in, first out, so a queue's fair-share policy
/// (`fairsharePolicy`: share decay, compute reservation, weights per share identifier) has no effect on which job
/// runs next. The whole policy is kept in the stored document and returned by `DescribeSchedulingPolicies`.
public struct SchedulingPolicy: Codable, Sendable, Equatable {
    /// Unique name (`name`).
    public var name: String
    /// The fair-share policy (kept and shown; not enforced).
    public var fairsharePolicy: FairsharePolicy?
    /// Tags given at creation (kept in the store's tag table, where TagResource changes them).
    public var tags: [String: String]?

    /// Creates a policy.
    public init(name: String, fairsharePolicy: FairsharePolicy? = nil) {
        self.name = name
        self.fairsharePolicy = fairsharePolicy
    }
}

/// `fairsharePolicy` of a scheduling policy: the members Drover checks (the rest is kept as given).
public struct FairsharePolicy: Codable, Sendable, Equatable {
    /// Seconds over which past use counts, 0 to 604,800.
    public var shareDecaySeconds: Int?
    /// Percentage of the maximum vCPUs held back for share identifiers not yet seen, 0 to 99.
    public var computeReservation: Int?

    /// Creates a fair-share policy.
    public init(shareDecaySeconds: Int? = nil, computeReservation: Int? = nil) {
        self.shareDecaySeconds = shareDecaySeconds
        self.computeReservation = computeReservation
    }
}
