import DroverCore
import DroverStore
import Foundation
import Logging

/// Runs the jobs of one state directory: places RUNNABLE jobs on compute environments by queue
/// priority and environment order as capacity allows, starts them as local processes, enforces
/// timeouts and terminate requests, and records every outcome.
///
/// `run(until:)` runs on the calling thread; other threads talk to it through ``inbox``. Hold an
/// ``EngineLock`` while running so that only one engine works on a state directory.
public final class Engine {
    /// The store worked on.
    public let store: Store
    /// Stop requests and process exits.
    public let inbox: Inbox
    let options: EngineOptions
    /// Where the engine reads the time (``EngineOptions/clock``).
    var clock: any EngineClock { options.clock }
    /// Runs the attempts (local processes under a supervisor that outlives the engine).
    let executor: any Executor
    var running: [String: RunningAttempt] = [:]
    var buffers: [String: [RunnableJob]] = [:]
    var exhausted: Set<String> = []
    var routes: [QueueRoute] = []
    var environments: [String: ComputeEnvironment] = [:]
    var pendingStarts: [AttemptStart] = []
    /// No new attempt starts before this monotonic second (the machine could not start one: a full
    /// disk, no memory); doubles with each such failure, up to 5 s.
    var startsPausedUntil = 0.0
    var startBackoff = 0.0
    /// The engine is shutting down: written claims are no longer started.
    var stopping = false
    /// Where job processes run: the engine's working directory.
    let workingDirectory = FileManager.default.currentDirectoryPath
    var environmentCache: [String: [String]] = [:]
    var logFolders: Set<String> = []
    var executables: [String: String?] = [:]
    /// Jobs claimed but not yet written: the store still shows them RUNNABLE, so the scheduler must
    /// not pick them again. Their processes start once the claim is written.
    var unrecorded: Set<String> = []
    /// Written claims waiting to start, oldest first: a claim made ahead starts the moment a
    /// running attempt of its environment ends, without waiting for a write.
    var ready: [String] = []
    /// Monotonic second of the last memory check.
    var lastMemoryCheck = 0.0
    /// Monotonic second of the last look at the queues' `jobStateTimeLimitActions`.
    var lastTimeLimitCheck = -Double.infinity
    /// The AWS-coded reasons this engine wrote for waiting jobs, by job id: a reason is written
    /// when it changes, not every pass.
    var waitReasons: [String: String] = [:]
    let baseEnvironment: [String: String]
    /// Simulated instances of the managed EC2 and SPOT environments.
    var simulator: Simulator
    /// Experiments under way, with the simulated time of their next round.
    var activeExperiments: [String: (experiment: Experiment, nextRound: Double, ends: Double)] = [:]
    /// Jobs this engine no longer hands to a cluster ahead of their dependencies (an attempt held there was dropped).
    var noHandOver: Set<String> = []
    /// Monotonic second of the last look for jobs to hand over (``handOver()``); -infinity when something changed.
    var lastHandOver = -Double.infinity
    /// When (monotonic seconds) the engine next forgets events older than it keeps (``pruneEvents(now:)``).
    var nextEventPrune = -Double.infinity
    static let bufferSize = 512
    /// Least time between two looks at the store prompted by ``Inbox/nudge()`` (a burst of API submits).
    static let nudgeInterval = 0.01

