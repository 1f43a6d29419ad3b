import DroverCore
import DroverStore
import Foundation
import Testing

/// The store's transitions without processes: apply, submit, dependencies, arrays, cancel.
struct StoreTests {
    let sandbox: Sandbox
    let store: Store

    init() throws {
        sandbox = try Sandbox()
        store = try sandbox.store()
        let file = try DocumentLoader.parse(text: basicEnvironment() + """
            jobDefinitions:
              - jobDefinitionName: work
                containerProperties: {command: [true]}
                retryStrategy: {attempts: 2}
            """, path: "env.yaml")
        try store.apply(file)
    }

    /// Claims a RUNNABLE job and finishes its attempt with `exitCode`, as the engine would.
    func run(_ id: String, exitCode: Int32) throws {
        let job = try #require(try store.job(id))
        #expect(job.status == .runnable, "\(id) should be RUNNABLE, is \(job.status)")
        var claim = EngineBatch()
        claim.claims = [(RunnableJob(id: id, attempts: job.attempts), "local")]
        #expect(try store.commit(claim).claimed.count == 1)
        var finish = EngineBatch()
        finish.finished = [FinishedAttempt(id: id, attempt: job.attempts + 1, outcome: .exited(exitCode), at: nowMillis())]
        _ = try store.commit(finish)
    }

    func status(_ id: String) throws -> JobStatus? { try store.job(id)?.status }

    func request(_ name: String, size: Int? = nil, dependsOn: [JobDependency]? = nil) -> SubmitJobRequest {
        SubmitJobRequest(jobName: name, jobQueue: "default", jobDefinition: "work", arraySize: size, dependsOn: dependsOn)
    }

    @Test func applyIsAtomic() throws {
        let bad = try DocumentLoader.parse(text: """
            computeEnvironments:
              - computeEnvironmentName: extra
            jobQueues:
              - jobQueueName: broken
                priority: 1
                computeEnvironmentOrder: [{order: 1, computeEnvironment: nowhere}]
            """, path: "bad.yaml")
        let error = #expect(throws: DroverError.self) { try store.apply(bad) }
        #expect(error?.message.contains("unknown compute environment 'nowhere'") == true)
        #expect(try store.computeEnvironments().map(\.computeEnvironmentName) == ["local"])
        #expect(try store.jobQueues().map(\.jobQueueName) == ["default"])
    }

    @Test func definitionsGetRevisions() throws {
        let again = try DocumentLoader.parse(text: "jobDefinitionName: work\ncontainerProperties: {command: [true]}\nretryStrategy: {attempts: 2}\n", path: "a.yaml")
        #expect(try store.apply(again).changes == ["unchanged job definition work:1"])
        let changed = try DocumentLoader.parse(text: "jobDefinitionName: work\ncontainerProperties: {command: [echo, two]}\n", path: "b.yaml")
        #expect(try store.apply(changed).changes == ["registered job definition work:2"])
        let latest = try store.submit([request("a")])[0]
        #expect(try store.spec(ofJob: latest.jobId).command == ["echo", "two"])
        var pinned = request("b")
        pinned.jobDefinition = "work:1"
        let first = try store.submit([pinned])[0]
        #expect(try store.spec(ofJob: first.jobId).command == ["true"])
    }

    @Test func submitRefusesBadRequestsAndChangesNothing() throws {
        var disabled = try DocumentLoader.parse(text: """
            jobQueues:
              - jobQueueName: off
                state: DISABLED
                priority: 1
                computeEnvironmentOrder: [{order: 1, computeEnvironment: local}]
            """, path: "off.yaml")
        try store.apply(disabled)
        disabled = ResourceFile(path: "")
        let cases: [(SubmitJobRequest, String)] = [
            (SubmitJobRequest(jobName: "a", jobQueue: "nope", jobDefinition: "work"), "unknown job queue 'nope'"),
            (SubmitJobRequest(jobName: "a", jobQueue: "off", jobDefinition: "work"), "is DISABLED"),
            (SubmitJobRequest(jobName: "a", jobQueue: "default", jobDefinition: "missing"), "unknown job definition 'missing'"),
            (request("a", dependsOn: [JobDependency(jobId: "zzzzzzzz")]), "unknown job 'zzzzzzzz'"),
            (request("a", size: 1), "arrayProperties.size: must be between 2 and 1000000"),
            (request("a", size: 1_000_001), "must be between 2 and 1000000"),
        ]
        for (request, message) in cases {
            let error = #expect(throws: DroverError.self) { try store.submit([request, self.request("fine")]) }
            #expect(error?.message.contains(message) == true, "\(error?.message ?? "") should mention \(message)")
        }
        let cycle = [request("x", dependsOn: [JobDependency(jobName: "y")]), request("y", dependsOn: [JobDependency(jobName: "x")])]
        let error = #expect(throws: DroverError.self) { try store.submit(cycle) }
        #expect(error?.message.contains("circular dependency: x -> y -> x") == true)
        #expect(try store.jobs(JobFilter(all: true)).isEmpty)
    }

