/// A fault-injection experiment, like an AWS FIS experiment: reclaim some of an environment's
/// instances, or make its spot capacity unavailable for a while, with an optional stop condition.
public struct Experiment: Codable, Sendable, Equatable {
    /// What the experiment does.
    public enum Action: String, Codable, Sendable {
        /// Reclaim instances, as the spot market does (notice, SIGTERM, SIGKILL).
        case interrupt
        /// No new spot instance can be had for a while.
        case capacity
    }

    /// Where the experiment is.
    public enum State: String, Codable, Sendable {
        /// Written by `drover chaos`, not yet picked up by the engine.
        case pending = "PENDING"
        /// Under way.
        case running = "RUNNING"
        /// Done as asked.
        case completed = "COMPLETED"
        /// Ended early by its stop condition.
        case stopped = "STOPPED"
        /// Could not run (the environment is not a simulated one).
        case failed = "FAILED"
    }

    /// `exp-` and 12 hexadecimal digits.
    public var id: String
    /// The compute environment it targets.
    public var computeEnvironment: String
    /// What it does.
    public var action: Action
    /// interrupt: this share of the running instances (rounded up).
    public var percent: Double?
    /// interrupt: this many running instances.
    public var count: Int?
    /// interrupt: these instances.
    public var instances: [String]?
    /// interrupt: repeat every this many simulated seconds...
    public var everySeconds: Double?
    /// ...for this long (interrupt), or how long capacity is unavailable (capacity).
    public var durationSeconds: Double?
    /// Stop condition: end the experiment once this many jobs have failed since it started.
    public var stopAfterFailures: Int?
    /// Where it is.
    public var state: State
    /// When `drover chaos` wrote it.
    public var createdAt: EpochMillis
    /// When the engine started it.
    public var startedAt: EpochMillis?
    /// When it ended.
    public var endedAt: EpochMillis?
    /// Instances it reclaimed.
    public var targets: [String] = []
    /// What happened, in a sentence.
    public var outcome: String?

    /// Creates a pending experiment.
    public init(id: String, computeEnvironment: String, action: Action, createdAt: EpochMillis) {
        self.id = id
        self.computeEnvironment = computeEnvironment
        self.action = action
        self.state = .pending
        self.createdAt = createdAt
    }

    /// How many of `running` instances one round of an interrupt experiment reclaims.
    public func targetCount(running: Int) -> Int {
        if let instances { return instances.count }
        if let count { return max(0, min(count, running)) }
        let share = (percent ?? 0) / 100 * Double(running)
        return max(0, min(running, Int(saturating: share.rounded(.up))))
    }

    /// The experiment as one line: `interrupt 30% of spot every 60s for 600s, stop after 3 failed jobs`.
    public var summary: String {
        var text: String
        switch action {
        case .interrupt:
            if let instances {
                text = "interrupt \(instances.joined(separator: ", ")) of \(computeEnvironment)"
            } else if let count {
                text = "interrupt \(count) instance\(count == 1 ? "" : "s") of \(computeEnvironment)"
            } else {
                text = "interrupt \(Self.number(percent ?? 0))% of \(computeEnvironment)'s instances"
            }
            if let every = everySeconds { text += " every \(Self.number(every))s" }
            if let duration = durationSeconds { text += " for \(Self.number(duration))s" }
        case .capacity:
            text = "no spot capacity in \(computeEnvironment) for \(Self.number(durationSeconds ?? 0))s"
        }
        if let limit = stopAfterFailures { text += ", stop after \(limit) failed job\(limit == 1 ? "" : "s")" }
        return text
    }

    static func number(_ value: Double) -> String { PlacementDecision.format(value) }
}
