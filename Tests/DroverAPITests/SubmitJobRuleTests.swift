import DroverCore
import DroverStore
import Foundation
import Testing

@testable import DroverAPI

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

    /// The message of a refused operation (a test failure when it is accepted).
    static func refusal(_ service: BatchService, _ operation: String, _ body: String, sourceLocation: SourceLocation = #_sourceLocation) -> String {
        switch service.perform(operation, body: Data(body.utf8)) {
        case .success(let data):
            Issue.record("\(operation) was accepted: \(String(decoding: data, as: UTF8.self))", sourceLocation: sourceLocation)
            return ""
        case .failure(let error):
            #expect(error.code == "ClientException", "\(error)", sourceLocation: sourceLocation)
            return error.message
        }
    }

    /// An ARN of another region, account or partition names no resource of this server (AWS answers such an ARN as
    /// unknown): it is refused where a resource is required, left out of DescribeJobs, and never taken for the
    /// resource of the same name here.
    @Test func arnsOfAnotherRegionOrAccountNameNothingHere() throws {
        let (service, directory) = try Self.service()
        defer { try? FileManager.default.removeItem(at: directory) }
        guard case .success(let answer) = service.perform("submitjob", body: Data(#"{"jobName": "j", "jobQueue": "arn:aws:batch:us-east-1:000000000000:job-queue/q", "jobDefinition": "modern"}"#.utf8)),
              let id = (try JSONSerialization.jsonObject(with: answer) as? [String: Any])?["jobId"] as? String
        else {
            Issue.record("SubmitJob with this server's queue ARN was refused")
            return
        }
        for foreign in ["arn:aws:batch:eu-west-1:000000000000:job-queue/q", "arn:aws:batch:us-east-1:111111111111:job-queue/q",
                        "arn:aws-cn:batch:us-east-1:000000000000:job-queue/q"] {
            let message = Self.refusal(service, "SubmitJob", #"{"jobName": "k", "jobQueue": "\#(foreign)", "jobDefinition": "modern"}"#)
            #expect(message.contains("jobQueue: '\(foreign)'") && message.contains("region us-east-1, account 000000000000"), "\(message)")
            #expect(Self.refusal(service, "DescribeJobQueues", #"{"jobQueues": ["\#(foreign)"]}"#).contains("this server's are"))
            if case .success = service.tags(method: "POST", resourceArn: foreign, query: "", body: Data(#"{"tags": {"k": "v"}}"#.utf8)) {
                Issue.record("TagResource on \(foreign) was accepted")
            }
        }
        #expect(try service.store.jobs(JobFilter(all: true)).map(\.jobId) == [id])
        #expect(try service.store.tags(of: "job-queue/q").isEmpty)
        let foreignJob = "arn:aws:batch:eu-west-1:000000000000:job/\(id)"
        #expect(try service.describeJobs(ids: [foreignJob]).jobs.isEmpty)
        #expect(try service.describeJobs(ids: ["arn:aws:batch:us-east-1:000000000000:job/\(id)"]).jobs.map(\.jobId) == [id])
        let definition = "arn:aws:batch:us-east-1:999999999999:job-definition/modern:1"
        #expect(Self.refusal(service, "SubmitJob", #"{"jobName": "k", "jobQueue": "q", "jobDefinition": "\#(definition)"}"#).contains("account 999999999999"))
    }

    /// Each problem of a refused SubmitJob is told once (a request's retryStrategy was reported twice).
    @Test func eachProblemIsToldOnce() throws {
        let (service, directory) = try Self.service()
        defer { try? FileManager.default.removeItem(at: directory) }
        let message = Self.refusal(service, "SubmitJob", #"{"jobName": "j", "jobQueue": "q", "jobDefinition": "modern", "retryStrategy": {"attempts": 11}}"#)
        #expect(message.components(separatedBy: "retryStrategy.attempts: must be between 1 and 10 (got 11)").count == 2, "\(message)")
        #expect(message.contains("(1 problem)"), "\(message)")
    }

    /// `schedulingPriorityOverride` and a definition's `schedulingPriority` are 0 to 9999, as on AWS.
    @Test(arguments: [-1, 10_000, Int(Int32.max)])
    func schedulingPrioritiesOutsideAWSRangeAreRefused(priority: Int) throws {
        let (service, directory) = try Self.service()
        defer { try? FileManager.default.removeItem(at: directory) }
        let submit = Self.refusal(service, "SubmitJob", #"{"jobName": "j", "jobQueue": "q", "jobDefinition": "modern", "schedulingPriorityOverride": \#(priority)}"#)
        #expect(submit.contains("schedulingPriorityOverride: must be between 0 and 9999, as on AWS (got \(priority))"), "\(submit)")
        let register = Self.refusal(service, "RegisterJobDefinition",
                                    #"{"jobDefinitionName": "p", "type": "container", "schedulingPriority": \#(priority), "containerProperties": {"image": "x", "command": ["true"]}}"#)
        #expect(register.contains("schedulingPriority: must be between 0 and 9999"), "\(register)")
        #expect(try service.store.jobs(JobFilter(all: true)).isEmpty)
        for edge in [0, 9999] {
            let body = #"{"jobName": "j", "jobQueue": "q", "jobDefinition": "modern", "schedulingPriorityOverride": \#(edge)}"#
            guard case .success = service.perform("SubmitJob", body: Data(body.utf8)) else {
                Issue.record("schedulingPriorityOverride \(edge) was refused")
                continue
            }
        }
    }

    /// A queue takes at most 3 compute environments, each once, as on AWS (four entries naming one environment were
    /// accepted by CreateJobQueue), and a refused queue is not stored.
    @Test(arguments: [
        (#"[{"order": 1, "computeEnvironment": "local"}, {"order": 2, "computeEnvironment": "local"}]"#, "names compute environment 'local' twice"),
        (#"[{"order": 1, "computeEnvironment": "local"}, {"order": 2, "computeEnvironment": "arn:aws:batch:us-east-1:000000000000:compute-environment/local"}]"#,
         "names compute environment 'local' twice"),
        (#"[{"order": 0, "computeEnvironment": "a"}, {"order": 1, "computeEnvironment": "b"}, {"order": 2, "computeEnvironment": "c"}, {"order": 3, "computeEnvironment": "local"}]"#,
         "at most 3 compute environments, as on AWS (got 4)"),
    ])
    func aQueueTakesAtMostThreeEnvironmentsEachOnce(order: String, message: String) throws {
        let (service, directory) = try Self.service()
        defer { try? FileManager.default.removeItem(at: directory) }
        for name in ["a", "b", "c"] {
            guard case .success = service.perform("CreateComputeEnvironment", body: Data(#"{"computeEnvironmentName": "\#(name)", "type": "UNMANAGED"}"#.utf8)) else {
                Issue.record("CreateComputeEnvironment \(name) was refused")
                return
            }
        }
        let created = Self.refusal(service, "CreateJobQueue", #"{"jobQueueName": "many", "priority": 1, "computeEnvironmentOrder": \#(order)}"#)
        #expect(created.contains(message), "\(created)")
        let updated = Self.refusal(service, "UpdateJobQueue", #"{"jobQueue": "q", "computeEnvironmentOrder": \#(order)}"#)
        #expect(updated.contains(message), "\(updated)")
        #expect(try service.store.jobQueues().map(\.jobQueueName) == ["q"])
        #expect(try service.store.jobQueues().first?.computeEnvironmentOrder?.count == 1)
    }
}
