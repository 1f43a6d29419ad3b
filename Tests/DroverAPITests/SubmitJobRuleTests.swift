import DroverAPI
import DroverCore
import DroverStore
import Foundation
import Testing

/// SubmitJob through the API meets the same store rules as `drover submit`: the deprecated
/// `containerOverrides.vcpus`/`memory` do not override a definition's `resourceRequirements` (accepted and ignored, as
/// AWS does); a `resourceRequirements` override does.
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
        (#""containerOverrides": {"vcpus": 2}"#, "1", "256"),
        (#""containerOverrides": {"memory": 512}"#, "1", "256"),
        (#""containerOverrides": {"resourceRequirements": [{"type": "VCPU", "value": "2"}]}"#, "2", "256"),
    ])
    func deprecatedOverridesAreIgnored(overrides: String, vcpus: String, memory: String) throws {
        let (service, directory) = try Self.service()
        defer { try? FileManager.default.removeItem(at: directory) }
        let body = #"{"jobName": "j", "jobQueue": "q", "jobDefinition": "modern", \#(overrides)}"#
        guard case .success(let answer) = service.perform("submitjob", body: Data(body.utf8)),
              let id = (try JSONSerialization.jsonObject(with: answer) as? [String: Any])?["jobId"] as? String
        else {
            Issue.record("SubmitJob was refused")
            return
        }
        let job = try #require(try service.describeJobs(ids: [id]).jobs.first)
        #expect(job.container.resourceRequirements == [ResourceRequirement(type: "VCPU", value: vcpus), ResourceRequirement(type: "MEMORY", value: memory)])
    }
}
