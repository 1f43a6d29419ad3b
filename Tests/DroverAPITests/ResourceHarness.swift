import DroverCore
import DroverStore
import Foundation
import ModelValidatorSupport
import Testing

@testable import DroverAPI

/// A `BatchService` over a real store in a temporary folder, for one test. Every response and error body it gives
/// is kept, and ``checkBodies()`` checks them all against botocore's model in one run of
/// `scripts/aws_model_validate.py`.
final class ResourceHarness {
    let folder: URL
    let store: Store
    let service: BatchService
    /// `(operation, body, direction)` of every body answered so far.
    private(set) var bodies: [(operation: String, body: String, direction: String)] = []

    init() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("drover-api-\(UUID().uuidString.prefix(8))")
        store = try Store(directory: folder)
        service = BatchService(store: store)
    }

    deinit {
        try? FileManager.default.removeItem(at: folder)
    }

    /// Performs `operation` (its model name, `CreateJobQueue`) and gives its response; a refusal is a test failure.
    @discardableResult
    func ok(_ operation: String, _ body: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> JSONValue {
        switch service.perform(operation, body: Data(body.utf8)) {
        case .success(let data):
            let text = String(decoding: data, as: UTF8.self)
            bodies.append((operation, text, "output"))
            return try JSONDecoder().decode(JSONValue.self, from: data)
        case .failure(let error):
            Issue.record("\(operation) was refused: \(error)", sourceLocation: sourceLocation)
            throw error
        }
    }

    /// Performs `operation`, which must be refused with a ClientException, and gives its message.
    @discardableResult
    func refused(_ operation: String, _ body: String, sourceLocation: SourceLocation = #_sourceLocation) -> String {
        switch service.perform(operation, body: Data(body.utf8)) {
        case .success(let data):
            Issue.record("\(operation) was accepted: \(String(decoding: data, as: UTF8.self))", sourceLocation: sourceLocation)
            return ""
        case .failure(let error):
            #expect(error.code == "ClientException" && error.status == 400, "\(error)", sourceLocation: sourceLocation)
            bodies.append((operation, String(decoding: error.body, as: UTF8.self), "error"))
            return error.message
        }
    }

    /// Everything the API shows: every resource (with tags) and every job, as text to compare before and after a
    /// refused request.
    func snapshot() throws -> String {
        var parts: [String] = []
        for (operation, body) in [("DescribeComputeEnvironments", "{}"), ("DescribeJobQueues", "{}"), ("DescribeJobDefinitions", "{}"),
                                  ("ListSchedulingPolicies", "{}")] {
            guard case .success(let data) = service.perform(operation, body: Data(body.utf8)) else { throw APIError.server("\(operation) failed") }
            parts.append(try JSONDecoder().decode(JSONValue.self, from: data).document)
        }
        for page in try store.resources(.schedulingPolicy).resources { parts.append(page.document + "\(page.tags.sorted { $0.key < $1.key })") }
        for job in try store.jobs(JobFilter(all: true)) { parts.append("\(job.jobId) \(job.status) \(job.statusReason ?? "")") }
        return parts.joined(separator: "\n")
    }

    /// The tags the tag operations show for `arn`.
    func tags(_ arn: String) throws -> JSONValue? {
        switch service.tags(method: "GET", resourceArn: arn, query: "", body: Data()) {
        case .success(let data):
            bodies.append(("ListTagsForResource", String(decoding: data, as: UTF8.self), "output"))
            return try JSONDecoder().decode(JSONValue.self, from: data)["tags"]
        case .failure:
            return nil
        }
    }

    /// Checks every body answered so far against botocore's model; each problem names the operation.
    func checkBodies(sourceLocation: SourceLocation = #_sourceLocation) throws {
        let problems = try Self.validate(bodies)
        #expect(problems.isEmpty, "\(problems.joined(separator: "\n"))", sourceLocation: sourceLocation)
        #expect(!bodies.isEmpty, sourceLocation: sourceLocation)
    }

    /// Runs `validate` of `scripts/aws_model_validate.py` on every `(operation, body, direction)` at once.
    static func validate(_ items: [(operation: String, body: String, direction: String)]) throws -> [String] {
        let program = """
            import json, sys
            sys.dont_write_bytecode = True
            sys.path.insert(0, sys.argv[1])
            from aws_model_validate import validate
            for operation, body, direction in json.load(sys.stdin):
                for problem in validate(operation, body, direction):
                    print(f"{operation} ({direction}): {problem}: {body[:300]}")
            """
        let input = try JSONSerialization.data(withJSONObject: items.map { [$0.operation, $0.body, $0.direction] })
        let (status, output) = try Python.run(["-c", program, Python.scripts.path], input: input)
        guard status == 0 else { return ["the validator failed: \(output)"] }
        return output.split(separator: "\n").map(String.init)
    }
}

/// ARNs as this server writes them (region us-east-1, account 000000000000).
enum ARN {
    static func of(_ kind: BatchARN.Kind, _ name: String) -> String { ARNBuilder.standard.arn(kind, name) }
}
