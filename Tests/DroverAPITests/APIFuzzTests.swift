import DroverAPI
import DroverCore
import DroverStore
import Foundation
import GRDB
import Testing

/// A seeded fuzz of every operation's request body, in process against a real store: wrong types, missing and unknown
/// members, huge arrays and strings, deep nesting, odd numbers and unicode, broken JSON. Every answer is a success or a
/// ClientException (never a crash or a ServerException), and a refused request leaves the store exactly as it was.
@Suite struct APIFuzzTests {
    /// Request bodies that are valid, or nearly, for the operations that touch the store most.
    static let templates: [String: String] = [
        "SubmitJob": #"{"jobName": "a", "jobQueue": "q", "jobDefinition": "d", "arrayProperties": {"size": 3}, "parameters": {"p": "v"}, "containerOverrides": {"command": ["true"], "environment": [{"name": "A", "value": "1"}], "resourceRequirements": [{"type": "VCPU", "value": "1"}]}, "retryStrategy": {"attempts": 2, "evaluateOnExit": [{"onExitCode": "3", "action": "EXIT"}]}, "timeout": {"attemptDurationSeconds": 60}, "tags": {"k": "v"}, "dependsOn": [{"jobId": "JOB", "type": "N_TO_N"}]}"#,
        "DescribeJobs": #"{"jobs": ["JOB", "JOB:1", "x"]}"#,
        "ListJobs": #"{"jobQueue": "q", "jobStatus": "RUNNABLE", "maxResults": 2, "filters": [{"name": "JOB_NAME", "values": ["a*"]}]}"#,
        "CancelJob": #"{"jobId": "JOB", "reason": "r"}"#,
        "TerminateJob": #"{"jobId": "JOB", "reason": "r"}"#,
        "GetJobQueueSnapshot": #"{"jobQueue": "q"}"#,
        "CreateComputeEnvironment": #"{"computeEnvironmentName": "e2", "type": "MANAGED", "computeResources": {"type": "EC2", "maxvCpus": 2, "subnets": ["s"]}}"#,
        "UpdateComputeEnvironment": #"{"computeEnvironment": "e", "state": "DISABLED"}"#,
        "DeleteComputeEnvironment": #"{"computeEnvironment": "e"}"#,
        "DescribeComputeEnvironments": #"{"computeEnvironments": ["e"]}"#,
        "CreateJobQueue": #"{"jobQueueName": "q2", "priority": 1, "computeEnvironmentOrder": [{"order": 1, "computeEnvironment": "e"}]}"#,
        "UpdateJobQueue": #"{"jobQueue": "q", "priority": 5}"#,
        "DeleteJobQueue": #"{"jobQueue": "q"}"#,
        "DescribeJobQueues": #"{"jobQueues": ["q"]}"#,
        "RegisterJobDefinition": #"{"jobDefinitionName": "d", "type": "container", "containerProperties": {"image": "x", "command": ["true"]}}"#,
        "DeregisterJobDefinition": #"{"jobDefinition": "d:1"}"#,
        "DescribeJobDefinitions": #"{"jobDefinitionName": "d", "status": "ACTIVE"}"#,
        "CreateSchedulingPolicy": #"{"name": "p", "fairsharePolicy": {"shareDecaySeconds": 60}}"#,
    ]

    /// Values of every JSON kind, including the awkward ones.
    static let oddValues: [String] = [
        "null", "true", "0", "-1", "1.5", "1e400", "-0", "9223372036854775808", "123456789012345678901234567890",
        #""""#, #""\u0000""#, #""\ud800""#, #""é ü 漢字 🙂""#, #""Ref::p""#, #""arn:aws:batch:us-east-1:000000000000:job-queue/q""#,
        "[]", "{}", "[null]", #"[{"a": 1}]"#, #"{"jobName": {"x": []}}"#, #""\(String(repeating: "x", count: 100_000))""#,
    ]