    @Test func plainDependencyWaitsThenReleasesOrFails() throws {
        let jobs = try store.submit([request("a"), request("b", dependsOn: [JobDependency(jobName: "a")]),
                                     request("c", dependsOn: [JobDependency(jobName: "b")])])
        let (a, b, c) = (jobs[0].jobId, jobs[1].jobId, jobs[2].jobId)
        #expect(try status(a) == .runnable)
        #expect(try status(b) == .pending)
        try run(a, exitCode: 0)
        #expect(try status(b) == .runnable)
        try run(b, exitCode: 1)
        try run(b, exitCode: 1)
        #expect(try status(b) == .failed)
        #expect(try status(c) == .failed)
        #expect(try store.job(c)?.statusReason == Reasons.dependentJobFailed)
    }

    @Test func nToNChildrenFollowTheirPartners() throws {
        let jobs = try store.submit([request("a", size: 3), request("b", size: 3, dependsOn: [JobDependency(jobName: "a", type: .nToN)])])
        let (a, b) = (jobs[0].jobId, jobs[1].jobId)
        #expect(try (0..<3).map { try status("\(b):\($0)") } == [.pending, .pending, .pending])
        try run("\(a):1", exitCode: 0)
        #expect(try status("\(b):1") == .runnable)
        #expect(try status("\(b):0") == .pending)
        try run("\(a):2", exitCode: 7)
        try run("\(a):2", exitCode: 7)
        #expect(try status("\(b):2") == .failed)
        try run("\(a):0", exitCode: 0)
        try run("\(b):0", exitCode: 0)
        try run("\(b):1", exitCode: 0)
        #expect(try status(a) == .failed)
        #expect(try status(b) == .failed)
        #expect(try store.childSummary(b).counts == [.succeeded: 2, .failed: 1])
    }

    @Test func sequentialChildrenRunInOrder() throws {
        let id = try store.submit([request("s", size: 4, dependsOn: [JobDependency(type: .sequential)])])[0].jobId
        #expect(try (0..<4).map { try status("\(id):\($0)") } == [.runnable, .pending, .pending, .pending])
        try run("\(id):0", exitCode: 0)
        #expect(try status("\(id):1") == .runnable && status("\(id):2") == .pending)
        try run("\(id):1", exitCode: 2)
        try run("\(id):1", exitCode: 2)
        #expect(try status("\(id):2") == .failed && status("\(id):3") == .failed)
        #expect(try status(id) == .failed)
    }

    @Test func dependingOnAnArrayWaitsForAllChildren() throws {
        let jobs = try store.submit([request("a", size: 2), request("after", dependsOn: [JobDependency(jobName: "a")])])
        try run("\(jobs[0].jobId):0", exitCode: 0)
        #expect(try status(jobs[1].jobId) == .pending)
        try run("\(jobs[0].jobId):1", exitCode: 0)
        #expect(try status(jobs[0].jobId) == .succeeded)
        #expect(try status(jobs[1].jobId) == .runnable)
    }

    @Test func dependingOnAFinishedJob() throws {
        let a = try store.submit([request("a")])[0].jobId
        try run(a, exitCode: 0)
        let b = try store.submit([request("b", dependsOn: [JobDependency(jobId: a)])])[0].jobId
        #expect(try status(b) == .runnable)
    }

    @Test func cancelAndTerminateFollowAws() throws {
        let jobs = try store.submit([request("runs"), request("waits"), request("array", size: 3)])
        let (runs, waits, array) = (jobs[0].jobId, jobs[1].jobId, jobs[2].jobId)
        var claim = EngineBatch()
        claim.claims = [(RunnableJob(id: runs, attempts: 0), "local")]
        _ = try store.commit(claim)
        #expect(try store.cancel(runs, reason: "nope") == StopResult(stopped: 0, terminating: 0, untouched: 1))
        #expect(try status(runs) == .starting)
        #expect(try store.cancel(waits, reason: "not needed") == StopResult(stopped: 1))
        #expect(try store.job(waits)?.statusReason == "not needed")
        #expect(try store.terminate(runs, reason: "stop now") == StopResult(terminating: 1))
        #expect(try store.terminateRequests().map(\.reason) == ["stop now"])
        #expect(try store.cancel(array, reason: "all of them").stopped == 3)
        #expect(try status(array) == .failed)
        #expect(throws: DroverError.self) { try store.cancel("unknown1", reason: "x") }
    }

