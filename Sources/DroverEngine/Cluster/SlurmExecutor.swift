import DroverCore
import Foundation
import Logging
import Synchronization

/// Runs attempts on Slurm clusters, each environment's through what its settings name (``SlurmControl``): the Slurm
/// commands on PATH, or a slurmrestd. The attempts of one job handed over together go as one submission of a Slurm
/// array (`sbatch --array`); every cluster in use is listed every quarter second while any of its tasks are live and
/// each task's state becomes a `started` or `exited` event; stops are signals (`scancel --signal`); time limits are
/// enforced to the second.
///
/// Nothing is kept on the engine's side that Slurm does not also hold: each submission carries a comment naming the
/// state directory, job, attempt and time limit (``SlurmComment``), so an engine that restarts finds its tasks by
/// asking Slurm, and an `sbatch` that timed out is looked for before anything is submitted again. Which clusters it
/// uses is recorded in `STATE/slurm/controls` (``SlurmControlRegistry``) before anything is submitted to them, so
/// that a restarted engine knows whom to ask.
///
/// The engine's thread only queues work; one thread of the executor's own runs every command and request.
public final class SlurmExecutor: Executor, @unchecked Sendable {
    /// A task handed over or inherited, as the executor's thread follows it.
    struct Tracked {
        /// Which cluster it is on (``SlurmControlRegistry/key(_:)``): Slurm's job ids are per cluster.
        var control: String
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
    /// The engine's environment (less the job variables Drover sets itself), which commands and jobs get.
    private let environment: [String: String]
    private let registry: SlurmControlRegistry
    // Owned by the executor's thread once it runs.
    private var tracked: [AttemptKey: Tracked] = [:]
    private var controls: [String: any SlurmControl] = [:]

    /// Creates an executor for the state directory `directory`. `required` tells whether the store holds attempts
    /// on a Slurm environment that the engine must learn the end of (then an unreachable cluster stops the engine
    /// from starting rather than have it guess).
    public init(stateDirectory directory: URL, logger: Logger, required: @escaping @Sendable () -> Bool) {
        self.directory = directory.appendingPathComponent("slurm").path
        // The real path: the same directory reached through a symbolic link must find its tasks again.
        self.tag = String(FNV1a.hash(directory.standardizedFileURL.resolvingSymlinksInPath().path) & 0xffff_ffff, radix: 16)
        self.logger = logger
        self.required = required
        environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("AWS_BATCH") }
        registry = SlurmControlRegistry(path: "\(self.directory)/controls")
    }

    /// The control of the cluster under `key` (made on first use).
    private func control(_ key: String) -> any SlurmControl {
        if let known = controls[key] { return known }
        let made: any SlurmControl = key.isEmpty
            ? SlurmCommandControl(directory: directory, environment: environment)
            : SlurmRestControl(url: key, environment: environment, user: SlurmRestControl.engineUser())
        controls[key] = made
        return made
    }

    /// The prefix of the comments of this state directory's submissions.
    var commentPrefix: String { "\(SlurmComment.prefix)\(tag):" }

    public func attach(inbox: Inbox) throws(DroverError) -> InheritedAttempts {
        self.inbox = inbox
        mkdir(directory, 0o700)
        var inherited = InheritedAttempts()
        if required() {
            for control in registry.keys() {
                try inherit(from: control, into: &inherited)
            }
        }
        startThread()
        return inherited
    }