    /// Creates an engine over `store`; attempts run through `executor` (by default local processes
    /// under a supervisor in the state directory).
    public init(store: Store, options: EngineOptions = EngineOptions(), inbox: Inbox = Inbox(), executor: (any Executor)? = nil) {
        self.store = store
        self.options = options
        self.inbox = inbox
        self.executor = executor ?? RoutingExecutor(
            local: SupervisorExecutor(stateDirectory: store.directory),
            cluster: SlurmExecutor(stateDirectory: store.directory, logger: options.logger) { [store] in
                (try? store.hasClusterAttempts()) ?? true
            })
        self.baseEnvironment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("AWS_BATCH") }
        self.simulator = Simulator(seed: options.seed, timeScale: options.timeScale, origin: options.clock.monotonicSeconds())
    }

    /// The seed of the spot simulation (print it so a run can be reproduced with `--seed`).
    public var seed: UInt64 { options.seed }

    /// Runs until `done()` returns true (checked after every step) or a stop is requested. Running
    /// attempts are then left to their supervisor (``Inbox/requestStop(_:)`` with `.detach`: the
    /// next engine adopts them) or stopped and put back to RUNNABLE (`.stopJobs`). With `lock`, the
    /// engine marks itself alive on it every second (what `drover health` checks).
    public func run(holding lock: EngineLock? = nil, until done: () throws -> Bool = { false }) throws(DroverError) {
        logStarted()
        let recorder = Recorder(store: store, inbox: inbox, logger: options.logger, metrics: options.metrics)
        defer { recorder.close() }
        try recover(recorder: recorder)
        let workflows = WorkflowRunner(store: store, hooks: WorkflowHooks(machine: options.workflowMachine, describe: options.describeJob),
                                       logger: options.logger, now: { [clock] in clock.epochMillis() }, nudge: { [inbox] in inbox.nudge() })
        defer { workflows.close() }
        try store.forgetWaitReasons()
        simulator = Simulator(seed: options.seed, timeScale: options.timeScale, origin: clock.monotonicSeconds())
        try refresh()
        var lastPoll = clock.monotonicSeconds()
        var lastDoneCheck = 0.0
        var finishedSinceCheck = false
        var lastBeat = -Double.infinity
        while !inbox.stopRequested {
            let now = clock.monotonicSeconds()
            if let lock, now - lastBeat >= 1 {
                lock.beat()
                lastBeat = now
            }
            if absorb(inbox.drainRecorded()) {
                finishedSinceCheck = true
                workflows.wake()
            }
            var batch = EngineBatch()
            batch.finished = handle(inbox.drain())
            launchReady()
            batch.instances = apply(simulator.advance(monotonic: now), now: now)
            if now - lastPoll >= options.pollInterval || (inbox.isNudged && now - lastPoll >= Self.nudgeInterval) {
                if inbox.isNudged { workflows.wake() }
                inbox.clearNudge()
                lastPoll = now
                enforceMemory(now: now)
                followHeld(now: now)
                pruneEvents(now: now)
                do {
                    try refresh()
                    try applyTerminateRequests(now: now)
                    try applyTimeLimits(now: now)
                    batch.instances += try runExperiments(now: now)
                } catch {
                    // The store is busy or the disk full: the recorder waits for it; so does this.
                }
            }
            // A claim is written before its process starts: the recorder reports it back, and
            // `absorb` starts it. Exits and new claims share one transaction.
            if now >= startsPausedUntil {
                let plan = schedule()
                for (job, _) in plan.claims { unrecorded.insert(job.id) }
                batch.claims = plan.claims
                if now - lastHandOver >= 1 {
                    lastHandOver = now
                    batch.holds = handOver()
                    for (job, _) in batch.holds { unrecorded.insert(job.id) }
                }
                batch.reasons = plan.reasons
                if !plan.reasons.isEmpty { batch.now = clock.epochMillis() }
            }
            batch.instances += apply(simulator.takeEvents(), now: now)
            batch.started = pendingStarts
            pendingStarts.removeAll()
            if !batch.isEmpty { recorder.record(batch) }
            if recorder.isIdle && inbox.pendingRecords == 0 {
                let checkTime = clock.monotonicSeconds()
                if running.isEmpty || (finishedSinceCheck && checkTime - lastDoneCheck >= 0.05) || checkTime - lastDoneCheck >= options.pollInterval {
                    lastDoneCheck = checkTime
                    finishedSinceCheck = false
                    if (try? done()) == true { break }
                }
            }
            let later = clock.monotonicSeconds()
            let nudgeWait = inbox.isNudged ? max(0, lastPoll + Self.nudgeInterval - later) : .infinity
            inbox.wait(seconds: min(nextWake(now: later, lastPoll: lastPoll), nudgeWait, 5))
        }
        try shutdown(recorder: recorder)
    }

    // MARK: - Steps

    /// Applies what the recorder reports: written claims start, refused ones (the job was cancelled
    /// meanwhile) release their capacity, written exits are acknowledged to the executor. Returns
    /// whether anything was written (so the stop condition is worth checking).
    func absorb(_ reports: [Recorded]) -> Bool {
        for report in reports {
            for id in report.claims {
                unrecorded.remove(id)
                if report.accepted.contains(id) {
                    ready.append(id)
                } else {
                    running[id] = nil
                }
            }
            if !report.finished.isEmpty { executor.acknowledge(report.finished) }
            if report.becameRunnable || report.accepted.count < report.claims.count { markDirty() }
        }
        launchReady()
        return !reports.isEmpty
    }

    /// Hands the written claims to the executor, in the order they were claimed. Claims made ahead
    /// (see ``PlacementDecision/placeAhead(environment:)``) wait there for a running attempt of their
    /// environment to end, and start the moment one does.
    func launchReady() {
        guard !ready.isEmpty, !stopping else { return }
        for id in ready where running[id]?.launched == false { start(id) }
        ready.removeAll(keepingCapacity: true)
        executor.flush()
    }

    /// Notes started processes and turns exits into finished attempts.
    func handle(_ events: [ProcessEvent]) -> [FinishedAttempt] {
        var finishedAttempts: [FinishedAttempt] = []
        for event in events {
            switch event {
            case .started(let key, let pid, let at, let host, let clusterJob):
                guard let current = running[key.jobId], current.attempt == key.attempt else { continue }
                running[key.jobId]?.pid = pid
                running[key.jobId]?.hasStarted = true
                running[key.jobId]?.held = false
                running[key.jobId]?.runningSince = at
                if current.attempt == 1, current.submittedAt > 0 {
                    options.metrics.firstStart(queue: current.queue, afterMillis: at - current.submittedAt)
                }
                pendingStarts.append(AttemptStart(id: key.jobId, attempt: key.attempt, pid: pid, at: at, host: host, clusterJob: clusterJob))
            case .exited(let exit):
                if let attempt = finished(exit) { finishedAttempts.append(attempt) }
            case .connectionLost(let connection):
                options.logger.warning("the job supervisor (pid \(connection)) is gone; recording how its attempts ended",
                                       metadata: ["supervisorPid": .stringConvertible(connection)])
                for exit in executor.lost(connection) {
                    if let attempt = finished(exit) { finishedAttempts.append(attempt) }
                }
            }
        }
        return finishedAttempts
    }

    /// Turns a process exit into a finished attempt, using what the engine knows of why it ended.
    func finished(_ exit: ProcessExit) -> FinishedAttempt? {
        guard let attempt = running[exit.key.jobId], attempt.attempt == exit.key.attempt, attempt.launched else { return nil }
        running[exit.key.jobId] = nil
        let now = clock.monotonicSeconds()
        if options.metrics.isEnabled, let since = attempt.runningSince {
            options.metrics.attemptRan(queue: attempt.queue, millis: (exit.endedAt ?? clock.epochMillis()) - since)
        }
        var usage: AttemptUsage?
        if let instance = attempt.instance {
            let simulatedNow = simulator.simulated(now)
            simulator.fleets[attempt.environment]?.release(attempt.need, from: instance.id, now: simulatedNow)
            var experiment: String?
            if case .interrupted(_, let cause)? = attempt.stopKind { experiment = cause }
            usage = simulator.usage(instance: instance, vcpus: attempt.need.vcpus, start: attempt.startedAt, end: now, experiment: experiment)
        }
        if exit.transient {
            startBackoff = min(5, max(0.05, startBackoff * 2))
            startsPausedUntil = now + startBackoff
            var metadata = Self.metadata(exit.key)
            metadata["reason"] = .string(exit.launchError ?? "unknown error")
            metadata["backoffSeconds"] = .stringConvertible(startBackoff)
            let wait = String(format: "%.2f", startBackoff)
            options.logger.warning("""
                cannot start attempt \(exit.key.attempt) of \(exit.key.jobId): \(exit.launchError ?? "unknown error"); \
                it goes back to its queue, new starts wait \(wait) s
                """, metadata: metadata)
        } else if exit.launchError == nil {
            startBackoff = 0
        }
        guard case (let outcome, var counts)? = Self.outcome(of: exit, stop: attempt.stopKind) else { return nil }
        if attempt.held && !attempt.hasStarted {
            // Dropped by the cluster before it started (or never submitted): nothing ran; the job's dependencies decide.
            counts = false
            if noHandOver.count > 100_000 { noHandOver.removeAll() }
            noHandOver.insert(attempt.id)
            lastHandOver = -.infinity
        }
        if !exit.transient { logEnded(exit.key, outcome: outcome, counts: counts, environment: attempt.environment) }
        return FinishedAttempt(id: exit.key.jobId, attempt: exit.key.attempt, outcome: outcome, at: exit.endedAt ?? clock.epochMillis(),
                               counts: counts, usage: usage)
    }

    /// How an attempt ended, from its process's exit and the engine's own reason to stop it; and
    /// whether the attempt counts against `retryStrategy.attempts` (not when the engine or the
    /// machine was at fault).
    static func outcome(of exit: ProcessExit, stop: RunningAttempt.StopKind?) -> (AttemptOutcome, counts: Bool)? {
        var outcome: AttemptOutcome
        if exit.neverStarted {
            if case .terminate(let reason)? = stop {
                return (AttemptOutcome(kind: .terminated, exitCode: nil, reason: nil, statusReason: reason), true)
            }
            return (AttemptOutcome(kind: .engineRestarted, exitCode: nil, reason: nil,
                                   statusReason: "Stopped before it started; the job will run again"), false)
        }
        if let error = exit.launchError {
            if exit.transient {
                return (AttemptOutcome(kind: .launchFailed, exitCode: nil, reason: "CannotStartContainerError: \(error)",
                                       statusReason: "Task failed to start; the job will be started again"), false)
            }
            outcome = AttemptOutcome(kind: .launchFailed, exitCode: nil, reason: "CannotStartContainerError: \(error)", statusReason: "Task failed to start")
        } else if exit.lost {
            outcome = AttemptOutcome(kind: .engineRestarted, exitCode: nil, reason: nil, statusReason: Reasons.engineRestarted)
        } else if let host = exit.hostLost {
            // A cluster node that failed or was cut off: as on AWS when the instance goes, no exit code, only the reason.
            outcome = AttemptOutcome(kind: .interrupted, exitCode: nil, reason: nil, statusReason: Reasons.hostTerminated(instance: host))
        } else if exit.outOfMemory {
            outcome = AttemptOutcome(kind: .exited, exitCode: 137, reason: Reasons.outOfMemory, statusReason: Reasons.containerExited,
                                     signal: SIGKILL, outOfMemory: true)
        } else if let signal = exit.signal {
            // AWS gives a container killed by a signal its exit code, and no reason (only an out-of-memory kill has one).
            outcome = AttemptOutcome(kind: .exited, exitCode: 128 + signal, reason: nil, statusReason: Reasons.containerExited, signal: signal)
        } else {
            outcome = .exited(exit.exitCode ?? 0)
        }
        if exit.timedOut, stop == nil || stop == .shutdown {
            outcome.kind = .timedOut
            outcome.statusReason = Reasons.timeout
            return (outcome, true)
        }
        switch stop {
        case .interrupted(let instance, _)? where !(outcome.kind == .exited && outcome.exitCode == 0) && !exit.lost:
            // The host is gone: AWS reports no exit code, only the reason.
            outcome = AttemptOutcome(kind: .interrupted, exitCode: nil, reason: nil, statusReason: Reasons.hostTerminated(instance: instance),
                                     signal: exit.signal)
        case .outOfMemory? where !exit.lost:
            outcome = AttemptOutcome(kind: .exited, exitCode: 137, reason: Reasons.outOfMemory, statusReason: Reasons.containerExited,
                                     signal: SIGKILL, outOfMemory: true)
        case .timeout?:
            outcome.kind = .timedOut
            outcome.statusReason = Reasons.timeout
        case .terminate(let reason)?:
            outcome.kind = .terminated
            outcome.statusReason = reason
        case .shutdown? where exit.launchError == nil && !(outcome.kind == .exited && outcome.exitCode == 0):
            // (One that had already succeeded when the stop came, a cluster task between two looks at squeue, is done.)
            outcome.statusReason = "Stopped when the engine shut down; the job will run again"
            return (outcome, false)
        default:
            break
        }
        return (outcome, true)
    }

    /// Kills attempts whose processes hold more resident memory than their job's `memory` (as a
    /// container's hard limit does), at most twice a second.
    func enforceMemory(now: Double) {
        guard now - lastMemoryCheck >= 0.5 else { return }
        lastMemoryCheck = now
        let limited = running.values.filter { $0.need.memory > 0 && $0.pid != nil && $0.termSentAt == nil }
        guard !limited.isEmpty else { return }
        let usage = MemoryWatch.residentMiB(ofGroups: Set(limited.compactMap(\.pid)))
        for attempt in limited {
            guard let pid = attempt.pid, let used = usage[pid], used > attempt.need.memory else { continue }
            running[attempt.id]?.stopKind = .outOfMemory
            running[attempt.id]?.termSentAt = now
            executor.signal(attempt.key, SIGKILL, killAfter: nil)
        }
    }

    /// Asks an attempt to stop: SIGTERM now, SIGKILL after `killAfter` seconds (the grace period by
    /// default). The first reason given is the one recorded.
    func stop(_ id: String, kind: RunningAttempt.StopKind, now: Double, killAfter: Double? = nil) {
        guard let attempt = running[id], attempt.termSentAt == nil else { return }
        running[id]?.stopKind = kind
        running[id]?.termSentAt = now
        if attempt.launched { executor.signal(attempt.key, SIGTERM, killAfter: killAfter ?? options.killGraceSeconds) }
    }

    func applyTerminateRequests(now: Double) throws(DroverError) {
        for request in try store.terminateRequests() where running[request.id] != nil {
            stop(request.id, kind: .terminate(reason: request.reason), now: now)
        }
    }

    /// Reloads queues and environments and forgets buffered RUNNABLE jobs.
    func refresh() throws(DroverError) {
        executables.removeAll(keepingCapacity: true)
        routes = try store.routes()
        environments = Dictionary(try store.computeEnvironments().map { ($0.computeEnvironmentName, $0) }, uniquingKeysWith: { $1 })
        simulator.sync(environments)
        markDirty()
    }

    func markDirty() {
        buffers.removeAll(keepingCapacity: true)
        exhausted.removeAll(keepingCapacity: true)
    }

    /// Picks what to start now: queues by priority, FIFO within a queue, first environment with
    /// room. A job waiting for a simulated instance to start does not hold up the jobs behind it,
    /// so that a fleet scales up for all of them at once; nor does a job that can never run until
    /// its queue's environments change (it is recorded blocked, with its reason). The job that
    /// holds up its queue gets AWS's capacity reason while it has one (``noteWait(_:reason:into:)``).
    func schedule() -> (claims: [(job: RunnableJob, environment: String)], reasons: [(id: String, reason: String?, blocks: Bool)]) {
        var claims: [(job: RunnableJob, environment: String)] = []
        var reasons: [(id: String, reason: String?, blocks: Bool)] = []
        var capacity = PlacementCapacity(usage: currentUsage(), ahead: aheadUsage(),
                                         hostSlots: options.hostSlots - running.values.filter { $0.instance != nil }.count,
                                         hostSlotLimit: options.hostSlots)
        simulator.beginPass()
        let now = simulator.simulated(clock.monotonicSeconds())
        for route in routes {
            var buffer = buffers[route.name] ?? []
            var index = 0
            scan: while true {
                if buffer.isEmpty {
                    guard !exhausted.contains(route.name),
                          let more = try? store.runnable(queue: route.name, limit: Self.bufferSize) else { break }
                    if more.count < Self.bufferSize { exhausted.insert(route.name) }
                    buffer = more.filter { running[$0.id] == nil && !unrecorded.contains($0.id) }
                    index = 0
                    if buffer.isEmpty { break }
                }
                guard index < buffer.count else { break }
                let job = buffer[index]
                if running[job.id] != nil || unrecorded.contains(job.id) {
                    buffer.remove(at: index)
                    continue
                }
                guard let spec = try? store.spec(ofJob: job.id) else {
                    buffer.remove(at: index)
                    continue
                }
                let need = ResourceNeed(vcpus: spec.vcpus, memory: spec.memory)
                let floor = min(job.environmentFloor, max(0, route.environments.count - 1))
                let names = Array(route.environments.dropFirst(floor))
                var placed: (environment: String, instance: SimulatedInstance?)?
                switch place(need, queue: route.name, environments: names, capacity: &capacity, now: now) {
                case .place(let environment, let instance):
                    placed = (environment, instance.flatMap { id in simulator.fleets[environment]?.instances.first { $0.id == id } })
                case .placeAhead(let environment):
                    placed = (environment, nil)
                case .never(let reason):
                    reasons.append((job.id, reason, blocks: true))
                    waitReasons[job.id] = nil
                    buffer.remove(at: index)
                case .waitForInstance:
                    noteWait(job.id, reason: nil, into: &reasons)
                    index += 1
                case .wait(let reason):
                    noteWait(job.id, reason: reason, into: &reasons)
                    break scan
                }
                if let placed {
                    waitReasons[job.id] = nil
                    claims.append((job, placed.environment))
                    running[job.id] = RunningAttempt(id: job.id, attempt: job.attempts + 1, environment: placed.environment, need: need,
                                                     instance: placed.instance, queue: route.name, submittedAt: job.createdAt)
                    buffer.remove(at: index)
                }
            }
            buffers[route.name] = buffer
        }
        return (claims, reasons.filter { reason in !claims.contains { $0.job.id == reason.id } })
    }

    /// Places one job with ``PlacementDecision/decide(need:queue:environments:capacity:offer:)``
    /// over the queue's known environments: simulated ones are asked through their fleet (which
    /// launches an instance when one is needed); local ones are judged from `capacity`.
    func place(_ need: ResourceNeed, queue: String, environments names: [String], capacity: inout PlacementCapacity,
               now: Double) -> PlacementDecision {
        let candidates = names.compactMap { name -> PlacementEnvironment? in
            guard let environment = environments[name] else { return nil }
            return PlacementEnvironment(name: name, enabled: environment.isEnabled, kind: simulator.fleets[name] == nil ? .local : .fleet)
        }
        return PlacementDecision.decide(need: need, queue: queue, environments: candidates, capacity: &capacity) { name in
            simulator.fleets[name]?.place(need, now: now) ?? .never("\(name) has no simulated instances", misfit: .jobResourceRequirement)
        }
    }

    /// Each known environment's limits and what running attempts hold on it.
    func currentUsage(launchedOnly: Bool = false) -> [String: EnvironmentUsage] {
        var usage: [String: EnvironmentUsage] = [:]
        for (name, environment) in environments where simulator.fleets[name] == nil {
            // A cluster's memory is its nodes' (Slurm refuses a job no node can hold), not this machine's.
            let memory = environment.isCluster ? ResourceLimits.maxMemoryMiB : options.memoryMiB
            usage[name] = EnvironmentUsage(name: name, maxVcpus: environment.maxvCpus, maxMemory: memory)
        }
        // An attempt held on a cluster until its dependencies are met takes no room there yet.
        for attempt in running.values where (attempt.launched || !launchedOnly) && !attempt.held {
            usage[attempt.environment]?.take(attempt.need)
        }
        return usage
    }

    /// What claims whose processes have not started hold of each local environment, against a
    /// budget of one environment's worth, and up to 4 times that for small environments (at most
    /// 16 vCPUs' worth): enough claims already written that a slot never waits for a write. On a
    /// Slurm partition these are tasks queued in Slurm, up to `slurm.queuedvCpus` (no bound by
    /// default: Slurm queues them).
    func aheadUsage() -> [String: EnvironmentUsage] {
        var usage = currentUsage()
        for name in usage.keys {
            usage[name]?.usedVcpus = 0
            usage[name]?.usedMemory = 0
            if let slurm = environments[name]?.slurm {
                usage[name]?.maxVcpus = Double(slurm.queuedvCpus ?? ResourceLimits.maxEnvironmentVcpus)
            } else if let limit = usage[name]?.maxVcpus {
                usage[name]?.maxVcpus = max(limit, min(limit * 4, 16))
            }
        }
        for attempt in running.values where !attempt.hasStarted && attempt.instance == nil {
            usage[attempt.environment]?.take(attempt.need)
        }
        return usage
    }

    /// Starts the process of an attempt whose claim is written.
    func start(_ id: String) {
        guard let claimed = running[id], let spec = try? store.spec(ofJob: id) else {
            running[id] = nil
            return
        }
        let attempt = claimed.attempt
        let (top, index) = JobID.split(id)
        // The job's identity first: a supervisor reads it from /proc to tell whose a stray process is.
        var environment = ["AWS_BATCH_JOB_ID=\(id)", "AWS_BATCH_JOB_ATTEMPT=\(attempt)", "AWS_BATCH_JQ_NAME=\(spec.jobQueue)",
                           "AWS_BATCH_CE_NAME=\(claimed.environment)"]
        if let instance = claimed.instance {
            environment.append("DROVER_INSTANCE_ID=\(instance.id)")
            environment.append("DROVER_INSTANCE_TYPE=\(instance.type.name)")
        }
        if let index, let size = spec.arraySize {
            environment.append("AWS_BATCH_JOB_ARRAY_INDEX=\(index)")
            environment.append("AWS_BATCH_JOB_ARRAY_SIZE=\(size)")
        }
        for variable in traceVariables(id, attempt: attempt, spec: spec) { environment.append("\(variable.name)=\(variable.value)") }
        environment += jobEnvironment(top: top, spec: spec)
        if logFolders.count > 4096 { logFolders.removeAll(keepingCapacity: true) }
        if logFolders.insert(store.logDirectory(ofJob: id)).inserted {
            _ = try? store.makeLogDirectory(ofJob: id)
        }
        running[id]?.startedAt = clock.monotonicSeconds()
        running[id]?.launched = true
        if options.logger.logLevel <= .debug {
            var metadata = Self.metadata(claimed.key)
            metadata["queue"] = .string(spec.jobQueue)
            metadata["environment"] = .string(claimed.environment)
            if let instance = claimed.instance { metadata["instance"] = .string(instance.id) }
            options.logger.debug("starting attempt \(attempt) of \(id) on \(claimed.environment)", metadata: metadata)
        }
        var launch = AttemptLaunch(key: claimed.key, executable: executable(spec.command.first ?? ""), command: spec.command,
                                   environment: environment, workingDirectory: workingDirectory,
                                   logPath: store.logPath(ofJob: id, attempt: attempt),
                                   timeoutSeconds: spec.attemptDurationSeconds.map(Double.init), graceSeconds: options.killGraceSeconds,
                                   room: room(of: claimed), need: claimed.need)
        if let slurm = environments[claimed.environment]?.slurm {
            launch.cluster = clusterLaunch(claimed, spec: spec, slurm: slurm)
            launch.cluster?.waitsOn = claimed.waitsOn
            // Its dependants may now wait on it in the cluster.
            lastHandOver = min(lastHandOver, clock.monotonicSeconds() - 0.8)
            if spec.command.first == "drover", let own = Executables.own { launch.command[0] = own }
        }
        executor.launch(launch)
        if let stopKind = claimed.stopKind {
            // Asked to stop while its claim was being written.
            running[id]?.termSentAt = nil
            stop(id, kind: stopKind, now: clock.monotonicSeconds())
        }
    }

    /// What the tasks of an attempt on a Slurm partition get beyond what `sbatch` passes on from the engine's own
    /// environment: the attempt, queue, environment and array size, and the definition's variables.
    func clusterLaunch(_ claimed: RunningAttempt, spec: JobSpec, slurm: SlurmSettings) -> ClusterLaunch {
        var variables = [JobVariable("AWS_BATCH_JOB_ATTEMPT", "\(claimed.attempt)"), JobVariable("AWS_BATCH_JQ_NAME", spec.jobQueue),
                         JobVariable("AWS_BATCH_CE_NAME", claimed.environment)]
        if JobID.split(claimed.id).index != nil, let size = spec.arraySize {
            variables.append(JobVariable("AWS_BATCH_JOB_ARRAY_SIZE", "\(size)"))
        }
        variables += traceVariables(claimed.id, attempt: claimed.attempt, spec: spec).map { JobVariable($0.name, $0.value) }
        variables += spec.environment.map { JobVariable($0.name, $0.value) }
        return ClusterLaunch(slurm: slurm, environment: claimed.environment, jobName: spec.jobName, variables: variables)
    }

    /// `TRACEPARENT` (the attempt's span) and `TRACESTATE` for an attempt, by OpenTelemetry's environment-variable
    /// carrier; the definition's own values of them win (``JobTrace/variables(attempt:besides:)``).
    func traceVariables(_ id: String, attempt: Int, spec: JobSpec) -> [(name: String, value: String)] {
        spec.trace(ofJob: id).variables(attempt: attempt, besides: Set(spec.environment.map(\.name)))
    }

    /// The local environment whose room an attempt takes (nil on a simulated instance or a cluster).
    func room(of attempt: RunningAttempt) -> (name: String, capacity: ResourceNeed)? {
        guard attempt.instance == nil, let environment = environments[attempt.environment], simulator.fleets[attempt.environment] == nil,
              !environment.isCluster else { return nil }
        return (attempt.environment, ResourceNeed(vcpus: environment.maxvCpus, memory: options.memoryMiB))
    }

    /// Where PATH finds `name`, remembered until the next refresh (so each start tries one file,
    /// not every PATH entry).
    func executable(_ name: String) -> String? {
        if let known = executables[name] { return known }
        // `drover` in a job's command is this very binary (the built-in image pipeline, for one).
        if name == "drover", let own = Executables.own {
            executables[name] = own
            return own
        }
        let found = Executables.resolve(name, searchPath: baseEnvironment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin")
        executables[name] = found
        return found
    }

    /// The inherited environment with the definition's variables on top, cached per job.
    func jobEnvironment(top: String, spec: JobSpec) -> [String] {
        if let cached = environmentCache[top] { return cached }
        var merged = baseEnvironment
        for pair in spec.environment { merged[pair.name] = pair.value }
        let list = merged.map { "\($0.key)=\($0.value)" }
        if environmentCache.count > 1000 { environmentCache.removeAll() }
        environmentCache[top] = list
        return list
    }

    func nextWake(now: Double, lastPoll: Double) -> Double {
        var wake = lastPoll + options.pollInterval
        if let event = simulator.nextEvent() { wake = min(wake, event) }
        if startsPausedUntil > now { wake = min(wake, startsPausedUntil) }
        return max(0, wake - now)
    }
}
