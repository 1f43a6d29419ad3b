import DroverCore
@testable import DroverEngine
import DroverStore
import Foundation
import Testing

/// The engine in-process, with a fake executor: claims are written before attempts start, what a
/// restart finds is adopted or recorded as it really ended, and outcomes map to AWS's states.
struct EngineTests {
    /// A store in a temporary folder with one queue `q` in front of environment `local`.
    static func store(maxvCpus: Int = 2) throws -> (Store, URL) {
        try store(setup: basicEnvironment(maxvCpus: maxvCpus) + """
            jobDefinitions:
              - jobDefinitionName: work
                containerProperties: {command: [work], vcpus: 1}
                retryStrategy: {attempts: 2}

            """)
    }

    /// A store in a temporary folder with the resources of `setup` applied.
    static func store(setup: String) throws -> (Store, URL) {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("drover-engine-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let file = folder.appendingPathComponent("setup.yaml")
        try setup.write(to: file, atomically: true, encoding: .utf8)
        let store = try Store(directory: folder.appendingPathComponent("state"))
        _ = try store.apply(try DocumentLoader.load(path: file.path))
        return (store, folder)
    }

    static func submit(_ store: Store, arraySize: Int? = nil) throws -> String {
        try store.submit([SubmitJobRequest(jobName: "work", jobQueue: "default", jobDefinition: "work", arraySize: arraySize)])[0].jobId
    }

    /// Runs the engine until every job is finished (or `seconds` pass, then stops it).
    static func runToEnd(_ engine: Engine, _ store: Store, seconds: Double = 30) throws {
        let deadline = Date().addingTimeInterval(seconds)
        try engine.run { try store.countActive() == 0 || Date() > deadline }
    }

    // MARK: - Outcomes

    @Test(arguments: [
        (ProcessExit(key: key, exitCode: 0), nil, JobStatus.succeeded, true, Reasons.containerExited),
        (ProcessExit(key: key, exitCode: 3), nil, .failed, true, Reasons.containerExited),
        (ProcessExit(key: key, signal: SIGKILL), nil, .failed, true, Reasons.containerExited),
        (timedOut(ProcessExit(key: key, signal: SIGTERM)), nil, .failed, true, Reasons.timeout),
        (lost(ProcessExit(key: key)), nil, .failed, true, Reasons.engineRestarted),
        (ProcessExit(key: key, signal: SIGTERM), .terminate(reason: "Operator stopped it"), .failed, true, "Operator stopped it"),
        (ProcessExit(key: key, signal: SIGTERM), .interrupted(instance: "i-0123", experiment: nil), .failed, true, Reasons.hostTerminated(instance: "i-0123")),
        (ProcessExit(key: key, exitCode: 0), .interrupted(instance: "i-0123", experiment: nil), .succeeded, true, Reasons.containerExited),
        (ProcessExit(key: key, signal: SIGTERM), .shutdown, .runnable, false, "Stopped when the engine shut down; the job will run again"),
        // It had ended successfully when the stop came (a cluster task between two looks at squeue): it is done.
        (ProcessExit(key: key, exitCode: 0), .shutdown, .succeeded, true, Reasons.containerExited),
        (neverStarted(ProcessExit(key: key)), nil, .runnable, false, "Stopped before it started; the job will run again"),
        (neverStarted(ProcessExit(key: key)), .terminate(reason: "Operator stopped it"), .failed, true, "Operator stopped it"),
        (transient(ProcessExit(key: key, launchError: "cannot open the log file: No space left on device")), nil, .runnable, false,
         "Task failed to start; the job will be started again"),
        (ProcessExit(key: key, launchError: "cannot run 'nope': No such file or directory"), nil, .failed, true, "Task failed to start"),
    ] as [(ProcessExit, RunningAttempt.StopKind?, JobStatus, Bool, String)])
    func outcomes(exit: ProcessExit, stop: RunningAttempt.StopKind?, status: JobStatus, counts: Bool, reason: String) throws {
        let (outcome, counted) = try #require(Engine.outcome(of: exit, stop: stop))
        #expect(counted == counts)
        #expect(outcome.statusReason == reason)
        if counts {
            // With one attempt allowed, the retry rules give the final state.
            let decision = RetryDecision.decide(strategy: nil, outcome: outcome, attemptsUsed: 1, interruptionsUsed: 0)
            #expect((decision == .succeed ? JobStatus.succeeded : .failed) == status)
        }
    }

    /// `container.reason` only where AWS sets one: a command that cannot start, an out-of-memory kill.
    @Test(arguments: [
        (ProcessExit(key: key, exitCode: 3), nil, nil),
        (ProcessExit(key: key, signal: SIGKILL), nil, nil),
        (ProcessExit(key: key, signal: SIGSEGV), nil, nil),
        (timedOut(ProcessExit(key: key, signal: SIGTERM)), nil, nil),
        (ProcessExit(key: key, signal: SIGTERM), .timeout, nil),
        (ProcessExit(key: key, signal: SIGTERM), .terminate(reason: "Operator stopped it"), nil),
        (ProcessExit(key: key, signal: SIGKILL), .interrupted(instance: "i-0123", experiment: nil), nil),
        (ProcessExit(key: key, signal: SIGKILL), .outOfMemory, Reasons.outOfMemory),
        (ProcessExit(key: key, launchError: "cannot run 'nope': No such file or directory"), nil,
         "CannotStartContainerError: cannot run 'nope': No such file or directory"),
    ] as [(ProcessExit, RunningAttempt.StopKind?, String?)])
    func containerReasonOnlyWhereAWSSetsOne(exit: ProcessExit, stop: RunningAttempt.StopKind?, reason: String?) throws {
        let (outcome, _) = try #require(Engine.outcome(of: exit, stop: stop))
        #expect(outcome.reason == reason)
    }

    static let key = AttemptKey(jobId: "j", attempt: 1)
    static func timedOut(_ exit: ProcessExit) -> ProcessExit { var exit = exit; exit.timedOut = true; return exit }
    static func lost(_ exit: ProcessExit) -> ProcessExit { var exit = exit; exit.lost = true; return exit }
    static func neverStarted(_ exit: ProcessExit) -> ProcessExit { var exit = exit; exit.neverStarted = true; return exit }
    static func transient(_ exit: ProcessExit) -> ProcessExit { var exit = exit; exit.transient = true; return exit }

    // MARK: - Claims

    @Test func everyAttemptIsClaimedInTheStoreBeforeItStarts() throws {
        let (store, folder) = try Self.store(maxvCpus: 4)
        defer { try? FileManager.default.removeItem(at: folder) }
        let id = try Self.submit(store, arraySize: 200)
        let executor = FakeExecutor()
        var unclaimed: [String] = []
        executor.onLaunch = { launch in
            let job = try? store.job(launch.key.jobId)
            if job?.status != .starting || job?.attempts != launch.key.attempt { unclaimed.append("\(launch.key.jobId): \(String(describing: job?.status))") }
        }
        let engine = Engine(store: store, executor: executor)
        try Self.runToEnd(engine, store)
        #expect(unclaimed.isEmpty, "started before their claim was written: \(unclaimed.prefix(5))")
        #expect(try store.job(id)?.status == .succeeded)
        #expect(executor.launches.count == 200)
        #expect(Set(executor.launches.map(\.key.jobId)).count == 200, "no job started twice")
        #expect(Set(executor.acknowledged.map(\.jobId)).count == 200, "every exit acknowledged once written")
    }

    @Test func aCancelRacingTheEngineNeverCancelsAStartedJob() throws {
        let (store, folder) = try Self.store(maxvCpus: 4)
        defer { try? FileManager.default.removeItem(at: folder) }
        let id = try Self.submit(store, arraySize: 300)
        let executor = FakeExecutor()
        executor.onLaunch = { _ in
            if executor.launches.count == 40 { _ = try? store.cancel(id, reason: Reasons.cancelledByUser) }
        }
        try Self.runToEnd(Engine(store: store, executor: executor), store)
        let launched = Set(executor.launches.map(\.key.jobId))
        var cancelled = 0
        for index in 0..<300 {
            let child = try #require(try store.job("\(id):\(index)"))
            if child.statusReason == Reasons.cancelledByUser {
                cancelled += 1
                #expect(!launched.contains(child.jobId) && child.attempts == 0, "\(child.jobId) recorded cancelled but started")
            } else {
                #expect(launched.contains(child.jobId) && child.status == .succeeded)
            }
        }
        #expect(cancelled > 200)
    }

    @Test func capacityHoldsWhileAttemptsRun() throws {
        let (store, folder) = try Self.store(maxvCpus: 3)
        defer { try? FileManager.default.removeItem(at: folder) }
        _ = try Self.submit(store, arraySize: 40)
        let executor = FakeExecutor()
        executor.script = { _ in .hang }
        let engine = Engine(store: store, executor: executor)
        let deadline = Date().addingTimeInterval(5)
        try engine.run { Date() > deadline || executor.launches.count > 15 }
        // Three run; four environments' worth more (12) are claimed ahead (STARTING) and wait in the
        // executor for room.
        #expect(executor.launches.count == 15)
        #expect(executor.running.count == 3)
        #expect(executor.launches.allSatisfy { $0.room?.capacity.vcpus == 3 && $0.need.vcpus == 1 })
    }

    // MARK: - Taking over

    /// A job left in `status` (its attempt 1 claimed, with or without a process) by an engine that died.
    static func orphan(_ store: Store, running: Bool) throws -> String {
        let id = try submit(store)
        var batch = EngineBatch()
        batch.claims = [(RunnableJob(id: id, attempts: 0), "local")]
        if running { batch.started = [AttemptStart(id: id, attempt: 1, pid: 4242, at: nowMillis())] }
        _ = try store.commit(batch)
        return id
    }

    /// An attempt held on a cluster ahead of its dependencies is taken off it by the next engine; should the cluster
    /// start it just then, the stop is the engine's doing: not counted, and the job runs again once its partner is done.
    @Test func aHeldAttemptStartedAsTheNextEngineTakesItOffIsNotCounted() throws {
        let (store, folder) = try Self.store(setup: basicEnvironment() + """
            jobDefinitions:
              - jobDefinitionName: work
                containerProperties: {command: [work], vcpus: 1}

            """)
        defer { try? FileManager.default.removeItem(at: folder) }
        let jobs = try store.submit([SubmitJobRequest(jobName: "a", jobQueue: "default", jobDefinition: "work"),
                                     SubmitJobRequest(jobName: "b", jobQueue: "default", jobDefinition: "work", dependsOn: [JobDependency(jobName: "a")])])
        let (partner, dependant) = (jobs[0].jobId, jobs[1].jobId)
        var batch = EngineBatch()
        batch.claims = [(RunnableJob(id: partner, attempts: 0), "local")]
        batch.holds = [(RunnableJob(id: dependant, attempts: 0), "local")]
        batch.started = [AttemptStart(id: partner, attempt: 1, pid: 4242, at: nowMillis())]
        _ = try store.commit(batch)
        let executor = FakeExecutor()
        let (partnerKey, heldKey) = (AttemptKey(jobId: partner, attempt: 1), AttemptKey(jobId: dependant, attempt: 1))
        executor.inherited.running[partnerKey] = InheritedProcess(pid: 4242, startedAt: nowMillis())
        executor.inherited.running[heldKey] = InheritedProcess(pid: nil, startedAt: nil)
        executor.startsWhenStopped = [heldKey]
        let engine = Engine(store: store, executor: executor)
        var ended = false
        let deadline = Date().addingTimeInterval(10)
        try engine.run {
            if !ended, engine.running[partner]?.launched == true, executor.signals.contains(where: { $0.key == heldKey }) {
                ended = true
                executor.finish(partnerKey, ProcessExit(key: partnerKey, exitCode: 0, endedAt: nowMillis()))
            }
            return try store.countActive() == 0 || Date() > deadline
        }
        let job = try #require(try store.job(dependant))
        #expect(job.status == .succeeded && job.attempts == 1, "\(job.status) \(job.statusReason ?? "")")
        #expect(executor.launches.map(\.key) == [heldKey], "run again once its partner succeeded")
    }

    @Test func aRunningAttemptThatOutlivedItsEngineIsAdoptedNotStartedAgain() throws {
        let (store, folder) = try Self.store()
        defer { try? FileManager.default.removeItem(at: folder) }
        let id = try Self.orphan(store, running: true)
        let executor = FakeExecutor()
        let key = AttemptKey(jobId: id, attempt: 1)
        executor.inherited.running[key] = InheritedProcess(pid: 4242, startedAt: nowMillis())
        let engine = Engine(store: store, executor: executor)
        var ended = false
        try engine.run {
            if !ended, engine.running[id]?.launched == true {
                ended = true
                executor.finish(key, ProcessExit(key: key, exitCode: 5, endedAt: nowMillis()))
            }
            return try store.countActive() == 0
        }
        // Exit 5 with attempts: 2 → retried once: the only launch is attempt 2.
        #expect(executor.launches.map(\.key) == [AttemptKey(jobId: id, attempt: 2)])
        let job = try #require(try store.job(id))
        #expect(try store.attempts(id).first?.exitCode == 5)
        #expect(job.status == .succeeded && job.attempts == 2)
    }

    @Test(arguments: [true, false])
    func anExitThatHappenedWhileNoEngineRanIsRecorded(running: Bool) throws {
        let (store, folder) = try Self.store()
        defer { try? FileManager.default.removeItem(at: folder) }
        let id = try Self.orphan(store, running: running)
        let executor = FakeExecutor()
        let key = AttemptKey(jobId: id, attempt: 1)
        executor.inherited.exits[key] = ProcessExit(key: key, exitCode: 0, endedAt: 1_700_000_000_000)
        try Self.runToEnd(Engine(store: store, executor: executor), store)
        let job = try #require(try store.job(id))
        #expect(job.status == .succeeded && job.attempts == 1)
        #expect(job.stoppedAt == 1_700_000_000_000, "the real end time")
        #expect(executor.launches.isEmpty)
        #expect(executor.acknowledged.contains(key))
    }

    @Test func aClaimWhoseProcessNeverStartedGoesBackUncounted() throws {
        let (store, folder) = try Self.store()
        defer { try? FileManager.default.removeItem(at: folder) }
        let id = try Self.orphan(store, running: false)
        let executor = FakeExecutor()
        try Self.runToEnd(Engine(store: store, executor: executor), store)
        #expect(executor.launches.map(\.key) == [AttemptKey(jobId: id, attempt: 1)], "started again as attempt 1")
        #expect(try store.job(id)?.status == .succeeded)
    }

    @Test func anAttemptLostWithItsSupervisorIsReclaimedAndRecorded() throws {
        let (store, folder) = try Self.store()
        defer { try? FileManager.default.removeItem(at: folder) }
        let id = try Self.orphan(store, running: true)
        let executor = FakeExecutor()
        try Self.runToEnd(Engine(store: store, executor: executor), store)
        #expect(executor.reclaimed == [AttemptKey(jobId: id, attempt: 1)], "whatever was left of it is killed first")
        let attempts = try store.attempts(id)
        #expect(attempts.first?.statusReason == Reasons.engineRestarted)
        #expect(try store.job(id)?.status == .succeeded && attempts.count == 2, "retried per its rules")
    }

    @Test func aProcessTheStoreDoesNotExpectIsKilled() throws {
        let (store, folder) = try Self.store()
        defer { try? FileManager.default.removeItem(at: folder) }
        let executor = FakeExecutor()
        let stray = AttemptKey(jobId: "gone", attempt: 3)
        executor.inherited.running[stray] = InheritedProcess(pid: 777, startedAt: nowMillis())
        try Self.runToEnd(Engine(store: store, executor: executor), store)
        #expect(executor.signals.contains { $0.0 == stray && $0.1 == SIGKILL })
    }

    @Test func aTransientStartFailureDoesNotUseAnAttempt() throws {
        let (store, folder) = try Self.store()
        defer { try? FileManager.default.removeItem(at: folder) }
        let id = try Self.submit(store)
        let executor = FakeExecutor()
        var failures = 0
        executor.script = { _ in
            failures += 1
            return failures <= 3 ? .cannotStart("cannot open the log file: No space left on device", transient: true) : .exit(0)
        }
        try Self.runToEnd(Engine(store: store, executor: executor), store)
        let job = try #require(try store.job(id))
        #expect(job.status == .succeeded)
        #expect(job.attempts == 1, "three failures to start cost no attempt")
        #expect(executor.launches.count == 4)
    }

    // MARK: - Time, from a test clock

    @Test func aTerminateRequestSendsTermWithTheGracePeriodAsKillAfter() throws {
        let (store, folder) = try Self.store()
        defer { try? FileManager.default.removeItem(at: folder) }
        let id = try Self.submit(store)
        let clock = TestClock()
        let executor = FakeExecutor()
        executor.clock = clock
        executor.script = { _ in .hang }
        executor.onLaunch = { launch in
            _ = try? store.terminate(launch.key.jobId, reason: "Operator stopped it")
            // Terminate requests are read once a poll interval (an hour here) has passed on the engine's clock.
            clock.advance(by: 3600)
        }
        var options = EngineOptions()
        options.clock = clock
        options.pollInterval = 3600
        options.killGraceSeconds = 7
        try Self.runToEnd(Engine(store: store, options: options, executor: executor), store)
        #expect(executor.signals.map(\.signal) == [SIGTERM])
        #expect(executor.signals.first?.killAfter == 7, "SIGKILL follows after the grace period")
        let job = try #require(try store.job(id))
        #expect(job.status == .failed && job.statusReason == "Operator stopped it")
        let expected: EpochMillis = 1_700_000_000_000 + 3_600_000
        #expect(job.stoppedAt == expected, "times come from the clock")
    }

    /// Queue `default` in front of environment `ce` (`computeResources: environment`), cancelling jobs
    /// RUNNABLE with `reason` for 600 s, and definition `work` (1 vCPU); more definitions may follow.
    static func limited(environment: String, on reason: String) -> String {
        """
        computeEnvironments:
          - {computeEnvironmentName: ce, computeResources: \(environment)}
        jobQueues:
          - jobQueueName: default
            priority: 10
            computeEnvironmentOrder: [{order: 1, computeEnvironment: ce}]
            jobStateTimeLimitActions: [{reason: "\(reason)", state: RUNNABLE, maxTimeSeconds: 600, action: CANCEL}]
        jobDefinitions:
          - {jobDefinitionName: work, containerProperties: {command: [work], vcpus: 1}}

        """
    }

    /// A queue whose only environment can never hold a job, with `jobStateTimeLimitActions`: the job
    /// stays RUNNABLE with AWS's reason for 600 s of the engine's clock, then is cancelled, while the
    /// job behind it runs.
    @Test func aJobRunnableTooLongWithItsReasonIsCancelledByItsQueuesAction() throws {
        let (store, folder) = try Self.store(setup: Self.limited(environment: "{type: EC2, maxvCpus: 2}",
                                                                 on: "MISCONFIGURATION:COMPUTE_ENVIRONMENT_MAX_RESOURCE") + """
              - {jobDefinitionName: big, containerProperties: {command: [work], vcpus: 8}}
            """)
        defer { try? FileManager.default.removeItem(at: folder) }
        let ids = try store.submit([SubmitJobRequest(jobName: "big", jobQueue: "default", jobDefinition: "big"),
                                    SubmitJobRequest(jobName: "small", jobQueue: "default", jobDefinition: "work")]).map(\.jobId)
        let (big, small) = (ids[0], ids[1])
        let clock = TestClock()
        let executor = FakeExecutor()
        executor.clock = clock
        var options = EngineOptions()
        options.clock = clock
        var checks = 0
        var runnableAt599 = false
        let deadline = Date().addingTimeInterval(30)
        try Engine(store: store, options: options, executor: executor).run {
            let job = try store.job(big)
            if checks == 0, job?.statusReason?.hasPrefix("MISCONFIGURATION:COMPUTE_ENVIRONMENT_MAX_RESOURCE - ") == true {
                checks = 1
                clock.advance(by: 599)
            } else if checks > 0 && checks < 10 {
                // The engine polls and looks at the actions while the clock stands at 599 s.
                checks += 1
                if checks == 10 {
                    runnableAt599 = job?.status == .runnable
                    clock.advance(by: 2)
                }
            }
            return job?.status == .failed || Date() > deadline
        }
        #expect(runnableAt599, "not before maxTimeSeconds")
        let job = try #require(try store.job(big))
        #expect(job.status == .failed)
        #expect(job.statusReason == "Canceled by JobStateTimeLimit action due to reason: MISCONFIGURATION:COMPUTE_ENVIRONMENT_MAX_RESOURCE")
        let expected: EpochMillis = 1_700_000_000_000 + 601_000
        #expect(job.stoppedAt == expected, "at the engine's time")
        #expect(job.attempts == 0 && executor.launches.map(\.key.jobId) == [small], "it never ran; the job behind it did")
        #expect(try store.job(small)?.status == .succeeded)
        #expect(try store.jobViews([big]).first?.stoppedBy == .cancel)
    }

    /// The job that holds up its queue for want of spot capacity gets AWS's capacity reason, which a
    /// `jobStateTimeLimitActions` entry acts on; the next job then holds up the queue in its turn.
    @Test func aJobWaitingForSpotCapacityIsCancelledAfterItsTime() throws {
        let (store, folder) = try Self.store(setup: Self.limited(
            environment: "{type: SPOT, maxvCpus: 8, instanceTypes: [c5.large]}, simulation: {capacityShortages: [{at: 0, duration: 10h}]}",
            on: "CAPACITY:INSUFFICIENT_INSTANCE_CAPACITY"))
        defer { try? FileManager.default.removeItem(at: folder) }
        let ids = try store.submit([SubmitJobRequest(jobName: "first", jobQueue: "default", jobDefinition: "work"),
                                    SubmitJobRequest(jobName: "second", jobQueue: "default", jobDefinition: "work")]).map(\.jobId)
        let clock = TestClock()
        let executor = FakeExecutor()
        executor.clock = clock
        var options = EngineOptions()
        options.clock = clock
        var advanced = false
        var secondWaitedSilently = false
        let deadline = Date().addingTimeInterval(30)
        try Engine(store: store, options: options, executor: executor).run {
            let first = try store.job(ids[0]), second = try store.job(ids[1])
            if !advanced, first?.statusReason != nil {
                advanced = true
                secondWaitedSilently = second?.statusReason == nil
                clock.advance(by: 601)
            }
            return (first?.status == .failed && second?.statusReason != nil) || Date() > deadline
        }
        #expect(secondWaitedSilently, "only the job that holds up the queue has the reason")
        let first = try #require(try store.job(ids[0]))
        #expect(first.status == .failed)
        #expect(first.statusReason == "Canceled by JobStateTimeLimit action due to reason: CAPACITY:INSUFFICIENT_INSTANCE_CAPACITY")
        let second = try #require(try store.job(ids[1]))
        #expect(second.status == .runnable)
        #expect(second.statusReason?.hasPrefix("""
            CAPACITY:INSUFFICIENT_INSTANCE_CAPACITY - Service cannot fulfill the capacity requested for instance type c5.large. \
            No spot capacity in ce
            """) == true)
        #expect(executor.launches.isEmpty)
    }

    @Test func aTransientStartFailurePausesStartsUntilTheClockPassesTheBackoff() throws {
        let (store, folder) = try Self.store()
        defer { try? FileManager.default.removeItem(at: folder) }
        let id = try Self.submit(store)
        let clock = TestClock()
        let executor = FakeExecutor()
        executor.clock = clock
        var checks = 0
        var secondLaunchAt: Int?
        executor.script = { _ in
            if executor.launches.count == 1 { return .cannotStart("cannot open the log file: No space left on device", transient: true) }
            secondLaunchAt = checks
            return .exit(0)
        }
        var options = EngineOptions()
        options.clock = clock
        let deadline = Date().addingTimeInterval(30)
        try Engine(store: store, options: options, executor: executor).run {
            // Checked once a loop while nothing runs: the first start failed, the next waits 0.05 s.
            if executor.launches.count == 1 {
                checks += 1
                if checks == 5 { clock.advance(by: 0.04) }
                if checks == 10 { clock.advance(by: 0.02) }
            }
            return try store.countActive() == 0 || Date() > deadline
        }
        #expect(secondLaunchAt == 10, "no start while the clock stood still or stayed within the backoff")
        #expect(executor.launches.count == 2)
        #expect(try store.job(id)?.status == .succeeded)
    }
}
