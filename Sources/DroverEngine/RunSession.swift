import DroverCore
import DroverStore
import Foundation

/// One `drover run` of a job file: resumes the unfinished run of the same file and parameters, or
/// applies the file and submits its jobs; then runs them here to the end or, when another engine
/// already works on the state directory, hands them to it and watches them.
///
/// Call ``start()`` once, then ``follow(_:onHandOff:)`` once, on one thread. Other threads (signal
/// handlers) stop a follow through ``inbox``: `.stopJobs` stops the run's running jobs and puts them
/// back in their queue, `.detach` leaves them to their supervisor (the next engine adopts them); a
/// session that handed its jobs off only stops watching, whatever the mode.
public final class RunSession {
    /// The store of the state directory the run is in.
    public let store: Store
    /// Where stop requests reach the session and the engine it runs.
    public let inbox = Inbox()
    /// Identifies runs of this file with these parameters (see ``runKey(path:text:parameters:)``).
    public let runKey: String
    let file: ResourceFile
    let requests: [SubmitJobRequest]
    let resume: Bool
    let options: EngineOptions
    let executor: (any Executor)?

    /// Prepares a run of `file`, loaded from `text`, the content of the file at `path`.
    ///
    /// - Parameters:
    ///   - parameters: values for `Ref::NAME` in every job of the file, over the jobs' own; they are
    ///     part of the run key, so different parameters make a different run.
    ///   - new: submit afresh even when an unfinished run of the same file and parameters exists.
    ///   - trace: the trace context the run was started in (its `TRACEPARENT`), which the jobs' spans join.
    ///   - options: settings of the engine, when the session runs one.
    ///   - executor: runs the attempts of that engine (default: local processes under a supervisor).
    /// - Throws: a ``DroverError`` when the file declares no jobs.
    public init(store: Store, file: ResourceFile, path: String, text: String, parameters: [String: String] = [:],
                new: Bool = false, trace: TraceContext? = nil, options: EngineOptions = EngineOptions(),
                executor: (any Executor)? = nil) throws(DroverError) {
        guard !file.jobs.isEmpty else {
            throw DroverError("\(path): declares no jobs to run (add a `jobs:` section, or use `drover apply` for resources only)")
        }
        self.store = store
        self.file = file
        self.runKey = Self.runKey(path: path, text: text, parameters: parameters)
        self.requests = file.jobs.map(\.value).map { request in
            var request = request
            if !parameters.isEmpty { request.parameters = (request.parameters ?? [:]).merging(parameters) { $1 } }
            request.traceContext = trace
            return request
        }
        self.resume = !new
        self.options = options
        self.executor = executor
    }

    /// Identifies a run of the file at `path` with content `text` and parameter overrides
    /// `parameters`, so that an interrupted run can be resumed: the FNV-1a hash of the file's
    /// absolute path, its text and the sorted parameters, in hexadecimal.
    public static func runKey(path: String, text: String, parameters: [String: String] = [:]) -> String {
        let absolute = URL(fileURLWithPath: path).standardizedFileURL.path
        let overrides = parameters.sorted { $0.key < $1.key }.map { "\n\($0.key)=\($0.value)" }.joined()
        return String(FNV1a.hash(absolute + "\u{0}" + text + overrides), radix: 16)
    }

    /// Resumes the unfinished run with this session's key (unless `new`), or applies the file and
    /// submits its jobs under that key, in one transaction: two sessions of one file at once submit
    /// it once.
    public func start() throws(DroverError) -> RunStart {
        try store.startRun(file, requests: requests, runKey: runKey, resume: resume)
    }

    /// Runs the jobs `start` names until they have all finished or a stop is requested through
    /// ``inbox``: with an engine of its own when it can take the state directory's ``EngineLock``;
    /// otherwise it calls `onHandOff` (the engine holding the lock runs the jobs) and watches them.
    public func follow(_ start: RunStart, onHandOff: () throws(DroverError) -> Void = {}) throws(DroverError) -> Outcome {
        let ids = start.jobs.map(\.jobId)
        let finished = { [store] () throws(DroverError) -> Bool in try store.statuses(ids).values.allSatisfy(\.isTerminal) }
        var seed: UInt64?
        let lock = try EngineLock(directory: store.directory)
        if let lock {
            let engine = Engine(store: store, options: options, inbox: inbox, executor: executor)
            seed = engine.seed
            try engine.run(holding: lock, until: finished)
        } else {
            try onHandOff()
            while !inbox.stopRequested, try !finished() {
                inbox.wait(seconds: 0.1)
            }
        }
        var jobs: [JobRecord] = []
        for id in ids { if let job = try store.job(id) { jobs.append(job) } }
        let ending: Outcome.Ending = jobs.allSatisfy(\.status.isTerminal) ? .finished : .interrupted(inbox.stopMode ?? .detach)
        return Outcome(ending: ending, handedOff: lock == nil, seed: seed, jobs: jobs)
    }

    /// How ``follow(_:onHandOff:)`` ended.
    public struct Outcome: Sendable {
        /// Whether the run's jobs all finished.
        public enum Ending: Sendable, Equatable {
            /// Every job of the run succeeded or failed.
            case finished
            /// A stop was requested, in this mode, before every job finished.
            case interrupted(Inbox.StopMode)
        }

        /// How the follow ended.
        public var ending: Ending
        /// Whether another engine runs the jobs and the session only watched them (an interrupted
        /// watch leaves them running there).
        public var handedOff: Bool
        /// The spot simulation seed of the engine the session ran (nil when it handed its jobs off).
        public var seed: UInt64?
        /// The run's top-level jobs, as they were when the follow ended.
        public var jobs: [JobRecord]

        /// Whether some job of the run failed.
        public var anyFailed: Bool { jobs.contains { $0.status == .failed } }
    }
}

extension RunStart {
    /// The run's top-level jobs, in submission order.
    public var jobs: [SubmittedJob] {
        switch self {
        case .resumed(let records): records.map { SubmittedJob(jobId: $0.jobId, jobName: $0.jobName) }
        case .submitted(_, let submitted): submitted
        }
    }
}
