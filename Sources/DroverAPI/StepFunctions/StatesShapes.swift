import DroverCore
import Foundation

/// The request and response bodies of the Step Functions operations Drover serves, named and typed as in AWS's model
/// (`stepfunctions/2016-11-23`): times are epoch seconds (with a fraction), as the awsJson protocol writes them.
enum StatesShapes {
    /// Epoch seconds of epoch milliseconds.
    static func seconds(_ millis: EpochMillis) -> Double { Double(millis) / 1000 }

    struct CreateStateMachineRequest: Decodable {
        var name: String
        var definition: String
        var roleArn: String
        var type: String?
    }

    struct CreateStateMachineResponse: Encodable {
        var stateMachineArn: String
        var creationDate: Double
    }

    struct StateMachineRequest: Decodable {
        var stateMachineArn: String
    }

    struct DescribeStateMachineResponse: Encodable {
        var stateMachineArn: String
        var name: String
        var status = "ACTIVE"
        var definition: String
        var roleArn: String
        var type = "STANDARD"
        var creationDate: Double
    }

    struct ListStateMachinesRequest: Decodable {
        var maxResults: Int?
        var nextToken: String?
    }

    struct StateMachineListItem: Encodable {
        var stateMachineArn: String
        var name: String
        var type = "STANDARD"
        var creationDate: Double
    }

    struct ListStateMachinesResponse: Encodable {
        var stateMachines: [StateMachineListItem]
        var nextToken: String?
    }

    struct UpdateStateMachineRequest: Decodable {
        var stateMachineArn: String
        var definition: String?
        var roleArn: String?
    }

    struct UpdateStateMachineResponse: Encodable {
        var updateDate: Double
    }

    struct StartExecutionRequest: Decodable {
        var stateMachineArn: String
        var name: String?
        var input: String?
    }

    struct StartExecutionResponse: Encodable {
        var executionArn: String
        var startDate: Double
    }

    struct ExecutionRequest: Decodable {
        var executionArn: String
    }

    /// `inputDetails` and `outputDetails` of DescribeExecution: whether the data is in the response.
    struct DataDetails: Encodable {
        var included = true
    }

    struct DescribeExecutionResponse: Encodable {
        var executionArn: String
        var stateMachineArn: String
        var name: String
        var status: String
        var startDate: Double
        var stopDate: Double?
        var input: String
        var inputDetails = DataDetails()
        var output: String?
        var outputDetails: DataDetails?
        var error: String?
        var cause: String?
    }

    struct StopExecutionRequest: Decodable {
        var executionArn: String
        var error: String?
        var cause: String?
    }

    struct StopExecutionResponse: Encodable {
        var stopDate: Double
    }

    struct ListExecutionsRequest: Decodable {
        var stateMachineArn: String?
        var statusFilter: String?
        var maxResults: Int?
        var nextToken: String?
        var mapRunArn: String?
        var redriveFilter: String?
    }

    struct ExecutionListItem: Encodable {
        var executionArn: String
        var stateMachineArn: String
        var name: String
        var status: String
        var startDate: Double
        var stopDate: Double?
    }

    struct ListExecutionsResponse: Encodable {
        var executions: [ExecutionListItem]
        var nextToken: String?
    }

    struct GetExecutionHistoryRequest: Decodable {
        var executionArn: String
        var maxResults: Int?
        var reverseOrder: Bool?
        var nextToken: String?
        var includeExecutionData: Bool?
    }

    struct GetExecutionHistoryResponse: Encodable {
        /// Each event: `timestamp`, `type`, `id`, `previousEventId` and its details member.
        var events: [JSONValue]
        var nextToken: String?
    }
}
