import DroverCore
import DroverStore
import Testing

@testable import DroverAPI

/// ``EventFeed`` over a real store: a feed narrowed to a job or a queue goes on after every event it looked through,
/// so that a reader of a finished job (a stream looking again five times a second) does not read every later event of
/// every other job at each look.
@Suite struct EventFeedTests {
    @Test func aNarrowedFeedGoesOnAfterTheEventsItLookedThrough() throws {
        let api = try ResourceHarness()
        try api.ok("CreateComputeEnvironment", ResourceOperationTests.local)
        try api.ok("CreateJobQueue", #"{"jobQueueName": "high", "priority": 10, "computeEnvironmentOrder": [{"order": 1, "computeEnvironment": "local"}]}"#)
        try api.ok("RegisterJobDefinition", #"{"jobDefinitionName": "thumbs", "type": "container", "containerProperties": {"command": ["true"]}}"#)
        let first = try api.ok("SubmitJob", #"{"jobName": "one", "jobQueue": "high", "jobDefinition": "thumbs"}"#)["jobId"]?.string ?? ""
        for name in ["two", "three"] {
            try api.ok("SubmitJob", #"{"jobName": "\#(name)", "jobQueue": "high", "jobDefinition": "thumbs"}"#)
        }
        let newest = try #require(try api.store.eventRange()?.newest)
        var feed = EventFeed(shapes: EventShapes(arns: .standard, store: api.store), query: EventQuery(job: first))
        #expect(try feed.next().map(\.stored.jobId) == [first, first])
        #expect(feed.query.after == newest, "the other jobs' events were looked through")
        #expect(try feed.next().isEmpty)
        // A page filled to its limit goes on after its last event: the events after it are still to be looked through.
        var paged = EventFeed(shapes: EventShapes(arns: .standard, store: api.store), query: EventQuery(queue: "high", limit: 2))
        #expect(try paged.next().count == 2 && paged.query.after == 2)
        #expect(try paged.next().count == 2 && paged.query.after == 4)
        #expect(try paged.next().count == 2 && paged.query.after == newest)
    }
}
