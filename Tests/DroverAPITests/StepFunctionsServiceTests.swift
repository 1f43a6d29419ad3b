import DroverCore
import DroverStore
import Foundation
import ModelValidatorSupport
import Testing

@testable import DroverAPI

/// ``StepFunctionsService`` in process over a real store: ARNs, page tokens and bounds, the errors of each refusal,
/// and every body checked against botocore's stepfunctions model.
@Suite struct StepFunctionsServiceTests {
    static let pass = #"{"StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}}"#
    static let role = "arn:aws:iam::000000000000:role/r"

    final class Harness {
        let folder: URL
        let store: Store
        let service: StepFunctionsService
        var bodies: [(operation: String, body: String, direction: String)] = []

        init(arns: ARNBuilder = .standard) throws {
            folder = FileManager.default.temporaryDirectory.appendingPathComponent("drover-sfn-\(UUID().uuidString.prefix(8))")
            store = try Store(directory: folder)
            service = StepFunctionsService(store: store, arns: arns)
        }

        deinit { try? FileManager.default.removeItem(at: folder) }

        func call(_ operation: String, _ body: [String: Any]) throws -> Result<JSONValue, APIError> {
            let data = try JSONSerialization.data(withJSONObject: body)
            switch service.perform(operation, body: data) {
            case .success(let answer):
                bodies.append((operation, String(decoding: answer, as: UTF8.self), "output"))
                return .success(try JSONDecoder().decode(JSONValue.self, from: answer))
            case .failure(let error):
                bodies.append((operation, String(decoding: error.body, as: UTF8.self), "error"))
                return .failure(error)
            }
        }

        func ok(_ operation: String, _ body: [String: Any]) throws -> JSONValue {
            try call(operation, body).get()
        }

        func refusal(_ operation: String, _ body: [String: Any]) throws -> APIError? {
            if case .failure(let error) = try call(operation, body) { return error }
            return nil
        }

        /// Every body so far against botocore's model.
        func checkBodies() throws {
            for (operation, body, direction) in bodies {
                let arguments = ["--service", "stepfunctions"] + (direction == "error" ? ["--error"] : []) + [operation, "-"]
                let (status, output) = try ModelValidator.run(arguments, input: body)
                #expect(status == 0, "\(operation) \(direction): \(output)\n\(body)")
            }
        }
    }

    @Test(arguments: [
        ("arn:aws:states:us-east-1:000000000000:stateMachine:m", StatesARN.Resource.stateMachine(name: "m")),
        ("arn:aws:states:eu-west-1:123456789012:execution:m:e", StatesARN.Resource.execution(machine: "m", name: "e")),
    ])
    func arnsAreRead(text: String, resource: StatesARN.Resource) {
        #expect(StatesARN(text)?.resource == resource)
    }

    @Test(arguments: ["m", "arn:aws:batch:us-east-1:000000000000:job-queue/q", "arn:aws:states:us-east-1:000000000000:stateMachine:",
                      "arn:aws:states:us-east-1:000000000000:execution:m", "arn:aws:states:us-east-1:000000000000:activity:a"])
    func otherTextIsNoStatesARN(text: String) {
        #expect(StatesARN(text) == nil)
    }

    @Test func pageTokensBelongToTheirListing() throws {
        let token = StatesPageToken.make("history-1-forward", "12")
        #expect(try StatesPageToken.number(token, "history-1-forward") == 12)
        #expect(throws: APIError.states("InvalidToken", "Invalid Token: '\(token)' is not a nextToken of this listing")) {
            try StatesPageToken.number(token, "history-2-forward")
        }
        #expect((try? StatesPageToken.read("%%%", "machines")) == nil)
    }

    @Test func refusalsNameAWSErrorsAndBodiesFitTheModel() throws {
        let harness = try Harness()
        let created = try harness.ok("CreateStateMachine", ["name": "m", "definition": Self.pass, "roleArn": Self.role])
        let arn = try #require(created["stateMachineArn"]?.string)
        #expect(harness.service.perform("SendTaskSuccess", body: Data()).failureCode == "UnknownOperationException")
        #expect(try harness.refusal("CreateStateMachine", ["name": "m", "definition": Self.pass, "roleArn": "role"])?.code == "InvalidArn")
        #expect(try harness.refusal("CreateStateMachine", ["name": "m", "definition": 7, "roleArn": Self.role])?.code == "ValidationException")
        #expect(try harness.refusal("UpdateStateMachine", ["stateMachineArn": arn])?.code == "MissingRequiredParameter")
        // AWS answers a member outside its bounds with ValidationException on every operation, though the model
        // declares it only on some (not ListStateMachines): not kept for the model's check.
        #expect(harness.service.perform("ListStateMachines", body: Data(#"{"maxResults": 1001}"#.utf8)).failureCode == "ValidationException")
        #expect(try harness.refusal("ListExecutions", [:])?.code == "ValidationException")
        #expect(try harness.refusal("StartExecution", ["stateMachineArn": arn, "input": String(repeating: " ", count: 262_145)])?.code
                == "InvalidExecutionInput")
        let started = try harness.ok("StartExecution", ["stateMachineArn": arn, "input": #"{"x": [1, 2]}"#])
        let execution = try #require(started["executionArn"]?.string)
        #expect(execution.hasPrefix("arn:aws:states:us-east-1:000000000000:execution:m:"))
        let history = try harness.ok("GetExecutionHistory", ["executionArn": execution])
        #expect(history["events"]?.array?.first?["executionStartedEventDetails"]?["input"]?.string == #"{"x":[1,2]}"#)
        #expect(try harness.refusal("StopExecution", ["executionArn": execution, "error": String(repeating: "e", count: 257)])?.code
                == "ValidationException")
        let stopped = try harness.ok("StopExecution", ["executionArn": execution, "cause": "enough"])
        let described = try harness.ok("DescribeExecution", ["executionArn": execution])
        #expect(described["status"]?.string == "ABORTED" && described["cause"]?.string == "enough")
        #expect(described["stopDate"] == stopped["stopDate"])
        _ = try harness.ok("DeleteStateMachine", ["stateMachineArn": arn])
        let listed = try harness.ok("ListExecutions", ["stateMachineArn": arn])
        #expect(listed["executions"]?.array?.count == 1, "a deleted machine's executions are still listed")
        try harness.checkBodies()
    }

    @Test func anARNOfAnotherRegionOrAccountNamesNothingHere() throws {
        let harness = try Harness(arns: ARNBuilder(region: "eu-west-1", account: "123456789012"))
        let created = try harness.ok("CreateStateMachine", ["name": "m", "definition": Self.pass, "roleArn": Self.role])
        #expect(created["stateMachineArn"]?.string == "arn:aws:states:eu-west-1:123456789012:stateMachine:m")
        #expect(try harness.refusal("DescribeStateMachine", ["stateMachineArn": "arn:aws:states:us-east-1:000000000000:stateMachine:m"])?.code
                == "StateMachineDoesNotExist")
        let started = try harness.ok("StartExecution", ["stateMachineArn": "arn:aws:states:eu-west-1:123456789012:stateMachine:m", "name": "e"])
        #expect(started["executionArn"]?.string == "arn:aws:states:eu-west-1:123456789012:execution:m:e")
        #expect(try harness.refusal("DescribeExecution", ["executionArn": "arn:aws:states:us-east-1:000000000000:execution:m:e"])?.code
                == "ExecutionDoesNotExist")
        try harness.checkBodies()
    }
}

extension Result where Failure == APIError {
    /// The error's code, nil on success.
    var failureCode: String? {
        if case .failure(let error) = self { return error.code }
        return nil
    }
}
