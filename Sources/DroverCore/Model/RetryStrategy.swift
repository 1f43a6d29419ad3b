/// `retryStrategy`: how many attempts a job gets and which exits are retried.
public struct RetryStrategy: Codable, Sendable, Equatable {
    /// Total attempts, 1...10 (default 1).
    public var attempts: Int?
    /// Rules evaluated in order on a failed attempt; the first that matches decides.
    public var evaluateOnExit: [EvaluateOnExit]?

    /// Creates a strategy.
    public init(attempts: Int?, evaluateOnExit: [EvaluateOnExit]? = nil) {
        self.attempts = attempts
        self.evaluateOnExit = evaluateOnExit
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
    /// RETRY or EXIT (case-insensitive).
    public var action: String

    /// Creates a rule.
    public init(action: String, onStatusReason: String? = nil, onReason: String? = nil, onExitCode: String? = nil) {
        self.action = action
        self.onStatusReason = onStatusReason
        self.onReason = onReason
        self.onExitCode = onExitCode
    }

    enum CodingKeys: String, CodingKey { case onStatusReason, onReason, onExitCode, action }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        onStatusReason = try c.decodeLenientString(forKey: .onStatusReason)
        onReason = try c.decodeLenientString(forKey: .onReason)
        onExitCode = try c.decodeLenientString(forKey: .onExitCode)
        action = try c.decodeLenientString(forKey: .action) ?? ""
    }

    /// The parsed action, nil when it is neither RETRY nor EXIT.
    public var parsedAction: RetryAction? { RetryAction(rawValue: action.uppercased()) }
}

/// What an `evaluateOnExit` rule does when it matches.
public enum RetryAction: String, Sendable, Codable {
    case retry = "RETRY"
    case exit = "EXIT"
}
