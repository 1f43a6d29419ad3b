import DroverCore
import DroverStore
import Foundation
import Testing

/// `jobStateTimeLimitActions` through the store, at times the test chooses: since when a job has had
/// its reason, what resets it, and what the cancel does.
struct StoreTimeLimitTests {
    static let maxResource = RunnableReason.computeEnvironmentMaxResource
    static let t0: EpochMillis = 1_700_000_000_000
    let sandbox: Sandbox
    let store: Store

    init() throws {
        sandbox = try Sandbox()
        store = try sandbox.store()
        try store.apply(try DocumentLoader.parse(text: Self.setup, path: "env.yaml"))
    }

    static let setup = basicEnvironment() + """
          - jobQueueName: limited
            priority: 5
            computeEnvironmentOrder: [{order: 1, computeEnvironment: local}]
            jobStateTimeLimitActions:
              - {reason: "MISCONFIGURATION:COMPUTE_ENVIRONMENT_MAX_RESOURCE", state: RUNNABLE, maxTimeSeconds: 600, action: CANCEL}
              - {reason: "CAPACITY:INSUFFICIENT_INSTANCE_CAPACITY", state: RUNNABLE, maxTimeSeconds: 900, action: TERMINATE}
        jobDefinitions:
          - jobDefinitionName: work
            containerProperties: {command: [true]}
            retryStrategy: {attempts: 2}
        """

    func submit(_ name: String, queue: String = "limited", size: Int? = nil, dependsOn: [JobDependency]? = nil) throws -> String {
        try store.submit([SubmitJobRequest(jobName: name, jobQueue: queue, jobDefinition: "work", arraySize: size, dependsOn: dependsOn)])[0].jobId
    }

    /// Writes `reason` for `id` as the engine does, at `at`.
    func give(_ id: String, _ reason: String?, blocks: Bool = true, at: EpochMillis) throws {
        var batch = EngineBatch()
        batch.reasons = [(id, reason, blocks: blocks)]
        batch.now = at
        _ = try store.commit(batch)
    }

    func seconds(_ value: Int) -> EpochMillis { Self.t0 + EpochMillis(value) * 1000 }

    @Test func aJobStuckPastMaxTimeSecondsIsCancelledWithAWSsReason() throws {
        let id = try submit("big")
        let elsewhere = try submit("elsewhere", queue: "default")
        try give(id, Self.maxResource.statusReason(detail: "The job asks 8 vCPUs and 0 MiB: local allows 2 vCPUs and 1024 MiB."), at: Self.t0)
        try give(elsewhere, Self.maxResource.statusReason(), at: Self.t0)
        // Decided again with other detail: the same code, so the count goes on from t0.
        try give(id, Self.maxResource.statusReason(detail: "The job asks 8 vCPUs and 0 MiB: local allows 4 vCPUs and 1024 MiB."), at: seconds(300))
        #expect(try store.applyTimeLimitActions(now: seconds(600) - 1).isEmpty)
        #expect(try store.applyTimeLimitActions(now: seconds(600)) == [id])
        let job = try #require(try store.job(id))
        #expect(job.status == .failed)
        #expect(job.statusReason == "Canceled by JobStateTimeLimit action due to reason: MISCONFIGURATION:COMPUTE_ENVIRONMENT_MAX_RESOURCE")
        #expect(job.stoppedAt == seconds(600))
        #expect(try store.jobViews([id]).first?.stoppedBy == .cancel, "isCancelled, as a cancel")
        #expect(try store.job(elsewhere)?.status == .runnable, "a queue without actions keeps its jobs")
        #expect(try store.applyTimeLimitActions(now: seconds(10_000)).isEmpty)
    }

    @Test func anotherReasonStartsTheCountAgain() throws {
        let id = try submit("short")
        try give(id, Self.maxResource.statusReason(), at: Self.t0)
        try give(id, RunnableReason.insufficientCapacity(instanceTypes: ["c5.large"]), blocks: false, at: seconds(500))
        #expect(try store.applyTimeLimitActions(now: seconds(1000)).isEmpty, "900 s of capacity not yet passed")
        try give(id, nil, blocks: false, at: seconds(1100))
        #expect(try store.applyTimeLimitActions(now: seconds(2000)).isEmpty, "a cleared reason matches nothing")
        try give(id, RunnableReason.insufficientCapacity(instanceTypes: ["m5.large"]), blocks: false, at: seconds(2100))
        #expect(try store.applyTimeLimitActions(now: seconds(2999)).isEmpty, "cleared, then given again: counted from 2100")
        #expect(try store.applyTimeLimitActions(now: seconds(3000)) == [id])
        let job = try #require(try store.job(id))
        #expect(job.statusReason == "Terminated by JobStateTimeLimit action due to reason: CAPACITY:INSUFFICIENT_INSTANCE_CAPACITY")
        #expect(try store.jobViews([id]).first?.stoppedBy == .terminate)
    }

    @Test func applyingTheSameQueuesAgainDoesNotRestartTheCount() throws {
        let id = try submit("big")
        try give(id, Self.maxResource.statusReason(), at: Self.t0)
        try store.apply(try DocumentLoader.parse(text: Self.setup, path: "env.yaml"))
        #expect(try store.job(id)?.statusReason == nil, "apply lets the scheduler decide again")
        #expect(try store.applyTimeLimitActions(now: seconds(700)).isEmpty, "no reason, no action")
        try give(id, Self.maxResource.statusReason(), at: seconds(700))
        #expect(try store.applyTimeLimitActions(now: seconds(701)) == [id], "decided again to the same reason: counted from t0")
    }

    @Test func theCancelReachesDependentsAndTheArrayParent() throws {
        let array = try submit("array", size: 2)
        let after = try submit("after", dependsOn: [JobDependency(jobId: "\(array):1", type: nil)])
        try give("\(array):1", Self.maxResource.statusReason(), at: Self.t0)
        #expect(try store.applyTimeLimitActions(now: seconds(600)) == ["\(array):1"])
        #expect(try store.job(after)?.status == .failed && store.job(after)?.statusReason == Reasons.dependentJobFailed)
        #expect(try store.jobViews([after]).first?.stoppedBy == nil, "failed by its dependency, not cancelled")
        #expect(try store.job(array)?.status == .pending, "the other child is still to run")
        #expect(try store.jobViews([array]).first?.stoppedBy == nil, "only the child was cancelled")
    }
}
