import DroverCore
import Foundation
import Logging
import Synchronization

/// Runs attempts on Slurm clusters through the Slurm commands on PATH: the attempts of one job handed over together
/// go as one `sbatch --array`; `squeue --json` is read every quarter second while any are live and each task's
/// state becomes a `started` or `exited` event; stops are `scancel --signal`; time limits are enforced to the second.
///
/// Nothing is kept on the engine's side that Slurm does not also hold: each submission carries a comment naming the
/// state directory, job, attempt and time limit (``SlurmComment``), so an engine that restarts finds its tasks by
/// asking Slurm, and an `sbatch` that timed out is looked for before anything is submitted again.
///
/// The engine's thread only queues work; one thread of the executor's own runs every command.
public final class SlurmExecutor: Executor, @unchecked Sendable {
    /// A task handed over or inherited, as the executor's thread follows it.
    struct Tracked {
        var clusterId: String?
        var submittedAt: Double
        var started = false
        var host: String?
        var timeoutSeconds: Double?
        var graceSeconds: Double
        var timedOut = false
        var stopRequested = false
        /// Monotonic second at which SIGKILL follows a SIGTERM.
        var killAt: Double?
        var ended = false
        var missingPolls = 0
        /// The token of a submission whose `sbatch` timed out and that Slurm could not yet be asked about; the task
        /// id it has there if it was made.
        var unconfirmed: (token: String, taskId: Int?)?
        /// Since when (monotonic) Slurm has answered without listing the unconfirmed submission: a request that
        /// timed out may still be waiting in the controller's queue, so absence counts only after 15 s of answers.
        var absentSince: Double?
        /// A stop asked for while the submission was unconfirmed.
        var deferredSignal: (signal: Int32, killAfter: Double?)?
        /// The attempts Slurm waits on before it starts this one (its `--dependency`).
        var waitsOn: [AttemptKey] = []
    }

    /// What the engine's thread hands the executor's thread.
    struct Requests {
        var gathered: [AttemptLaunch] = []
        var submissions: [[AttemptLaunch]] = []
        var signals: [(key: AttemptKey, signal: Int32, killAfter: Double?)] = []
        var acknowledged: [AttemptKey] = []
        var stopping = false
    }

    /// Seconds between two looks at `squeue` while tasks are live.
    public var pollInterval = 0.25
    private let directory: String
    private let tag: String
    private let logger: Logger
    private let required: @Sendable () -> Bool
    private let requests = Mutex(Requests())
    private let wakeup = DispatchSemaphore(value: 0)
    private let finished = DispatchSemaphore(value: 0)
    private var running = false
    private var inbox = Inbox()
    private var command: SlurmCommand
    // Owned by the executor's thread once it runs.
    private var tracked: [AttemptKey: Tracked] = [:]
    private var knownMaxArraySize: Int?