    static func fingerprint(_ path: String) throws -> String {
        let queue = try DatabaseQueue(path: path)
        return try queue.read { db in
            try ["job", "job_queue", "compute_environment", "job_definition", "tag", "scheduling_policy", "dependency", "attempt"].map { table in
                try Row.fetchAll(db, sql: "SELECT * FROM \(table) ORDER BY 1, 2").map(\.description).joined(separator: "\n")
            }.joined(separator: "\n--\n")
        }
    }

    static func makeService() throws -> (BatchService, Store, String) {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("drover-fuzz-\(UUID().uuidString.prefix(8))")
        let store = try Store(directory: directory)
        var file = ResourceFile(path: "fuzz")
        file.computeEnvironments = [Located(value: ComputeEnvironment(name: "e", computeResources: ComputeResources(type: "EC2", maxvCpus: 4)), location: "fuzz",
                                            document: #"{"computeEnvironmentName":"e","computeResources":{"maxvCpus":4,"type":"EC2"}}"#)]
        file.jobQueues = [Located(value: JobQueue(name: "q", priority: 1, environments: ["e"]), location: "fuzz",
                                  document: #"{"computeEnvironmentOrder":[{"computeEnvironment":"e","order":1}],"jobQueueName":"q","priority":1}"#)]
        file.jobDefinitions = [Located(value: JobDefinition(name: "d", command: ["true"]), location: "fuzz",
                                       document: #"{"containerProperties":{"command":["true"]},"jobDefinitionName":"d","type":"container"}"#)]
        try store.apply(file)
        let job = try store.submit([SubmitJobRequest(jobName: "base", jobQueue: "q", jobDefinition: "d", arraySize: 3)])[0].jobId
        return (BatchService(store: store), store, job)
    }

    /// A mutation of `template`: a member replaced by an odd value, removed, or an unknown one added; at any depth.
    static func mutate(_ template: String, job: String, random: inout SeededRandom) -> Data {
        guard var object = try? JSONSerialization.jsonObject(with: Data(template.replacingOccurrences(of: "JOB", with: job).utf8)) else {
            return Data(template.utf8)
        }
        let odd = oddValues[Int(random.next() % UInt64(oddValues.count))]
        let value = (try? JSONSerialization.jsonObject(with: Data(odd.utf8), options: [.fragmentsAllowed])) ?? NSNull()
        object = mutate(object, value: value, random: &random)
        return (try? JSONSerialization.data(withJSONObject: object, options: [.fragmentsAllowed])) ?? Data(template.utf8)
    }

    static func mutate(_ node: Any, value: Any, random: inout SeededRandom) -> Any {
        if var dictionary = node as? [String: Any], !dictionary.isEmpty {
            let keys = dictionary.keys.sorted()
            let key = keys[Int(random.next() % UInt64(keys.count))]
            switch random.next() % 4 {
            case 0: dictionary[key] = value
            case 1: dictionary[key] = nil
            case 2: dictionary["unknownMember"] = value
            default: if let inner = dictionary[key] { dictionary[key] = mutate(inner, value: value, random: &random) }
            }
            return dictionary
        }
        if var array = node as? [Any], !array.isEmpty {
            let index = Int(random.next() % UInt64(array.count))
            if random.next() % 2 == 0 { array[index] = value } else { array[index] = mutate(array[index], value: value, random: &random) }
            return array
        }
        return value
    }

    /// Bodies that are not what any operation expects: broken or hostile JSON.
    static func hostile(_ random: inout SeededRandom) -> Data {
        switch random.next() % 9 {
        case 0: return Data((0..<Int(random.next() % 200)).map { _ in UInt8(truncatingIfNeeded: random.next()) })
        case 1:
            let depth = [10, 100, 600, 5_000, 100_000][Int(random.next() % 5)]
            return Data((String(repeating: "[", count: depth) + String(repeating: "]", count: depth)).utf8)
        case 2:
            let depth = [10, 600, 20_000][Int(random.next() % 3)]
            return Data((String(repeating: #"{"a":"#, count: depth) + "1" + String(repeating: "}", count: depth)).utf8)
        case 3: return Data(#"{"jobs": ["#.utf8) + Data(Array(repeating: #""x","#, count: 100_000).joined().utf8) + Data(#""x"]}"#.utf8)
        case 4: return Data(#"{"jobName": "a", "jobName": "b", "jobQueue": "q", "jobDefinition": "d"}"#.utf8)
        case 5: return Data(#"{"jobName": "a", "jobQueue": "q""#.utf8)
        case 6: return Data([0x7B, 0x22, 0x6A, 0xFF, 0xFE, 0x22, 0x3A, 0x31, 0x7D])
        case 7: return Data(#"[1, 2, 3]"#.utf8)
        default: return Data(#""just a string""#.utf8)
        }
    }

    @Test func everyOperationAnswersHostileBodiesWithAClientExceptionAndChangesNothing() throws {
        let (service, store, job) = try Self.makeService()
        defer { try? FileManager.default.removeItem(at: store.directory) }
        var random = SeededRandom(seed: 1301)
        var before = try Self.fingerprint(store.databasePath)
        var counts = (ok: 0, refused: 0)
        let operations = BatchOperationNamesForTests.all + ["notAnOperation", "", "SUBMITJOB"]
        for round in 0..<2_500 {
            let operation = round % 3 == 0 ? operations[Int(random.next() % UInt64(operations.count))]
                : Array(Self.templates.keys.sorted())[Int(random.next() % UInt64(Self.templates.count))]
            let body = round % 5 == 0 ? Self.hostile(&random)
                : Self.mutate(Self.templates[operation] ?? "{}", job: job, random: &random)
            switch service.perform(operation.lowercased(), body: body) {
            case .success:
                counts.ok += 1
                before = try Self.fingerprint(store.databasePath)
            case .failure(let error):
                counts.refused += 1
                #expect(error.code == "ClientException" && error.status == 400,
                        "\(operation) answered \(error) to \(String(decoding: body.prefix(300), as: UTF8.self))")
                #expect(!error.message.isEmpty)
                let after = try Self.fingerprint(store.databasePath)
                #expect(after == before, "a refused \(operation) changed the store: \(String(decoding: body.prefix(300), as: UTF8.self))")
                before = after
            }
        }
        #expect(counts.refused > 1_000 && counts.ok > 50, "the fuzz reaches both outcomes: \(counts)")
    }
}

/// The model's operation names, for the fuzz (the same list the server answers "not supported" from).
enum BatchOperationNamesForTests {
    static let all = [
        "CancelJob", "CreateComputeEnvironment", "CreateConsumableResource", "CreateJobQueue", "CreateQuotaShare", "CreateSchedulingPolicy",
        "CreateServiceEnvironment", "DeleteComputeEnvironment", "DeleteConsumableResource", "DeleteJobQueue", "DeleteQuotaShare",
        "DeleteSchedulingPolicy", "DeleteServiceEnvironment", "DeregisterJobDefinition", "DescribeComputeEnvironments",
        "DescribeConsumableResource", "DescribeJobDefinitions", "DescribeJobQueues", "DescribeJobs", "DescribeQuotaShare",
        "DescribeSchedulingPolicies", "DescribeServiceEnvironments", "DescribeServiceJob", "GetJobQueueSnapshot", "ListConsumableResources",
        "ListJobs", "ListJobsByConsumableResource", "ListQuotaShares", "ListSchedulingPolicies", "ListServiceJobs", "ListTagsForResource",
        "RegisterJobDefinition", "SubmitJob", "SubmitServiceJob", "TagResource", "TerminateJob", "TerminateServiceJob", "UntagResource",
        "UpdateComputeEnvironment", "UpdateConsumableResource", "UpdateJobQueue", "UpdateQuotaShare", "UpdateSchedulingPolicy",
        "UpdateServiceEnvironment", "UpdateServiceJob",
    ]
}
