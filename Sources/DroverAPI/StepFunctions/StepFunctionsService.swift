import DroverCore
import DroverStore
import Foundation

/// AWS Step Functions' operations over one store, as `drover serve --api` answers them (the awsJson 1.0 protocol:
/// `POST /` with `X-Amz-Target: AWSStepFunctions.<Operation>`): each takes the JSON body of its request and gives
/// the JSON body of its response, or an ``APIError`` whose code is an error shape of AWS's model.
public final class StepFunctionsService: Sendable {
    /// The store worked on.
    public let store: Store
    /// The region and account of this server's ARNs.
    public let arns: ARNBuilder
    /// Called after a change the engine should see at once (an execution started or stopped).
    let wake: @Sendable () -> Void

    /// The prefix of `X-Amz-Target` for Step Functions' operations.
    public static let targetPrefix = "AWSStepFunctions."
    /// The name requests are signed for (SigV4's service).
    public static let signingName = "states"

    /// Creates the operations over `store`; `wake` tells a running engine to look at the store now.
    public init(store: Store, arns: ARNBuilder = .standard, wake: @escaping @Sendable () -> Void = {}) {
        self.store = store
        self.arns = arns
        self.wake = wake
    }

    /// Whether `operation` only reads the store (`Describe*`, `List*`, `Get*`).
    static func isRead(_ operation: String) -> Bool {
        ["Describe", "List", "Get"].contains { operation.hasPrefix($0) }
    }

    /// Performs `operation` (`StartExecution`) on the JSON `body`.
    public func perform(_ operation: String, body: Data) -> Result<Data, APIError> {
        guard let handler = Self.operations[operation] else {
            return .failure(.states("UnknownOperationException",
                                    "\(operation) is not an operation of Step Functions that Drover serves (docs/workflows.md lists them)"))
        }
        do {
            return .success(try handler(self, body.isEmpty ? Data("{}".utf8) : body))
        } catch let error as APIError {
            return .failure(error)
        } catch let error as DroverError {
            return .failure(error.exitCode == 2 ? .states("ValidationException", error.message) : .server(error.message))
        } catch {
            return .failure(.server("\(error)"))
        }
    }

    typealias Handler = @Sendable (StepFunctionsService, Data) throws -> Data

    /// The operations, by name.
    static let operations: [String: Handler] = {
        var table: [String: Handler] = [:]
        func add<Request: Decodable & SendableMetatype, Response: Encodable & SendableMetatype>(
            _ name: String, _ run: @escaping @Sendable (StepFunctionsService, Request) throws -> Response
        ) {
            table[name] = { service, body in
                try ResponseEncoder.encode(try run(service, try StepFunctionsService.decode(Request.self, body, operation: name)))
            }
        }
        add("CreateStateMachine") { try $0.createStateMachine($1) }
        add("DescribeStateMachine") { try $0.describeStateMachine($1) }
        add("ListStateMachines") { try $0.listStateMachines($1) }
        add("UpdateStateMachine") { try $0.updateStateMachine($1) }
        add("DeleteStateMachine") { try $0.deleteStateMachine($1) }
        add("StartExecution") { try $0.startExecution($1) }
        add("DescribeExecution") { try $0.describeExecution($1) }
        add("StopExecution") { try $0.stopExecution($1) }
        add("ListExecutions") { try $0.listExecutions($1) }
        add("GetExecutionHistory") { try $0.executionHistory($1) }
        return table
    }()

    /// Reads a request body; a JSON or type error is a `ValidationException` naming the member.
    static func decode<T: Decodable>(_ type: T.Type, _ body: Data, operation: String) throws(APIError) -> T {
        do {
            return try JSONDecoder().decode(T.self, from: body)
        } catch let error as DecodingError {
            throw APIError.states("ValidationException", "\(operation): \(RequestDecoder.describe(error))")
        } catch {
            throw APIError.states("ValidationException", "\(operation): the request body is not valid JSON")
        }
    }

    // MARK: - ARNs

    /// The name of the state machine `arn` names on this server: `InvalidArn` for text that is not a state machine's
    /// ARN; nil for the ARN of another region or account (which names nothing here).
    func machineName(_ arn: String, field: String = "stateMachineArn") throws(APIError) -> String? {
        guard let parsed = StatesARN(arn), case .stateMachine(let name) = parsed.resource else {
            throw APIError.states("InvalidArn", "Invalid Arn: '\(arn)' is not a state machine's ARN "
                                  + "(arn:aws:states:\(arns.region):\(arns.account):stateMachine:NAME) in \(field)")
        }
        return parsed.isOwn(arns) ? name : nil
    }

    /// The state machine `arn` names: `InvalidArn` or `StateMachineDoesNotExist` when there is none.
    func existingMachine(_ arn: String) throws -> StateMachineRecord {
        guard let name = try machineName(arn), let machine = try store.stateMachine(name) else {
            throw APIError.states("StateMachineDoesNotExist", "State Machine Does Not Exist: '\(arn)'")
        }
        return machine
    }

    /// The execution `arn` names: `InvalidArn` for text that is not an execution's ARN, `ExecutionDoesNotExist`
    /// when there is none.
    func existingExecution(_ arn: String) throws -> ExecutionRecord {
        guard let parsed = StatesARN(arn), case .execution = parsed.resource else {
            throw APIError.states("InvalidArn", "Invalid Arn: '\(arn)' is not an execution's ARN "
                                  + "(arn:aws:states:\(arns.region):\(arns.account):execution:MACHINE:NAME)")
        }
        guard parsed.isOwn(arns), let execution = try store.execution(arn), execution.arn == arn else {
            throw APIError.states("ExecutionDoesNotExist", "Execution Does Not Exist: '\(arn)'")
        }
        return execution
    }

    /// `maxResults` checked: 0 or absent is `fallback`, above 1000 or below 0 a `ValidationException`.
    static func pageSize(_ value: Int?, fallback: Int = 100) throws(APIError) -> Int {
        guard let value, value != 0 else { return fallback }
        guard (1...1000).contains(value) else {
            throw APIError.states("ValidationException",
                                  "1 validation error detected: Value '\(value)' at 'maxResults' failed to satisfy constraint: "
                                  + "Member must have value between 0 and 1000")
        }
        return value
    }

    /// `text` cut to `limit` characters (AWS's bounds on `error` and `cause`).
    static func bounded(_ text: String?, _ limit: Int) -> String? {
        guard let text else { return nil }
        return text.count <= limit ? text : String(text.prefix(limit))
    }
}
