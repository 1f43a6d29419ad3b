import DroverCore
import DroverStore
import Foundation

/// Follows one execution to its end: with an engine of its own when it can take the state directory's
/// ``EngineLock`` (the engine runs the execution's jobs and advances every running execution), or by watching the
/// store while the engine that holds the lock (`drover serve`) runs it.
///
/// Other threads (signal handlers) stop a follow through ``inbox``; the execution itself goes on (it stays RUNNING,
/// and the next engine carries it on), as a Step Functions execution goes on without its caller.
public final class WorkflowSession {
    /// The store of the state directory.
    public let store: Store
    /// Where stop requests reach the session and the engine it runs.
    public let inbox = Inbox()
    let options: EngineOptions
    let executor: (any Executor)?

    /// Prepares to follow executions in `store`, running an engine with `options` when none runs.
    public init(store: Store, options: EngineOptions = EngineOptions(), executor: (any Executor)? = nil) {
        self.store = store
        self.options = options
        self.executor = executor
    }

    /// How a follow ended.
    public struct Outcome: Sendable {
        /// The execution as it was when the follow ended.
        public var execution: ExecutionRecord
        /// Whether another engine ran it and this session only watched to the end.
        public var handedOff: Bool
    }

    /// Follows `execution` until it ends (and, when this session runs the engine, the jobs it submitted too) or a stop
    /// is requested; `onHandOff` is called when another engine runs it (when that engine goes away, this session runs
    /// one);
    /// `progress` is called now and then (from this thread) while it runs.
    public func follow(_ execution: ExecutionRecord, onHandOff: () throws(DroverError) -> Void = {},
                       progress: () -> Void = {}) throws(DroverError) -> Outcome {
        let number = execution.number
        let ended = { [store] () throws(DroverError) -> Bool in
            try store.executionStatus(number)?.isTerminal ?? true
        }
        // Run here, the engine also runs to their end the jobs the execution left behind (a `batch:submitJob` task
        // does not wait for its job), as `drover run` runs its jobs.
        let settled = { [store] () throws(DroverError) -> Bool in
            guard try ended() else { return false }
            let jobs = try store.executionJobs(number)
            return try store.statuses(jobs).values.allSatisfy(\.isTerminal)
        }
        var lock = try EngineLock(directory: store.directory)
        if lock == nil {
            try onHandOff()
            var lastTry = Date()
            while !inbox.stopRequested, try !ended() {
                progress()
                inbox.wait(seconds: 0.2)
                // The engine that runs it may be gone (killed): this session runs one then, rather than watch forever.
                if Date().timeIntervalSince(lastTry) >= 1 {
                    lock = try EngineLock(directory: store.directory)
                    if lock != nil { break }
                    lastTry = Date()
                }
            }
        }
        if let lock {
            let engine = Engine(store: store, options: options, inbox: inbox, executor: executor)
            var lastProgress = Date.distantPast
            try engine.run(holding: lock) { () throws(DroverError) -> Bool in
                if Date().timeIntervalSince(lastProgress) >= 0.2 {
                    lastProgress = Date()
                    progress()
                }
                return try settled()
            }
        }
        progress()
        guard let record = try store.execution(number: number) else { throw DroverError("the execution \(execution.arn) is gone from the store", exitCode: 1) }
        return Outcome(execution: record, handedOff: lock == nil)
    }
}
