import CoreMetrics
import DroverCore
import Synchronization

/// What the engine measures as it works, through swift-metrics' API only (the backend is the factory given, so the
/// engine stays free of any): attempt ends by class, retries by rule, per-queue waits and run times, store commits.
///
/// Handlers are made once (per queue, per rule) and reused: an attempt costs a dictionary look-up and a few
/// increments. ``disabled`` (the default) does nothing at all.
public final class EngineMetrics: Sendable {
    /// No metrics: every method returns at once.
    public static let disabled = EngineMetrics(factory: nil)

    /// The time from a job's submission to the start of its first attempt, by queue.
    public static let submitToStart = MetricDescription(
        "drover_job_submit_to_start_seconds", .histogram, labels: ["queue"],
        help: "Seconds from a job's submission to the start of its first attempt, by queue.",
        buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600, 14_400, 86_400])
    /// How long attempts ran, by queue.
    public static let attemptDuration = MetricDescription(
        "drover_attempt_duration_seconds", .histogram, labels: ["queue"],
        help: "Seconds from an attempt's start to its end, by queue (attempts whose start this engine saw).",
        buckets: [0.1, 0.5, 1, 5, 10, 30, 60, 300, 900, 3600, 14_400, 86_400])
    /// Attempt ends by class (``AttemptEnd``).
    public static let attemptsEnded = MetricDescription(
        "drover_attempts_ended_total", .counter, labels: ["outcome"],
        help: "Attempts whose end was recorded, by outcome: " + AttemptEnd.allCases.map(\.rawValue).joined(separator: ", ") + ".")
    /// Retries by the rule that decided them.
    public static let retries = MetricDescription(
        "drover_job_retries_total", .counter, labels: ["rule", "action"],
        help: "Attempts retried, by the evaluateOnExit rule that matched (attempts: none did) and its action.")
    /// Time of the engine's store transactions.
    public static let commitDuration = MetricDescription(
        "drover_store_commit_seconds", .histogram,
        help: "Seconds the engine's store transactions took (claims, starts, ends and reasons written together).",
        buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5])
    /// Changes per store transaction.
    public static let commitChanges = MetricDescription(
        "drover_store_commit_changes", .histogram,
        help: "Changes (claims, starts, ends, reasons, instances) written per engine store transaction (group commit).",
        buckets: [1, 2, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 10_000])

    /// Every metric the engine records.
    public static let catalogue = [submitToStart, attemptDuration, attemptsEnded, retries, commitDuration, commitChanges]

    /// Most `evaluateOnExit` rules given their own label value (AWS allows 5); later ones share one.
    static let labelledRules = 10

    private struct QueueHandlers {
        var submitToStart: CoreMetrics.Timer
        var attemptDuration: CoreMetrics.Timer
    }

    private let factory: (any MetricsFactory)?
    private let ends: [AttemptEnd: Counter]
    private let commitSeconds: CoreMetrics.Timer?
    private let commitSize: CoreMetrics.Recorder?
    private let queues = Mutex<[String: QueueHandlers]>([:])
    private let rules = Mutex<[String: Counter]>([:])

    /// Metrics made by `factory` (nil: ``disabled``).
    public init(factory: (any MetricsFactory)?) {
        self.factory = factory
        guard let factory else {
            ends = [:]
            commitSeconds = nil
            commitSize = nil
            return
        }
        ends = Dictionary(uniqueKeysWithValues: AttemptEnd.allCases.map {
            ($0, Counter(label: Self.attemptsEnded.name, dimensions: [("outcome", $0.rawValue)], factory: factory))
        })
        commitSeconds = CoreMetrics.Timer(label: Self.commitDuration.name, dimensions: [], factory: factory)
        commitSize = CoreMetrics.Recorder(label: Self.commitChanges.name, dimensions: [], aggregate: true, factory: factory)
    }

    /// Whether anything is recorded.
    public var isEnabled: Bool { factory != nil }

    /// A store transaction of `changes` changes took `duration`.
    func committed(changes: Int, duration: Duration) {
        guard let commitSeconds, let commitSize else { return }
        let (seconds, attoseconds) = duration.components
        commitSeconds.recordNanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
        commitSize.record(changes)
    }

    /// An attempt's end was written.
    func attemptEnded(_ end: AttemptEnd) {
        ends[end]?.increment()
    }

    /// The store decided to retry a job.
    func retried(_ decision: RetryDecision) {
        guard let factory, let (rule, action) = Self.labels(of: decision) else { return }
        let key = rule + " " + action
        let counter = rules.withLock { rules in
            if let counter = rules[key] { return counter }
            let counter = Counter(label: Self.retries.name, dimensions: [("rule", rule), ("action", action)], factory: factory)
            rules[key] = counter
            return counter
        }
        counter.increment()
    }

    /// A job of `queue` started its first attempt `millis` after its submission.
    func firstStart(queue: String, afterMillis millis: EpochMillis) {
        handlers(queue)?.submitToStart.recordNanoseconds(max(0, millis) * 1_000_000)
    }

    /// An attempt of a job of `queue` ran `millis`.
    func attemptRan(queue: String, millis: EpochMillis) {
        handlers(queue)?.attemptDuration.recordNanoseconds(max(0, millis) * 1_000_000)
    }

    private func handlers(_ queue: String) -> QueueHandlers? {
        guard let factory, !queue.isEmpty else { return nil }
        return queues.withLock { queues in
            if let known = queues[queue] { return known }
            let made = QueueHandlers(
                submitToStart: CoreMetrics.Timer(label: Self.submitToStart.name, dimensions: [("queue", queue)], factory: factory),
                attemptDuration: CoreMetrics.Timer(label: Self.attemptDuration.name, dimensions: [("queue", queue)], factory: factory))
            queues[queue] = made
            return made
        }
    }

    /// The `rule` and `action` label values of a retry decision (nil for a decision that is not a retry): the rule is
    /// `evaluateOnExit[N]` (the first ``labelledRules``; `evaluateOnExit[other]` after) or `attempts` when no rule
    /// matched; the action `RETRY` or `RETRY_NEXT_ENVIRONMENT`.
    static func labels(of decision: RetryDecision) -> (rule: String, action: String)? {
        func rule(_ index: Int?) -> String {
            guard let index else { return "attempts" }
            return index < labelledRules ? "evaluateOnExit[\(index)]" : "evaluateOnExit[other]"
        }
        switch decision {
        case .retry(let index): return (rule(index), RetryAction.retry.rawValue)
        case .retryNextEnvironment(let index): return (rule(index), RetryAction.retryNextEnvironment.rawValue)
        case .succeed, .fail: return nil
        }
    }
}
