import DroverCore
import Testing

/// AWS's UpdateJobQueue and UpdateComputeEnvironment requests as partial updates, and how job files are recognised as
/// such requests.
struct ResourceUpdateTests {
    static let queue: JSONValue = .object([
        "jobQueueName": .string("high"), "priority": .integer(10), "state": .string("ENABLED"), "tags": .object(["t": .string("v")]),
        "computeEnvironmentOrder": .array([.object(["order": .integer(1), "computeEnvironment": .string("spot")])]),
    ])
    static let environment: JSONValue = .object([
        "computeEnvironmentName": .string("spot"), "type": .string("MANAGED"),
        "computeResources": .object(["type": .string("SPOT"), "maxvCpus": .integer(8), "instanceTypes": .array([.string("c5")])]),
        "simulation": .object(["seed": .integer(1)]),
    ])

    /// (kind, stored document, request, the document the update leaves).
    static let cases: [(ResourceUpdate.Kind, JSONValue, JSONValue, JSONValue)] = [
        (.jobQueue, queue, .object(["jobQueue": .string("high"), "priority": .integer(50)]),
         queue.replacing(["priority"], from: .object(["priority": .integer(50)]))),
        (.jobQueue, queue, .object(["jobQueue": .string("high"), "computeEnvironmentOrder": .array([])]),
         queue.replacing(["computeEnvironmentOrder"], from: .object(["computeEnvironmentOrder": .array([])]))),
        (.jobQueue, queue, .object(["jobQueue": .string("high")]), queue),
        (.computeEnvironment, environment,
         .object(["computeEnvironment": .string("spot"), "state": .string("DISABLED"),
                  "computeResources": .object(["maxvCpus": .integer(64), "updateToLatestImageVersion": .bool(true)])]),
         environment.replacing(["state"], from: .object(["state": .string("DISABLED")])).replacing(["computeResources"], from: .object([
             "computeResources": .object(["type": .string("SPOT"), "maxvCpus": .integer(64), "instanceTypes": .array([.string("c5")])]),
         ]))),
        (.computeEnvironment, environment, .object(["computeEnvironment": .string("spot"), "updatePolicy": .object(["terminateJobsOnUpdate": .bool(true)])]),
         environment.replacing(["updatePolicy"], from: .object(["updatePolicy": .object(["terminateJobsOnUpdate": .bool(true)])]))),
    ]

    @Test(arguments: cases.indices) func onlyTheMembersGivenChange(_ index: Int) throws {
        let (kind, stored, request, expected) = Self.cases[index]
        #expect(try ResourceUpdate(kind, request: request).applied(to: stored, name: "x") == expected)
    }

    @Test func anUnmanagedEnvironmentHasNoComputeResourcesToChange() {
        let update = ResourceUpdate(.computeEnvironment, request: .object(["computeEnvironment": .string("u"), "computeResources": .object(["maxvCpus": .integer(4)])]))
        #expect(throws: DroverError("UpdateComputeEnvironment: computeResources: compute environment 'u' is UNMANAGED and has none")) {
            try update.applied(to: .object(["computeEnvironmentName": .string("u"), "type": .string("UNMANAGED")]), name: "u")
        }
    }

    @Test func requestsNameTheirResourceAndHoldOnlyItsMembers() {
        let update = ResourceUpdate(.jobQueue, request: .object(["jobQueue": .string(""), "jobQueueArn": .string("x"), "state": .string("DISABLED")]))
        #expect(update.problems.map(\.field) == ["jobQueue", "jobQueueArn"])
        #expect(update.changedMembers == ["state"])
        #expect(update.summary("updated", name: "high") == "updated job queue high (state)")
    }

    @Test func jobFilesHoldUpdatesBesideWholeResources() throws {
        let text = """
            jobQueue: high
            priority: 5
            ---
            computeEnvironments:
              - computeEnvironmentName: new
              - computeEnvironment: old
                state: DISABLED
            ---
            jobName: j
            jobQueue: high
            jobDefinition: d
            """
        let file = try DocumentLoader.parse(text: text, path: "f.yaml")
        #expect(file.updates.map(\.value.kind) == [.jobQueue, .computeEnvironment])
        #expect(file.updates.map(\.value.reference) == ["high", "old"])
        #expect(file.updates.map(\.location) == ["f.yaml:1", "f.yaml:6"])
        #expect(file.computeEnvironments.map(\.value.computeEnvironmentName) == ["new"])
        #expect(file.jobs.map(\.value.jobName) == ["j"], "a SubmitJob request names its queue too, but its jobName comes first")
    }

    @Test func anUpdateWithMembersOfTheWrongTypeIsRefusedAtItsLine() {
        let text = "computeEnvironment: old\ncomputeResources:\n  maxvCpus: lots\n"
        #expect(throws: DroverError.invalid([ValidationIssue(location: "f.yaml:3", field: "computeResources.maxvCpus", message: "has the wrong type: expected a number")])) {
            try DocumentLoader.parse(text: text, path: "f.yaml")
        }
    }
}
