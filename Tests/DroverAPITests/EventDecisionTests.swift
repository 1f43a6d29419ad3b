@testable import DroverAPI
import DroverCore
import DroverStore
import Testing

/// The pure rules of job events: ids, webhook answers and back-off, and a job's detail as of an event.
struct EventDecisionTests {
    @Test(arguments: [
        (Int64(1), "00000000-0000-0000-0000-000000000001"),
        (Int64(42), "00000000-0000-0000-0000-000000000042"),
        (Int64(999_999_999_999), "00000000-0000-0000-0000-999999999999"),
    ])
    func anEventsIdEndsWithItsNumberAndReadsBack(sequence: Int64, id: String) {
        #expect(BatchEvent.id(of: sequence) == id)
        #expect(BatchEvent.sequence(of: id) == sequence)
        #expect(BatchEvent.sequence(of: String(sequence)) == sequence)
    }

    @Test(arguments: ["", "yesterday", "-3", "00000000-0000-0000-0000-", "c8f9c4b5-76e5-d76a-f980-7011e206042b"])
    func anythingElseIsNotAnEventId(text: String) {
        #expect(BatchEvent.sequence(of: text) == nil)
    }

    @Test(arguments: [
        (200 as Int?, DeliveryDecision.delivered), (204, .delivered), (299, .delivered),
        (400, .refused), (404, .refused), (413, .refused),
        (408, .retry), (429, .retry), (500, .retry), (503, .retry), (301, .retry), (nil, .retry),
    ])
    func aWebhooksAnswerDecidesTheEvent(status: Int?, decision: DeliveryDecision) {
        #expect(DeliveryDecision.after(status: status) == decision)
    }

    @Test(arguments: [
        ("", [:] as [String: String]?), ("after=5&job=a%3A1", ["after": "5", "job": "a:1"]), ("queue=a+b", ["queue": "a b"]),
        ("queue=x&queue=y", ["queue": "y"]), ("flag", ["flag": ""]),
        // Not percent-encoded UTF-8: refused, rather than read as if the parameter were not there (a stream of everything).
        ("queue=%E2%82", nil), ("after=%ZZ", nil), ("queue=default&queue=%ZZ", nil), ("job=%", nil), ("%ZZ=1", nil),
    ])
    func aStreamsQueryIsDecodedOrRefused(query: String, parameters: [String: String]?) {
        #expect(EventStreamHandler.parameters(query) == parameters)
    }

    @Test func theBackOffDoublesFromHalfASecondUpToThirty() {
        #expect((1...9).map(DeliveryDecision.backoff(failures:)) == [0.5, 1, 2, 4, 8, 16, 30, 30, 30])
        #expect(DeliveryDecision.backoff(failures: 1000) == 30)
    }

    @Test func eventBridgesTimeIsUTCToTheSecond() {
        #expect(BatchEvent.time(1_641_944_200_058) == "2022-01-11T23:36:40Z")
    }

    static func attempt(_ number: Int, stopped: Bool) -> AttemptDetailShape {
        AttemptDetailShape(container: .init(taskArn: "task/\(number)", exitCode: stopped ? 3 : nil, reason: nil, logStreamName: "log/\(number)"),
                           startedAt: 1000 * Int64(number), stoppedAt: stopped ? 1000 * Int64(number) + 500 : nil,
                           statusReason: stopped ? "Essential container in task exited" : nil)
    }

    /// A job that ended FAILED after two attempts, as DescribeJobs shows it now.
    static let ended = JobDetailShape(
        jobArn: "arn", jobName: "n", jobId: "j", jobQueue: "q", status: "FAILED", attempts: [attempt(1, stopped: true), attempt(2, stopped: true)],
        statusReason: "Essential container in task exited", createdAt: 1, startedAt: 2000, stoppedAt: 2500, dependsOn: [], jobDefinition: "d",
        parameters: [:], container: ContainerDetailShape(image: nil, command: ["true"], environment: [], resourceRequirements: [], exitCode: 3, reason: nil, taskArn: "task/2", logStreamName: "log/2"),
        platformCapabilities: ["EC2"], isCancelled: nil, isTerminated: nil)

