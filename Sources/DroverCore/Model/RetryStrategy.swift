/// `retryStrategy`: how many attempts a job gets and which exits are retried.
public struct RetryStrategy: Codable, Sendable, Equatable {
    /// Total attempts, 1...10 (default 1).
    public var attempts: Int?
    /// Rules evaluated in order on a failed attempt; the first that matches decides.
    public var evaluateOnExit: [EvaluateOnExit]?
    /// Drover's extension: host interruptions (spot reclaims) allowed on top of `attempts`. When
    /// set, an interrupted attempt uses this budget instead of `attempts`.
    public var maxInterruptions: Int?

    /// Creates a strategy.
    public init(attempts: Int?, evaluateOnExit: [EvaluateOnExit]? = nil, maxInterruptions: Int? = nil) {
        self.attempts = attempts
        self.evaluateOnExit = evaluateOnExit
        self.maxInterruptions = maxInterruptions
    }
}

/// One `evaluateOnExit` rule. A rule matches when every condition it gives matches.
public struct EvaluateOnExit: Codable, Sendable, Equatable {
    /// Pattern for the job's `statusReason`.
    public var onStatusReason: String?
    /// Pattern for the container's `reason`.
    public var onReason: String?
    /// Pattern for the decimal exit code.
    public var onExitCode: String?
    /// Drover's extension: the signal that ended the process (`SIGKILL`, `KILL` or `9`; a trailing
    /// `*` as in the other patterns).
    public var onSignal: String?
    /// Drover's extension: true matches an attempt stopped for using more than its memory, false
    /// one that was not.
    public var onOutOfMemory: Bool?
    /// RETRY or EXIT (case-insensitive), or Drover's RETRY_NEXT_ENVIRONMENT.
    public var action: String

    /// Creates a rule.
    public init(action: String, onStatusReason: String? = nil, onReason: String? = nil, onExitCode: String? = nil,
                onSignal: String? = nil, onOutOfMemory: Bool? = nil) {
        self.action = action
        self.onStatusReason = onStatusReason
        self.onReason = onReason
        self.onExitCode = onExitCode
        self.onSignal = onSignal
        self.onOutOfMemory = onOutOfMemory
    }

    enum CodingKeys: String, CodingKey { case onStatusReason, onReason, onExitCode, onSignal, onOutOfMemory, action }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        onStatusReason = try c.decodeLenientString(forKey: .onStatusReason)
        onReason = try c.decodeLenientString(forKey: .onReason)
        onExitCode = try c.decodeLenientString(forKey: .onExitCode)
        onSignal = try c.decodeLenientString(forKey: .onSignal)
        onOutOfMemory = try c.decodeIfPresent(Bool.self, forKey: .onOutOfMemory)
        action = try c.decodeLenientString(forKey: .action) ?? ""
    }

    /// The parsed action, nil when it is not RETRY, EXIT or RETRY_NEXT_ENVIRONMENT.
    public var parsedAction: RetryAction? { RetryAction(rawValue: action.uppercased()) }
}

/// What an `evaluateOnExit` rule does when it matches.
public enum RetryAction: String, Sendable, Codable {
    case retry = "RETRY"
    case exit = "EXIT"
    /// Drover's extension: retry on the next compute environment of the job's queue (after the one
    /// the attempt ran on), and keep later attempts there.
    case retryNextEnvironment = "RETRY_NEXT_ENVIRONMENT"
}