    /// Adopts this state directory's tasks on the cluster under `control`, or records how they ended.
    private func inherit(from control: String, into inherited: inout InheritedAttempts) throws(DroverError) {
        let tasks = forgetRecorded(try inheritedTasks(control), control: control)
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
                var item = Tracked(control: control, clusterId: clusterId, submittedAt: 0, timeoutSeconds: comment.timeoutSeconds,
                                   graceSeconds: comment.graceSeconds)
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
                    self.control(control).cancel([clusterId], signal: nil)
                case .ended(let end):
                    item.ended = true
                    inherited.exits[key] = exit(key, end, task: task, clusterId: clusterId)
                }
                tracked[key] = item
            }
        }
    }

    /// The file that lists the tasks whose end the store has recorded (acknowledged), one `CONTROL|SLURMID` a line
    /// (Slurm's ids are per cluster).
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
    private func forgetRecorded(_ tasks: [SlurmTask], control: String) -> [SlurmTask] {
        guard let text = try? String(contentsOfFile: recordedPath, encoding: .utf8) else { return tasks }
        let lines = text.split(separator: "\n").map(String.init)
        let recorded = Set(lines)
        var kept: [SlurmTask] = []
        // Other clusters' lines stay for their own turn.
        var listed = lines.filter { !$0.hasPrefix(control + "|") }
        for task in tasks {
            guard let comment = SlurmComment(task.comment) else { continue }
            let ids = Self.keys(of: task, comment: comment).map { "\(control)|\($0.1)" }
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

    /// This state directory's tasks as the cluster under `key` lists them, asking until Slurm answers (for up to a
    /// minute); a refusal that asking again cannot change (a token refused) ends it at once.
    private func inheritedTasks(_ key: String) throws(DroverError) -> [SlurmTask] {
        let control = control(key)
        var last = SlurmControlError(message: "")
        for wait in [0.0, 1, 2, 4, 8, 15, 30] {
            if wait > 0 { Thread.sleep(forTimeInterval: wait) }
            switch control.tasks(commentPrefix: commentPrefix) {
            case .success(let tasks): return tasks
            case .failure(let error): last = error
            }
            guard last.transient else { break }
            logger.warning("cannot list the Slurm cluster's jobs: \(last.message); asking again")
        }
        throw DroverError("""
            cannot reach the Slurm cluster to learn how its attempts ended (\(last.message)); \
            start the engine again once \(key.isEmpty ? "squeue works" : "\(control.name) answers")
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
        remember(ended.compactMap { key in tracked[key].flatMap { item in item.clusterId.map { "\(item.control)|\($0)" } } })
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
        // Each environment's launches go to the cluster its settings name, in the order given.
        var order: [String] = []
        var byControl: [String: [AttemptLaunch]] = [:]
        for launch in launches {
            guard let cluster = launch.cluster else { continue }
            let key = SlurmControlRegistry.key(cluster.slurm)
            if byControl[key] == nil { order.append(key) }
            byControl[key, default: []].append(launch)
        }
        for key in order {
            guard let launches = byControl[key] else { continue }
            if let problem = registry.add(key) {
                for launch in launches {
                    var exit = ProcessExit(key: launch.key, launchError: problem)
                    exit.transient = true
                    inbox.post(.exited(exit))
                }
                continue
            }
            // Attempts that wait on others go after them (they need their Slurm ids).
            submit(launches.filter { $0.cluster?.waitsOn.isEmpty ?? true }, through: key, dependencies: [:])
            submitWaiting(launches.filter { !($0.cluster?.waitsOn.isEmpty ?? true) }, through: key)
        }
    }

    /// Submits attempts that wait on others on the same cluster, each with its Slurm `--dependency`; one whose partners
    /// are not (or no longer) there is not submitted (it ends unstarted, and Drover resolves its dependencies).
    private func submitWaiting(_ launches: [AttemptLaunch], through key: String) {
        guard !launches.isEmpty else { return }
        let block = max(1, control(key).maxArraySize())
        var clusterIds: [AttemptKey: String] = [:]
        for (attempt, item) in tracked where !item.ended && item.control == key {
            if let id = item.clusterId { clusterIds[attempt] = id }
        }
        var dependencies: [AttemptKey: String] = [:]
        var dependent: [AttemptLaunch] = []
        for launch in launches {
            let taskId = JobID.split(launch.key.jobId).index.map { $0 - $0 / block * block }
            guard let dependency = SlurmDependency.of(taskId: taskId, partners: launch.cluster?.waitsOn ?? [], clusterIds: clusterIds) else {
                var exit = ProcessExit(key: launch.key)
                exit.neverStarted = true
                inbox.post(.exited(exit))
                continue
            }
            dependencies[launch.key] = dependency
            dependent.append(launch)
        }
        submit(dependent, through: key, dependencies: dependencies)
    }

    private func submit(_ launches: [AttemptLaunch], through key: String, dependencies: [AttemptKey: String]) {
        guard !launches.isEmpty else { return }
        let control = control(key)
        let submissions = SlurmSubmission.group(launches, tag: tag, maxArraySize: control.maxArraySize(), dependencies: dependencies) {
            String(UInt64.random(in: 0...UInt64.max), radix: 36)
        }
        for submission in submissions {
            let now = Self.monotonic()
            for launch in submission.launches {
                tracked[launch.key] = Tracked(control: key, submittedAt: now, timeoutSeconds: launch.timeoutSeconds, graceSeconds: launch.graceSeconds,
                                              waitsOn: launch.cluster?.waitsOn.map(\.key) ?? [])
            }
            let jobId: Int
            switch control.submit(submission) {
            case .submitted(let id):
                jobId = id
            case .notMade(let message):
                fail(submission, message, transient: true)
                continue
            case .failed(let message, let unreachable) where !unreachable:
                fail(submission, message, transient: false)
                continue
            case .failed(let message, _):
                // The submission may have reached the controller all the same: look for it before giving up, and
                // while Slurm cannot say, keep looking (submitting again could run the work twice).
                guard case .found(let id) = control.findSubmission(token: submission.comment.token, commentPrefix: commentPrefix) else {
                    logger.warning("""
                        cannot submit \(submission.comment.parent) to Slurm for now (\(message)); it may have \
                        reached the controller: it is looked for there before anything is submitted again
                        """, metadata: ["jobId": .string(submission.comment.parent)])
                    for launch in submission.launches {
                        let taskId = submission.indices == nil ? nil : JobID.split(launch.key.jobId).index.map(submission.taskId)
                        tracked[launch.key]?.unconfirmed = (submission.comment.token, taskId)
                    }
                    continue
                }
                jobId = id
            }
            for launch in submission.launches {
                let taskId = submission.indices == nil ? nil : JobID.split(launch.key.jobId).index.map(submission.taskId)
                tracked[launch.key]?.clusterId = Self.clusterId(jobId, taskId: taskId)
            }
            if logger.logLevel <= .debug {
                let waits = submission.dependency.map { ", waiting on \($0)" } ?? ""
                logger.debug("submitted \(submission.launches.count) task(s) of \(submission.comment.parent) to Slurm as job \(jobId)\(waits)",
                             metadata: ["slurmJob": .stringConvertible(jobId), "partition": .string(submission.cluster.slurm.partition),
                                        "through": .string(control.name)])
            }
        }
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

    /// Looks again for the submissions whose `sbatch` timed out: found, their tasks are followed; known to be absent,
    /// their attempts go back to their queue (not counted); Slurm still silent, they wait.
    private func confirmSubmissions() {
        var tokens: [String: String] = [:]
        for item in tracked.values where !item.ended {
            if let token = item.unconfirmed?.token { tokens[token] = item.control }
        }
        for (token, key) in tokens.sorted(by: { $0.key < $1.key }) {
            let lookup = control(key).findSubmission(token: token, commentPrefix: commentPrefix)
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
        var queued: [String: [String]] = [:]
        var running: [String: [Int32: [String]]] = [:]
        for (control, ids) in dependants(of: Set(requests.map(\.key))) { queued[control, default: []] += ids }
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
                running[item.control, default: [:]][request.signal, default: []].append(clusterId)
                item.killAt = request.killAfter.map { now + $0 }
            } else {
                queued[item.control, default: []].append(clusterId)
            }
        }
        for (key, ids) in queued.sorted(by: { $0.key < $1.key }) { control(key).cancel(ids, signal: nil) }
        for (key, bySignal) in running.sorted(by: { $0.key < $1.key }) {
            for (signal, ids) in bySignal.sorted(by: { $0.key < $1.key }) { control(key).cancel(ids, signal: signal) }
        }
    }

    /// The Slurm ids of the queued tasks that wait on `keys` in the cluster, marked stopped: a task stopped by Drover
    /// (terminated, timed out) may still exit 0 and let Slurm start its dependants, where Drover records a failure;
    /// they are taken out of the queue first (their jobs wait on in Drover, which decides).
    private func dependants(of keys: Set<AttemptKey>) -> [String: [String]] {
        var ids: [String: [String]] = [:]
        for (key, item) in tracked where !item.ended && !item.started && !item.stopRequested && item.waitsOn.contains(where: keys.contains) {
            guard let clusterId = item.clusterId else { continue }
            tracked[key]?.stopRequested = true
            ids[item.control, default: []].append(clusterId)
        }
        return ids
    }

    /// The live tasks' records on the cluster under `key`, by the id Drover keeps. Nil when Slurm could not be asked.
    private func liveTasks(_ key: String) -> [String: SlurmTask]? {
        let jobs = Set(tracked.values.filter { !$0.ended && $0.control == key }.compactMap { $0.clusterId?.split(separator: "_").first.map(String.init) })
        guard !jobs.isEmpty else { return [:] }
        switch control(key).liveTasks(jobs: jobs.sorted(), commentPrefix: commentPrefix) {
        case .failure(let error):
            logger.warning("cannot read the Slurm cluster's jobs: \(error.message)")
            return nil
        case .success(let tasks):
            var byId: [String: SlurmTask] = [:]
            for task in tasks { index(task, into: &byId) }
            return byId
        }
    }

    private func index(_ task: SlurmTask, into byId: inout [String: SlurmTask]) {
        guard let comment = SlurmComment(task.comment) else { return }
        for (_, clusterId) in Self.keys(of: task, comment: comment) { byId[clusterId] = task }
    }

    private func poll() {
        confirmSubmissions()
        // Each cluster in use is asked; one that cannot answer holds up only its own tasks.
        var listings: [String: [String: SlurmTask]?] = [:]
        for control in Set(tracked.values.filter { !$0.ended && $0.clusterId != nil }.map(\.control)) {
            listings[control] = liveTasks(control)
        }
        let now = Self.monotonic()
        let nowMillis = nowMillis()
        for (key, item) in tracked where !item.ended {
            guard let clusterId = item.clusterId, case .some(.some(let byId)) = listings[item.control] else { continue }
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
                    for (control, ids) in dependants(of: [key]) { self.control(control).cancel(ids, signal: nil) }
                    control(item.control).cancel([clusterId], signal: SIGTERM)
                    item.killAt = now + item.graceSeconds
                }
                if let killAt = item.killAt, now >= killAt {
                    control(item.control).cancel([clusterId], signal: SIGKILL)
                    item.killAt = nil
                }
            case .requeued(let host):
                item.ended = true
                control(item.control).cancel([clusterId], signal: nil)
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
