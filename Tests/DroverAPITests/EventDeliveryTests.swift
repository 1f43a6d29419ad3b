import DroverCore
import DroverStore
import Foundation
import Logging
import Synchronization
import Testing

@testable import DroverAPI

/// ``EventDelivery`` over a real store: a consumer that falls behind the events' retention is told what it missed.
@Suite struct EventDeliveryTests {
    /// A list several threads add to.
    final class Shared<Element: Sendable>: Sendable {
        let items = Mutex<[Element]>([])
        var all: [Element] { items.withLock { $0 } }
        func append(_ new: [Element]) { items.withLock { $0 += new } }
    }

    /// Keeps the messages logged to it.
    struct Recorder: LogHandler {
        let messages: Shared<String>
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            messages.append(["\(event.message)"])
        }
    }

    @Test func aReceiverDownWhileEventsAreForgottenIsToldHowManyItMissed() throws {
        let api = try ResourceHarness()
        try api.ok("CreateComputeEnvironment", ResourceOperationTests.local)
        try api.ok("CreateJobQueue", #"{"jobQueueName": "high", "priority": 10, "computeEnvironmentOrder": [{"order": 1, "computeEnvironment": "local"}]}"#)
        try api.ok("RegisterJobDefinition", #"{"jobDefinitionName": "thumbs", "type": "container", "containerProperties": {"command": ["true"]}}"#)
        for name in ["one", "two", "three"] {
            try api.ok("SubmitJob", #"{"jobName": "\#(name)", "jobQueue": "high", "jobDefinition": "thumbs"}"#)
        }
        let store = api.store
        let messages = Shared<String>()
        let logger = Logger(label: "test") { _ in Recorder(messages: messages) }
        let sent = Shared<Int64>()
        // The receiver is down for the first page; meanwhile the engine forgets the oldest four events.
        let delivery = EventDelivery(consumer: "test", shapes: EventShapes(arns: .standard, store: store), pageSize: 2, logger: logger) { page, _ in
            if sent.all.isEmpty {
                sent.append([0])
                _ = try? store.pruneEvents(before: nowMillis() + 1000, limit: 4)
                return .notTaken(upTo: nil)
            }
            sent.append(page.map(\.sequence))
            return .taken
        }
        let thread = Thread { delivery.run() }
        thread.start()
        defer { delivery.stop() }
        let deadline = Date().addingTimeInterval(10)
        while sent.all.last != 6 && Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        delivery.stop()
        #expect(sent.all == [0, 5, 6])
        #expect(messages.all.contains { $0.contains("4 events were forgotten") }, "\(messages.all)")
    }
}