    /// A terminate request written while the attempt was ending, before the engine acted on it.
    @Test(arguments: [(Int32(3), JobStatus.failed, StopKind?.some(.terminate)), (0, .succeeded, nil)])
    func aTerminateRequestTheEngineHadNotActedOnStillEndsTheJob(exitCode: Int32, status: JobStatus, stoppedBy: StopKind?) throws {
        let id = try store.submit([request("runs")])[0].jobId
        var claim = EngineBatch()
        claim.claims = [(RunnableJob(id: id, attempts: 0), "local")]
        _ = try store.commit(claim)
        #expect(try store.terminate(id, reason: "stop now") == StopResult(terminating: 1))
        var finish = EngineBatch()
        finish.finished = [FinishedAttempt(id: id, attempt: 1, outcome: .exited(exitCode), at: nowMillis())]
        _ = try store.commit(finish)
        let job = try #require(try store.job(id))
        // attempts: 2 would retry exit 3; a terminated job is not retried.
        #expect(job.status == status && job.attempts == 1)
        #expect(try store.jobViews([id]).first?.stoppedBy == stoppedBy, "isTerminated only when the request ended it")
        if status == .failed {
            #expect(try job.statusReason == "stop now" && store.attempts(id).first?.statusReason == "stop now")
        }
    }

    /// CancelJob on a large array holds the store's write lock, and every request waiting on it, for about as long as
    /// submitting the array took (a statement per child made it five times longer: a minute for a million children).
    /// Measured against the submit in the same run, so that a slow machine slows both.
    @Test func cancellingALargeArrayCostsAboutWhatSubmittingItDid() throws {
        let size = 200_000
        let submitStart = Date()
        let array = try store.submit([request("large", size: size)])[0].jobId
        let submitted = Date().timeIntervalSince(submitStart)
        let cancelStart = Date()
        #expect(try store.cancel(array, reason: "too large") == StopResult(stopped: size))
        let cancelled = Date().timeIntervalSince(cancelStart)
        #expect(cancelled < max(2 * submitted, 1), "cancel took \(cancelled) s, submit \(submitted) s")
        #expect(try status(array) == .failed && status("\(array):\(size - 1)") == .failed)
        #expect(try store.job("\(array):0")?.statusReason == "too large")
    }

    @Test func cancellingAnArrayMarksEveryChildAndTheParentNotItsDependents() throws {
        let jobs = try store.submit([request("array", size: 3), request("after", dependsOn: [JobDependency(jobName: "array")])])
        let (array, after) = (jobs[0].jobId, jobs[1].jobId)
        try run("\(array):0", exitCode: 0)
        #expect(try store.cancel(array, reason: "all of them") == StopResult(stopped: 2, untouched: 1))
        let views = try store.jobViews([array, "\(array):0", "\(array):1", "\(array):2", after])
        #expect(views.map(\.stoppedBy) == [.cancel, nil, .cancel, .cancel, nil])
        #expect(views.map(\.record.status) == [.failed, .succeeded, .failed, .failed, .failed])
        #expect(views.last?.record.statusReason == Reasons.dependentJobFailed)
        #expect(try store.cancel("\(array):0", reason: "late") == StopResult(untouched: 1), "a finished child stays as it ended")
    }

    @Test func aBlockingReasonKeepsAJobFromTheSchedulerUntilApply() throws {
        let jobs = try store.submit([request("stuck"), request("waits"), request("cancelled")])
        let (stuck, waits, cancelled) = (jobs[0].jobId, jobs[1].jobId, jobs[2].jobId)
        var batch = EngineBatch()
        batch.reasons = [(stuck, RunnableReason.computeEnvironmentMaxResource.statusReason(detail: "The job asks 8 vCPUs."), blocks: true),
                         (waits, RunnableReason.insufficientCapacity(instanceTypes: ["c5.large"]), blocks: false),
                         (cancelled, RunnableReason.allDisabled(queue: "default"), blocks: true)]
        _ = try store.commit(batch)
        #expect(try store.runnable(queue: "default", limit: 10).map(\.id) == [waits], "blocked, not told by the reason's text")
        #expect(try store.job(stuck)?.statusReason?.hasPrefix("MISCONFIGURATION:COMPUTE_ENVIRONMENT_MAX_RESOURCE - ") == true)
        _ = try store.cancel(cancelled, reason: "not needed")
        try store.apply(try DocumentLoader.parse(text: basicEnvironment(maxvCpus: 8), path: "env.yaml"))
        #expect(try store.runnable(queue: "default", limit: 10).map(\.id) == [stuck, waits], "apply lets the scheduler look again")
        #expect(try store.job(stuck)?.statusReason == nil)
    }
}