    /// Creates an executor for the state directory `directory`. `required` tells whether the store holds attempts
    /// on a Slurm environment that the engine must learn the end of (then an unreachable cluster stops the engine
    /// from starting rather than have it guess).
    public init(stateDirectory directory: URL, logger: Logger, required: @escaping @Sendable () -> Bool) {
        self.directory = directory.appendingPathComponent("slurm").path
        // The real path: the same directory reached through a symbolic link must find its tasks again.
        self.tag = String(FNV1a.hash(directory.standardizedFileURL.resolvingSymlinksInPath().path) & 0xffff_ffff, radix: 16)
        self.logger = logger
        self.required = required
        var environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("AWS_BATCH") }
        environment["SLURM_TIME_FORMAT"] = "%s"
        // squeue cuts lists of pending array tasks at 64 characters unless told not to: the whole list, always.
        environment["SLURM_BITSTR_LEN"] = "0"
        command = SlurmCommand(scratch: self.directory, environment: environment)
    }

    /// The prefix of the comments of this state directory's submissions.
    var commentPrefix: String { "\(SlurmComment.prefix)\(tag):" }

    public func attach(inbox: Inbox) throws(DroverError) -> InheritedAttempts {
        self.inbox = inbox
        mkdir(directory, 0o700)
        var inherited = InheritedAttempts()
        if required() {
            let listed = try inheritedTasks()
            let tasks = forgetRecorded(listed)
            // One task per attempt, but an attempt held ahead of its dependencies and dropped before it started leaves
            // its number to the job's next attempt: the task that stands for the attempt is the one that ran or waits.
            // A task stopped by Drover and not counted (an engine shut down) leaves its number to the next attempt too:
            // between two that ran, the later submission.
            var chosen: [AttemptKey: (task: SlurmTask, verdict: SlurmVerdict, rank: (Int, Int))] = [:]
            for task in tasks {
                guard let comment = SlurmComment(task.comment) else { continue }
                let verdict = SlurmVerdict.decide(task)
                let rank = (Self.rank(verdict), task.arrayJobId ?? task.jobId)
                for (key, _) in Self.keys(of: task, comment: comment) where chosen[key].map({ $0.rank < rank }) ?? true {
                    chosen[key] = (task, verdict, rank)
                }
            }
            for task in tasks {
                guard let comment = SlurmComment(task.comment) else { continue }
                for (key, clusterId) in Self.keys(of: task, comment: comment) where tracked[key] == nil {
                    guard let choice = chosen[key], choice.task == task else { continue }
                    var item = Tracked(clusterId: clusterId, submittedAt: 0, timeoutSeconds: comment.timeoutSeconds, graceSeconds: comment.graceSeconds)
                    switch choice.verdict {
                    case .waiting:
                        inherited.running[key] = InheritedProcess(pid: nil, startedAt: nil, clusterJob: clusterId)
                    case .running(let host, let startedAt):
                        item.started = true
                        item.host = host
                        inherited.running[key] = InheritedProcess(pid: nil, startedAt: startedAt, host: host, clusterJob: clusterId)
                    case .requeued(let host):
                        item.ended = true
                        inherited.exits[key] = exit(key, SlurmVerdict.SlurmEnd(hostLost: host ?? "unknown"), task: task, clusterId: clusterId)
                        _ = command.run("scancel", [clusterId])
                    case .ended(let end):
                        item.ended = true
                        inherited.exits[key] = exit(key, end, task: task, clusterId: clusterId)
                    }
                    tracked[key] = item
                }
            }
        }
        startThread()
        return inherited
    }

    /// The file that lists the tasks whose end the store has recorded (acknowledged), one Slurm id a line.
    private var recordedPath: String { "\(directory)/recorded" }

    /// Notes tasks whose end the store has recorded: their attempt's number may be given to a later attempt of the job
    /// (one not counted: dropped while held, stopped by a shutdown, never started), and a restarted engine must not take
    /// their end for that attempt's while Slurm still lists them (`MinJobAge`).
    private func remember(_ clusterIds: [String]) {
        guard !clusterIds.isEmpty else { return }
        let text = Data(clusterIds.map { $0 + "\n" }.joined().utf8)
        if let handle = FileHandle(forWritingAtPath: recordedPath) {
            defer { try? handle.close() }
            _ = try? handle.seekToEnd()
            try? handle.write(contentsOf: text)
        } else {
            _ = FileManager.default.createFile(atPath: recordedPath, contents: text, attributes: [.posixPermissions: 0o600])
        }
    }

    /// `tasks` without the records of tasks whose end the store has already recorded (``remember(_:)``); the file
    /// then keeps only those Slurm still lists.
    private func forgetRecorded(_ tasks: [SlurmTask]) -> [SlurmTask] {
        guard let text = try? String(contentsOfFile: recordedPath, encoding: .utf8) else { return tasks }
        let recorded = Set(text.split(separator: "\n").map(String.init))
        var kept: [SlurmTask] = []
        var listed: [String] = []
        for task in tasks {
            guard let comment = SlurmComment(task.comment) else { continue }
            let ids = Self.keys(of: task, comment: comment).map(\.1)
            let known = ids.filter(recorded.contains)
            listed += known
            if known.count < ids.count { kept.append(task) }
        }
        try? Data(listed.map { $0 + "\n" }.joined().utf8).write(to: URL(fileURLWithPath: recordedPath), options: .atomic)
        return kept
    }

    /// How surely a task record stands for its attempt, among records with the same attempt key: one that Slurm
    /// dropped before it started (0) yields to one that ended after it ran (1), which yields to one still live (2).
    static func rank(_ verdict: SlurmVerdict) -> Int {
        switch verdict {
        case .waiting, .running: 2
        case .ended(let end) where end.neverStarted: 0
        case .ended, .requeued: 1
        }
    }

    /// This state directory's tasks as Slurm lists them, asking until Slurm answers (for up to a minute).
    private func inheritedTasks() throws(DroverError) -> [SlurmTask] {
        var last = ""
        for wait in [0.0, 1, 2, 4, 8, 15, 30] {
            if wait > 0 { Thread.sleep(forTimeInterval: wait) }
            let result = command.run("squeue", ["--json", "--states=all"])
            if result.succeeded, let tasks = try? SlurmTask.parse(result.output, commentPrefix: commentPrefix) { return tasks }
            last = result.succeeded ? "squeue --json printed something unreadable" : result.message
            logger.warning("cannot list the Slurm cluster's jobs: \(last); asking again")
        }
        throw DroverError("""
            cannot reach the Slurm cluster to learn how its attempts ended (squeue: \(last)); \
            start the engine again once squeue works
            """, exitCode: 1)
    }

    /// The attempts a task record stands for, with the id `scancel` takes for each.
    static func keys(of task: SlurmTask, comment: SlurmComment) -> [(AttemptKey, String)] {
        if let array = task.arrayJobId {
            let taskIds = task.arrayTaskId.map { [$0] } ?? task.indices
            return taskIds.map { (AttemptKey(jobId: JobID.child(comment.parent, $0 + comment.offset), attempt: comment.attempt), "\(array)_\($0)") }
        }
        return [(AttemptKey(jobId: comment.parent, attempt: comment.attempt), "\(task.jobId)")]
    }

    public func launch(_ launch: AttemptLaunch) {
        requests.withLock { $0.gathered.append(launch) }
    }

    public func flush() {
        let handed = requests.withLock { requests -> Bool in
            guard !requests.gathered.isEmpty else { return false }
            requests.submissions.append(requests.gathered)
            requests.gathered.removeAll()
            return true
        }
        if handed { wakeup.signal() }
    }

    public func signal(_ key: AttemptKey, _ signal: Int32, killAfter: Double?) {
        // Stopped before it was submitted: nothing runs, nothing is sent.
        let unsent = requests.withLock { requests -> Bool in
            if let index = requests.gathered.firstIndex(where: { $0.key == key }) {
                requests.gathered.remove(at: index)
                return true
            }
            for (batch, launches) in requests.submissions.enumerated() {
                if let index = launches.firstIndex(where: { $0.key == key }) {
                    requests.submissions[batch].remove(at: index)
                    return true
                }
            }
            requests.signals.append((key, signal, killAfter))
            return false
        }
        if unsent {
            var exit = ProcessExit(key: key)
            exit.neverStarted = true
            inbox.post(.exited(exit))
        }
        wakeup.signal()
    }

    public func acknowledge(_ keys: [AttemptKey]) {
        guard !keys.isEmpty else { return }
        requests.withLock { $0.acknowledged += keys }
    }

    public func reclaim(_ key: AttemptKey, pid: Int32?) {
        signal(key, SIGKILL, killAfter: nil)
    }

    public func lost(_ connection: Int32) -> [ProcessExit] { [] }

    public func detach() {
        guard running else { return }
        requests.withLock { $0.stopping = true }
        wakeup.signal()
        finished.wait()
        running = false
    }

    // MARK: - The executor's thread

    private func startThread() {
        guard !running else { return }
        running = true
        Thread.detachNewThread { [self] in
            work()
            finished.signal()
        }
    }

    private func work() {
        var nextPoll = 0.0
        while true {
            let taken = requests.withLock { requests -> Requests in
                defer {
                    requests.submissions.removeAll()
                    requests.signals.removeAll()
                    requests.acknowledged.removeAll()
                }
                return requests
            }
            forget(taken.acknowledged)
            var launches = taken.submissions.flatMap { $0 }
            if !launches.isEmpty && !taken.stopping { launches += gatherMore() }
            if !launches.isEmpty { submit(launches) }
            send(taken.signals)
            let now = Self.monotonic()
            let live = tracked.values.contains { !$0.ended && ($0.clusterId != nil || $0.unconfirmed != nil) }
            if live && now >= nextPoll {
                poll()
                nextPoll = Self.monotonic() + pollInterval
            }
            if taken.stopping { return }
            let wait = live ? max(0.01, nextPoll - Self.monotonic()) : 5
            _ = wakeup.wait(timeout: .now() + .nanoseconds(Int(wait * 1e9)))
        }
    }

    /// Launches handed over right after the first ones: the engine writes a large array's claims in several
    /// transactions, and they should still go as one `sbatch --array`. Waits while more keep coming, 50 ms at a
    /// time, for at most a second.
    /// Forgets attempts whose end the store has recorded, in the order the engine asked (before any launch it asked
    /// for later, which may reuse the key of one that did not count), and notes their tasks (``remember(_:)``).
    private func forget(_ acknowledged: [AttemptKey]) {
        let ended = acknowledged.filter { tracked[$0]?.ended == true }
        remember(ended.compactMap { tracked[$0]?.clusterId })
        for key in ended { tracked[key] = nil }
    }

    private func gatherMore() -> [AttemptLaunch] {
        var more: [AttemptLaunch] = []
        let deadline = Self.monotonic() + 1
        while Self.monotonic() < deadline {
            _ = wakeup.wait(timeout: .now() + .milliseconds(50))
            let (next, acknowledged) = requests.withLock { requests -> ([AttemptLaunch], [AttemptKey]) in
                defer {
                    requests.submissions.removeAll()
                    requests.acknowledged.removeAll()
                }
                return (requests.submissions.flatMap { $0 }, requests.acknowledged)
            }
            // Before the launches that came after them: a launch may reuse an acknowledged attempt's key.
            forget(acknowledged)
            if next.isEmpty { break }
            more += next
        }
        return more
    }

    private func submit(_ launches: [AttemptLaunch]) {
        // Attempts that wait on others go after them (they need their Slurm ids).
        let independent = launches.filter { $0.cluster?.waitsOn.isEmpty ?? true }
        submit(independent, dependencies: [:])
        let waiting = launches.filter { !($0.cluster?.waitsOn.isEmpty ?? true) }
        guard !waiting.isEmpty else { return }
        let block = max(1, maxArraySize())
        var clusterIds: [AttemptKey: String] = [:]
        for (key, item) in tracked where !item.ended {
            if let id = item.clusterId { clusterIds[key] = id }
        }
        var dependencies: [AttemptKey: String] = [:]
        var dependent: [AttemptLaunch] = []
        for launch in waiting {
            let index = JobID.split(launch.key.jobId).index
            let taskId = index.map { $0 - $0 / block * block }
            guard let dependency = SlurmDependency.of(taskId: taskId, partners: launch.cluster?.waitsOn ?? [], clusterIds: clusterIds) else {
                // What it would wait on is not (or no longer) on the cluster: not submitted; Drover resolves it.
                var exit = ProcessExit(key: launch.key)
                exit.neverStarted = true
                inbox.post(.exited(exit))
                continue
            }
            dependencies[launch.key] = dependency
            dependent.append(launch)
        }
        submit(dependent, dependencies: dependencies)
    }

    private func submit(_ launches: [AttemptLaunch], dependencies: [AttemptKey: String]) {
        guard !launches.isEmpty else { return }
        let submissions = SlurmSubmission.group(launches, tag: tag, maxArraySize: maxArraySize(), dependencies: dependencies) {
            String(UInt64.random(in: 0...UInt64.max), radix: 36)
        }
        for submission in submissions {
            let now = Self.monotonic()
            for launch in submission.launches {
                tracked[launch.key] = Tracked(submittedAt: now, timeoutSeconds: launch.timeoutSeconds, graceSeconds: launch.graceSeconds,
                                              waitsOn: launch.cluster?.waitsOn.map(\.key) ?? [])
            }
            let script = "\(directory)/submit-\(submission.comment.token).sh"
            guard FileManager.default.createFile(atPath: script, contents: Data(submission.script.utf8)) else {
                fail(submission, "cannot write \(script): \(String(cString: strerror(errno)))", transient: true)
                continue
            }
            defer { unlink(script) }
            let result = command.run("sbatch", submission.arguments, input: script)
            var jobId = result.succeeded ? Self.submittedId(result.output) : nil
            if jobId == nil, result.unreachable {
                // The submission may have reached the controller all the same: look for it before giving up, and
                // while Slurm cannot say, keep looking (submitting again could run the work twice).
                switch findSubmission(token: submission.comment.token) {
                case .found(let id):
                    jobId = id
                case .absent, .unknown:
                    logger.warning("""
                        cannot submit \(submission.comment.parent) to Slurm for now (sbatch: \(result.message)); it may have \
                        reached the controller: it is looked for there before anything is submitted again
                        """, metadata: ["jobId": .string(submission.comment.parent)])
                    for launch in submission.launches {
                        let taskId = submission.indices == nil ? nil : JobID.split(launch.key.jobId).index.map(submission.taskId)
                        tracked[launch.key]?.unconfirmed = (submission.comment.token, taskId)
                    }
                    continue
                }
            }
            guard let jobId else {
                let message = result.message.hasPrefix("sbatch:") ? result.message : "sbatch: \(result.message)"
                fail(submission, message, transient: result.unreachable)
                continue
            }
            for launch in submission.launches {
                let taskId = submission.indices == nil ? nil : JobID.split(launch.key.jobId).index.map(submission.taskId)
                tracked[launch.key]?.clusterId = Self.clusterId(jobId, taskId: taskId)
            }
            if logger.logLevel <= .debug {
                let waits = submission.dependency.map { ", waiting on \($0)" } ?? ""
                logger.debug("submitted \(submission.launches.count) task(s) of \(submission.comment.parent) to Slurm as job \(jobId)\(waits)",
                             metadata: ["slurmJob": .stringConvertible(jobId), "partition": .string(submission.cluster.slurm.partition)])
            }
        }
    }

    /// The cluster's `MaxArraySize` (array indices must be below it), read once from `scontrol show config`; Slurm's
    /// default, 1001, when it cannot be read.
    private func maxArraySize() -> Int {
        if let known = knownMaxArraySize { return known }
        let result = command.run("scontrol", ["show", "config"])
        let size = result.succeeded ? Self.maxArraySize(in: String(decoding: result.output, as: UTF8.self)) : nil
        if result.succeeded { knownMaxArraySize = size ?? 1001 }
        return size ?? 1001
    }

    /// `MaxArraySize` from `scontrol show config` output.
    static func maxArraySize(in text: String) -> Int? {
        for line in text.split(whereSeparator: \.isNewline) where line.hasPrefix("MaxArraySize") {
            return line.split(separator: "=").last.flatMap { Int($0.trimmingCharacters(in: .whitespaces)) }
        }
        return nil
    }

    /// The job id `sbatch --parsable` printed (`ID` or `ID;CLUSTER`).
    static func submittedId(_ output: Data) -> Int? {
        let text = String(decoding: output, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        return Int(text.split(separator: ";").first ?? "")
    }

    /// The id `scancel` takes for task `taskId` of job `jobId` (the job itself when it is not an array).
    static func clusterId(_ jobId: Int, taskId: Int?) -> String {
        taskId.map { "\(jobId)_\($0)" } ?? "\(jobId)"
    }

    /// Whether Slurm holds the submission with a token, as far as it can say.
    enum Lookup {
        case found(Int)
        case absent
        case unknown
    }

    private func findSubmission(token: String) -> Lookup {
        let result = command.run("squeue", ["--json", "--states=all"])
        guard result.succeeded, let tasks = try? SlurmTask.parse(result.output, commentPrefix: commentPrefix) else { return .unknown }
        return tasks.first { SlurmComment($0.comment)?.token == token }.map { .found($0.arrayJobId ?? $0.jobId) } ?? .absent
    }

    /// Looks again for the submissions whose `sbatch` timed out: found, their tasks are followed; known to be absent,
    /// their attempts go back to their queue (not counted); Slurm still silent, they wait.
    private func confirmSubmissions() {
        let tokens = Set(tracked.values.filter { !$0.ended }.compactMap { $0.unconfirmed?.token })
        for token in tokens {
            let lookup = findSubmission(token: token)
            if case .unknown = lookup {
                for (key, item) in tracked where item.unconfirmed?.token == token { tracked[key]?.absentSince = nil }
                return
            }
            let now = Self.monotonic()
            for (key, item) in tracked where item.unconfirmed?.token == token && !item.ended {
                var item = item
                if case .absent = lookup, now - (item.absentSince ?? now) < 15 {
                    item.absentSince = item.absentSince ?? now
                    tracked[key] = item
                    continue
                }
                let taskId = item.unconfirmed?.taskId
                item.unconfirmed = nil
                switch lookup {
                case .found(let jobId):
                    item.clusterId = Self.clusterId(jobId, taskId: taskId)
                    tracked[key] = item
                    if let deferred = item.deferredSignal { send(deferred.signal, to: key, killAfter: deferred.killAfter) }
                default:
                    item.ended = true
                    tracked[key] = item
                    var exit = ProcessExit(key: key, launchError: "sbatch timed out and Slurm has no such submission")
                    exit.transient = true
                    inbox.post(.exited(exit))
                }
            }
        }
    }

    private func fail(_ submission: SlurmSubmission, _ message: String, transient: Bool) {
        logger.warning("cannot submit \(submission.comment.parent) to Slurm: \(message)",
                       metadata: ["jobId": .string(submission.comment.parent), "partition": .string(submission.cluster.slurm.partition)])
        for launch in submission.launches {
            tracked[launch.key]?.ended = true
            var exit = ProcessExit(key: launch.key, launchError: message)
            exit.transient = transient
            inbox.post(.exited(exit))
        }
    }

    private func send(_ signal: Int32, to key: AttemptKey, killAfter: Double?) {
        send([(key, signal, killAfter)])
    }

    /// Sends stops, one `scancel` per signal for all the tasks that get it (terminating a large array is a few
    /// commands, not one per child): running tasks get the signal (`--full`: every process of the task), queued
    /// ones are taken out of the queue (if one started meanwhile, Slurm stops it).
    private func send(_ requests: [(key: AttemptKey, signal: Int32, killAfter: Double?)]) {
        var queued = dependants(of: Set(requests.map(\.key)))
        var running: [Int32: [String]] = [:]
        let now = Self.monotonic()
        for request in requests {
            guard var item = tracked[request.key], !item.ended else { continue }
            defer { tracked[request.key] = item }
            guard let clusterId = item.clusterId else {
                if item.unconfirmed != nil { item.deferredSignal = (request.signal, request.killAfter) }
                continue
            }
            item.stopRequested = true
            if item.started {
                running[request.signal, default: []].append(clusterId)
                item.killAt = request.killAfter.map { now + $0 }
            } else {
                queued.append(clusterId)
            }
        }
        for chunk in queued.chunked(200) { _ = command.run("scancel", chunk) }
        for (signal, ids) in running.sorted(by: { $0.key < $1.key }) {
            for chunk in ids.chunked(200) { _ = command.run("scancel", ["--signal=\(signal)", "--full"] + chunk) }
        }
    }

    /// The Slurm ids of the queued tasks that wait on `keys` in the cluster, marked stopped: a task stopped by Drover
    /// (terminated, timed out) may still exit 0 and let Slurm start its dependants, where Drover records a failure;
    /// they are taken out of the queue first (their jobs wait on in Drover, which decides).
    private func dependants(of keys: Set<AttemptKey>) -> [String] {
        var ids: [String] = []
        for (key, item) in tracked where !item.ended && !item.started && !item.stopRequested && item.waitsOn.contains(where: keys.contains) {
            guard let clusterId = item.clusterId else { continue }
            tracked[key]?.stopRequested = true
            ids.append(clusterId)
        }
        return ids
    }

    /// The live tasks' records, by the id Drover keeps: the short `squeue -j` listing of the submissions with live
    /// tasks, and `squeue --json` only when a task ended in a way whose exit code or signal matters. Nil when
    /// Slurm could not be asked.
    private func liveTasks() -> [String: SlurmTask]? {
        let jobs = Set(tracked.values.filter { !$0.ended }.compactMap { $0.clusterId?.split(separator: "_").first.map(String.init) })
        var byId: [String: SlurmTask] = [:]
        for chunk in Array(jobs.sorted()).chunked(500) {
            let result = command.run("squeue", ["-h", "-r", "--states=all", "-j", chunk.joined(separator: ","), "-o", SlurmTask.lineFormat])
            if !result.succeeded && !result.error.contains("Invalid job id") {
                logger.warning("cannot read the Slurm cluster's jobs: \(result.message)")
                return nil
            }
            let output = result.succeeded ? String(decoding: result.output, as: UTF8.self) : ""
            for task in SlurmTask.parse(lines: output, commentPrefix: commentPrefix) { index(task, into: &byId) }
        }
        if byId.values.contains(where: \.needsWaitStatus) {
            let result = command.run("squeue", ["--json", "--states=all"])
            guard result.succeeded, let tasks = try? SlurmTask.parse(result.output, commentPrefix: commentPrefix) else {
                logger.warning("cannot read the Slurm cluster's jobs: \(result.succeeded ? "unreadable squeue output" : result.message)")
                return nil
            }
            for task in tasks { index(task, into: &byId) }
        }
        return byId
    }

    private func index(_ task: SlurmTask, into byId: inout [String: SlurmTask]) {
        guard let comment = SlurmComment(task.comment) else { return }
        for (_, clusterId) in Self.keys(of: task, comment: comment) { byId[clusterId] = task }
    }

    private func poll() {
        confirmSubmissions()
        guard let byId = liveTasks() else { return }
        let now = Self.monotonic()
        let nowMillis = nowMillis()
        for (key, item) in tracked where !item.ended {
            guard let clusterId = item.clusterId else { continue }
            var item = item
            defer { tracked[key] = item }
            guard let task = byId[clusterId] else {
                item.missingPolls += 1
                if item.missingPolls >= 3 && now - item.submittedAt > 10 {
                    logger.warning("Slurm no longer lists \(clusterId) (attempt \(key.attempt) of \(key.jobId)): it ended longer ago than the cluster keeps jobs (MinJobAge), or the controller lost its state")
                    item.ended = true
                    var exit = ProcessExit(key: key)
                    exit.lost = true
                    inbox.post(.exited(exit))
                }
                continue
            }
            item.missingPolls = 0
            switch SlurmVerdict.decide(task, host: item.host) {
            case .waiting:
                break
            case .running(let host, let startedAt):
                if !item.started {
                    item.started = true
                    item.host = host
                    inbox.post(.started(key, pid: nil, at: startedAt, host: host, clusterJob: clusterId))
                }
                if let timeout = item.timeoutSeconds, !item.stopRequested, Double(nowMillis - startedAt) >= timeout * 1000 {
                    item.timedOut = true
                    item.stopRequested = true
                    let waiting = dependants(of: [key])
                    if !waiting.isEmpty { _ = command.run("scancel", waiting) }
                    _ = command.run("scancel", ["--signal=\(SIGTERM)", "--full", clusterId])
                    item.killAt = now + item.graceSeconds
                }
                if let killAt = item.killAt, now >= killAt {
                    _ = command.run("scancel", ["--signal=\(SIGKILL)", "--full", clusterId])
                    item.killAt = nil
                }
            case .requeued(let host):
                item.ended = true
                _ = command.run("scancel", [clusterId])
                inbox.post(.exited(exit(key, SlurmVerdict.SlurmEnd(hostLost: host ?? item.host ?? "unknown"), task: task, clusterId: clusterId)))
            case .ended(var end):
                item.ended = true
                if item.timedOut { end.timedOut = true }
                if !item.started, !end.neverStarted, end.launchError == nil, let host = task.nodes.isEmpty ? nil : task.nodes {
                    // It ran and ended between two looks: its start is reported first.
                    inbox.post(.started(key, pid: nil, at: task.startTime * 1000, host: host, clusterJob: clusterId))
                }
                inbox.post(.exited(exit(key, end, task: task, clusterId: clusterId)))
            }
        }
    }

    private func exit(_ key: AttemptKey, _ end: SlurmVerdict.SlurmEnd, task: SlurmTask, clusterId: String) -> ProcessExit {
        var exit = ProcessExit(key: key, exitCode: end.exitCode, signal: end.signal, launchError: end.launchError,
                               endedAt: task.endTime > 0 ? task.endTime * 1000 : nil)
        if !end.neverStarted, end.launchError == nil, task.startTime > 0, !task.nodes.isEmpty {
            exit.startedAt = task.startTime * 1000
            exit.host = task.nodes
            exit.clusterJob = clusterId
        }
        exit.hostLost = end.hostLost
        exit.neverStarted = end.neverStarted
        exit.timedOut = end.timedOut
        exit.outOfMemory = end.outOfMemory
        return exit
    }

    static func monotonic() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
    }
}

extension Array {
    /// The elements in consecutive slices of at most `size`.
    func chunked(_ size: Int) -> [[Element]] {
        stride(from: 0, to: count, by: Swift.max(1, size)).map { Array(self[$0..<Swift.min($0 + size, count)]) }
    }
}
