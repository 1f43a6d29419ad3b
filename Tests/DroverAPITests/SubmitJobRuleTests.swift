import DroverAPI
import DroverCore
import DroverStore
import Foundation
import Testing

/// SubmitJob through the API meets the same store rules as `drover submit`: the deprecated
/// `containerOverrides.vcpus`/`memory` cannot override a definition's `resourceRequirements`.
struct SubmitJobRuleTests {
    static func service() throws -> (BatchService, URL) {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("drover-api-\(UUID().uuidString.prefix(8))")
        let store = try Store(directory: directory)
        _ = try store.apply(try DocumentLoader.parse(text: """
            computeEnvironments:
              - {computeEnvironmentName: local, computeResources: {type: EC2, maxvCpus: 2}}
            jobQueues:
              - {jobQueueName: q, priority: 1, computeEnvironmentOrder: [{order: 1, computeEnvironment: local}]}
            jobDefinitions:
              - jobDefinitionName: modern
                containerProperties: {command: ["true"], resourceRequirements: [{type: VCPU, value: "1"}, {type: MEMORY, value: "256"}]}
            """, path: "env.yaml"))
        return (BatchService(store: store), directory)
    }

    @Test(arguments: [
        (#""containerOverrides": {"vcpus": 2}"#, "containerOverrides.vcpus: the deprecated vcpus cannot override job definition modern:1"),
        (#""containerOverrides": {"memory": 512}"#, "containerOverrides.memory: the deprecated memory cannot override job definition modern:1"),
        (#""containerOverrides": {"resourceRequirements": [{"type": "VCPU", "value": "2"}]}"#, nil),
    ])
    func deprecatedOverridesAreClientExceptions(overrides: String, message: String?) throws {
        let (service, directory) = try Self.service()
        defer { try? FileManager.default.removeItem(at: directory) }
        let body = #"{"jobName": "j", "jobQueue": "q", "jobDefinition": "modern", \#(overrides)}"#
        switch service.perform("submitjob", body: Data(body.utf8)) {
        case .success:
            #expect(message == nil)
        case .failure(let error):
            #expect(error.code == "ClientException")
            #expect(message.map(error.message.contains) == true, "\(error.message)")
        }
    }
}
