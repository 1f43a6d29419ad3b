import DroverCore
import DroverStore
import Foundation
import Testing

/// The store's side of an attempt handed to a cluster ahead of its job's dependencies (``JobTransition/handOver``):
/// the job stays PENDING; released it goes to STARTING, started by the cluster to RUNNING; dropped, failed or
/// cancelled, it leaves no attempt and counts nothing.
struct StoreHandOverTests {
    let sandbox: Sandbox
    let store: Store
    let partner: String
    let dependant: String

    init() throws {
        sandbox = try Sandbox()
        store = try sandbox.store()
        try store.apply(try DocumentLoader.parse(text: basicEnvironment() + """
            jobDefinitions:
              - jobDefinitionName: work
                containerProperties: {command: [true]}
            """, path: "env.yaml"))
        let jobs = try store.submit([SubmitJobRequest(jobName: "a", jobQueue: "default", jobDefinition: "work"),
                                     SubmitJobRequest(jobName: "b", jobQueue: "default", jobDefinition: "work", dependsOn: [JobDependency(jobName: "a")])])
        partner = jobs[0].jobId
        dependant = jobs[1].jobId
        var batch = EngineBatch()
        batch.claims = [(RunnableJob(id: partner, attempts: 0), "local")]
        batch.holds = [(RunnableJob(id: dependant, attempts: 0), "local")]
        let result = try store.commit(batch)
        #expect(result.claimed.count == 1 && result.held.map(\.id) == [dependant])
    }

    func commit(started: [String] = [], finished: [(String, Int32?)] = []) throws -> BatchResult {
        var batch = EngineBatch()
        batch.started = started.map { AttemptStart(id: $0, attempt: 1, pid: nil, at: nowMillis(), host: "h1", clusterJob: "7") }
        batch.finished = finished.map { id, code in
            code.map { FinishedAttempt(id: id, attempt: 1, outcome: .exited($0), at: nowMillis()) }
                ?? FinishedAttempt(id: id, attempt: 1, outcome: AttemptOutcome(kind: .engineRestarted, exitCode: nil, reason: nil,
                                                                                   statusReason: "Stopped before it started"),
                                   at: nowMillis(), counts: false)
        }
        return try store.commit(batch)
    }

    @Test func aHeldJobStaysPendingAndIsAnOrphanForTheNextEngine() throws {
        #expect(try store.job(dependant)?.status == .pending)
        // Shown as no attempt yet: nothing has run.
        #expect(try store.job(dependant)?.attempts == 0)
        #expect(try store.orphans().map(\.id).sorted() == [partner, dependant].sorted())
        // Handed over once: a second hand-over of the same attempt does nothing.
        var again = EngineBatch()
        again.holds = [(RunnableJob(id: dependant, attempts: 0), "local")]
        #expect(try store.commit(again).held.isEmpty)
    }

    @Test func itsPartnerSucceedingReleasesItToStarting() throws {
        _ = try commit(finished: [(partner, 0)])
        #expect(try store.job(dependant)?.status == .starting)
        _ = try commit(started: [dependant])
        _ = try commit(finished: [(dependant, 0)])
        #expect(try store.job(dependant)?.status == .succeeded)
        #expect(try store.attempts(dependant).count == 1)
    }

    @Test func theClusterStartingItFirstMakesItRunning() throws {
        _ = try commit(started: [partner])
        _ = try commit(started: [dependant])
        let job = try #require(try store.job(dependant))
        #expect(job.status == .running && job.host == "h1")
        _ = try commit(finished: [(partner, 0), (dependant, 0)])
        #expect(try store.job(dependant)?.status == .succeeded)
    }

    @Test func droppedBeforeItStartedItWaitsOnUncountedAndItsDependenciesDecide() throws {
        let dropped = try commit(finished: [(dependant, nil)])
        #expect(dropped.decisions[dependant] == .pending)
        let job = try #require(try store.job(dependant))
        #expect(job.status == .pending && job.attempts == 0)
        #expect(try store.attempts(dependant).isEmpty)
        _ = try commit(finished: [(partner, 0)])
        #expect(try store.job(dependant)?.status == .runnable)
    }

    @Test func aFailedPartnerFailsItWithoutAnAttemptAndItsLateEndIsIgnored() throws {
        _ = try commit(finished: [(partner, 1)])
        let job = try #require(try store.job(dependant))
        #expect(job.status == .failed && job.statusReason == Reasons.dependentJobFailed && job.attempts == 0)
        #expect(try store.commit({ var batch = EngineBatch(); batch.finished = [FinishedAttempt(id: dependant, attempt: 1, outcome: .exited(0), at: nowMillis(), counts: false)]; return batch }()).decisions.isEmpty)
        #expect(try store.attempts(dependant).isEmpty)
        #expect(try store.orphans().isEmpty)
    }

    /// The cluster may have started it unseen: a cancel asks the engine to take it off, and decides once it knows.
    @Test func cancellingItWaitsForTheEngineAndFailsItWithoutAnAttemptIfItHadNotStarted() throws {
        #expect(try store.cancel(dependant, reason: "not needed").terminating == 1)
        #expect(try store.job(dependant)?.status == .pending)
        #expect(try store.terminateRequests().map(\.id) == [dependant])
        // Its partner succeeding meanwhile does not release it.
        _ = try commit(finished: [(partner, 0)])
        #expect(try store.job(dependant)?.status == .pending)
        _ = try commit(finished: [(dependant, nil)])
        let job = try #require(try store.job(dependant))
        #expect(job.status == .failed && job.statusReason == "not needed" && job.attempts == 0)
        #expect(try store.attempts(dependant).isEmpty)
        #expect(try store.orphans().isEmpty && store.terminateRequests().isEmpty)
    }

    @Test func cancelledAfterTheClusterStartedItUnseenItsAttemptIsRecordedAsStopped() throws {
        _ = try commit(started: [partner])
        _ = try store.cancel(dependant, reason: "not needed")
        _ = try commit(started: [dependant])
        var batch = EngineBatch()
        batch.finished = [FinishedAttempt(id: dependant, attempt: 1, outcome: AttemptOutcome(kind: .terminated, exitCode: 143, reason: nil,
                                                                                            statusReason: "not needed"), at: nowMillis())]
        _ = try store.commit(batch)
        let job = try #require(try store.job(dependant))
        #expect(job.status == .failed && job.statusReason == "not needed" && job.attempts == 1)
        #expect(try store.attempts(dependant).map(\.exitCode) == [143])
    }
}