    static func event(_ status: JobStatus, attempts: Int, reason: String? = nil) -> StoredEvent {
        StoredEvent(id: 1, time: 0, kind: .state, jobId: "j", queue: "q", status: status, statusReason: reason, attempts: attempts)
    }

    @Test func aJobsDetailIsShownAsOfEachEvent() {
        let runnable = Self.ended.asOf(Self.event(.runnable, attempts: 0))
        #expect(runnable.attempts.isEmpty && runnable.startedAt == nil && runnable.stoppedAt == nil && runnable.container.exitCode == nil)
        #expect(runnable.container.taskArn == nil && runnable.statusReason == nil)
        let running = Self.ended.asOf(Self.event(.running, attempts: 1))
        #expect(running.attempts.count == 1 && running.attempts[0].stoppedAt == nil && running.attempts[0].container.exitCode == nil)
        #expect(running.startedAt == 2000 && running.stoppedAt == nil && running.container.taskArn == "task/1")
        let retried = Self.ended.asOf(Self.event(.runnable, attempts: 1, reason: "Essential container in task exited"))
        #expect(retried.attempts.count == 1 && retried.attempts[0].stoppedAt == 1500 && retried.attempts[0].container.exitCode == 3)
        #expect(retried.statusReason == "Essential container in task exited" && retried.startedAt == nil)
        let failed = Self.ended.asOf(Self.event(.failed, attempts: 2))
        #expect(failed.attempts.count == 2 && failed.stoppedAt == 2500 && failed.container.exitCode == 3)
        #expect(failed.statusReason == "Essential container in task exited", "the usual reason, stored as NULL, is shown")
    }

    @Test func aFinishedJobsEventKeepsItsEndOnceTheJobRunsAgain() {
        // The job of `ended`, put back to RUNNABLE by retry-failed after its first attempt failed: no end now. The
        // event's is when it happened, its exit the last attempt's then.
        var again = Self.ended
        again.status = "RUNNABLE"
        again.attempts = [Self.attempt(1, stopped: true)]
        again.stoppedAt = nil
        again.startedAt = nil
        again.container.exitCode = nil
        let failed = again.asOf(StoredEvent(id: 1, time: 1600, kind: .state, jobId: "j", queue: "q", status: .failed, statusReason: nil, attempts: 1))
        #expect(failed.stoppedAt == 1600 && failed.startedAt == 1000 && failed.container.exitCode == 3, "\(failed)")
        // Running again: the earlier end is not the new attempt's start or end.
        var running = Self.ended
        running.status = "RUNNING"
        running.attempts = [Self.attempt(1, stopped: true), Self.attempt(2, stopped: false)]
        running.stoppedAt = nil
        running.startedAt = 2000
        running.container.exitCode = nil
        let before = running.asOf(StoredEvent(id: 1, time: 1600, kind: .state, jobId: "j", queue: "q", status: .failed, statusReason: nil, attempts: 1))
        #expect(before.stoppedAt == 1600 && before.startedAt == 1000 && before.container.exitCode == 3 && before.container.taskArn == "task/1", "\(before)")
        // Cancelled before it ever ran: its end is the event's time.
        var never = Self.ended
        never.status = "RUNNABLE"
        never.attempts = []
        never.stoppedAt = nil
        never.startedAt = nil
        never.container.exitCode = nil
        let cancelled = never.asOf(StoredEvent(id: 1, time: 1600, kind: .state, jobId: "j", queue: "q", status: .failed, statusReason: "cancelled", attempts: 0))
        #expect(cancelled.stoppedAt == 1600 && cancelled.startedAt == nil && cancelled.container.exitCode == nil, "\(cancelled)")
    }
}
