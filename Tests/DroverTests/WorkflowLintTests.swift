import DroverCore
import Foundation
import ModelValidatorSupport
import Testing

/// Drover's reading of Amazon States Language checked against cfn-lint 1.51.0 (PyPI, installed by scripts/test), whose
/// rule E3601 validates an `AWS::StepFunctions::StateMachine`'s `Definition`: the definitions Drover accepts pass it,
/// and the bad ones it checks (structure, types, field names, `StartAt`) Drover refuses too.
///
/// cfn-lint does not check that `Next` names a state, reachability, a terminal state, `States.ALL` being last, nor
/// values Step Functions bounds more tightly than its schema (`BackoffRate` < 1, `IntervalSeconds` 0...): those are
/// WorkflowDefinitionTests' alone.
struct WorkflowLintTests {
    /// The issue's example, with the `"End": true` its `Parallel` state needs.
    static let issueExample = """
        {"StartAt": "ProcessBatch", "States": {"ProcessBatch": {"Type": "Parallel", "End": true, "Branches": [
          {"StartAt": "ProcessDataSet1", "States": {"ProcessDataSet1": {"Type": "Task", "Resource": "arn:aws:states:::batch:submitJob",
           "Parameters": {"JobName": "ProcessDataSet1", "JobQueue": "SpotQueue", "JobDefinition": "DataProcessor"}, "End": true}}}]}}}
        """

    /// Map, Choice, Wait, Retry, Catch and Parallel together.
    static let pipeline = """
        {
          "Comment": "Fan out batch jobs, retry and catch their failures",
          "StartAt": "Route",
          "TimeoutSeconds": 86400,
          "States": {
            "Route": {"Type": "Choice", "Choices": [
                {"Variable": "$.mode", "StringEquals": "later", "Next": "Pause"},
                {"Or": [{"Variable": "$.count", "NumericLessThan": 1}, {"Variable": "$.items", "IsPresent": false}], "Next": "Nothing to do"}
              ], "Default": "Both"},
            "Pause": {"Type": "Wait", "Seconds": 30, "Next": "Both"},
            "Both": {"Type": "Parallel", "ResultPath": "$.results", "Next": "Each", "Branches": [
                {"StartAt": "Prepare", "States": {"Prepare": {"Type": "Task", "Resource": "arn:aws:states:::batch:submitJob.sync",
                  "Parameters": {"JobName": "prepare", "JobQueue": "SpotQueue", "JobDefinition": "Prepare", "Parameters": {"input.$": "$.input"}},
                  "TimeoutSeconds": 3600, "HeartbeatSeconds": 600,
                  "Retry": [{"ErrorEquals": ["Batch.AWSBatchException"], "IntervalSeconds": 2, "MaxAttempts": 5, "BackoffRate": 2.0},
                            {"ErrorEquals": ["States.ALL"], "MaxAttempts": 1}],
                  "End": true}}},
                {"StartAt": "Index", "States": {"Index": {"Type": "Task", "Resource": "arn:aws:states:::batch:submitJob",
                  "Parameters": {"JobName": "index", "JobQueue": "OnDemandQueue", "JobDefinition.$": "$.indexDefinition"}, "End": true}}}
              ], "Catch": [{"ErrorEquals": ["States.ALL"], "ResultPath": "$.error", "Next": "Failed"}]},
            "Each": {"Type": "Map", "ItemsPath": "$.items", "MaxConcurrency": 4, "ItemSelector": {"item.$": "$$.Map.Item.Value"},
              "ItemProcessor": {"ProcessorConfig": {"Mode": "INLINE"}, "StartAt": "Process", "States": {"Process": {"Type": "Task",
                "Resource": "arn:aws:states:::batch:submitJob.sync",
                "Parameters": {"JobName": "process", "JobQueue": "SpotQueue", "JobDefinition": "Process"},
                "Catch": [{"ErrorEquals": ["States.TaskFailed"], "Next": "Skipped"}], "End": true},
                "Skipped": {"Type": "Pass", "Result": "skipped", "End": true}}},
              "Next": "Done"},
            "Nothing to do": {"Type": "Succeed"},
            "Done": {"Type": "Succeed"},
            "Failed": {"Type": "Fail", "Error": "Pipeline.Failed", "Cause": "a branch failed"}
          }
        }
        """

    static let parameters = #""Parameters": {"JobName": "j", "JobQueue": "q", "JobDefinition": "d"}"#

    static func task(_ rest: String) -> String {
        #"{"Type": "Task", "Resource": "arn:aws:states:::batch:submitJob.sync", \#(parameters), \#(rest)}"#
    }

    /// Definitions that both Drover and cfn-lint refuse, by name.
    static let refusedByBoth: [(name: String, definition: String)] = [
        ("StartAt missing", #"{"States": {"A": {"Type": "Succeed"}}}"#),
        ("States missing", #"{"StartAt": "A"}"#),
        ("StartAt naming no state", #"{"StartAt": "B", "States": {"A": {"Type": "Succeed"}}}"#),
        ("unknown Type", #"{"StartAt": "A", "States": {"A": {"Type": "Lambda", "End": true}}}"#),
        ("no Type", #"{"StartAt": "A", "States": {"A": {"End": true}}}"#),
        ("Seconds on a Task", #"{"StartAt": "A", "States": {"A": \#(task(#""Seconds": 5, "End": true"#))}}"#),
        ("Next and End", #"{"StartAt": "A", "States": {"A": \#(task(#""Next": "B", "End": true"#)), "B": {"Type": "Succeed"}}}"#),
        ("End false", #"{"StartAt": "A", "States": {"A": {"Type": "Pass", "End": false}}}"#),
        ("Next on a Succeed state", #"{"StartAt": "A", "States": {"A": {"Type": "Succeed", "Next": "A"}}}"#),
        ("Choice without Choices", #"{"StartAt": "A", "States": {"A": {"Type": "Choice", "Default": "B"}, "B": {"Type": "Succeed"}}}"#),
        ("choice rule without Next", #"{"StartAt": "A", "States": {"A": {"Type": "Choice", "Choices": [{"Variable": "$.x", "StringEquals": "a"}], "Default": "B"}, "B": {"Type": "Succeed"}}}"#),
        ("unknown comparator", #"{"StartAt": "A", "States": {"A": {"Type": "Choice", "Choices": [{"Variable": "$.x", "StringEqual": "a", "Next": "B"}]}, "B": {"Type": "Succeed"}}}"#),
        ("two comparators", #"{"StartAt": "A", "States": {"A": {"Type": "Choice", "Choices": [{"Variable": "$.x", "IsPresent": true, "IsNull": false, "Next": "B"}]}, "B": {"Type": "Succeed"}}}"#),
        ("negative Wait Seconds", #"{"StartAt": "A", "States": {"A": {"Type": "Wait", "Seconds": -1, "End": true}}}"#),
        ("MaxAttempts below 0", #"{"StartAt": "A", "States": {"A": \#(task(#""Retry": [{"ErrorEquals": ["States.Timeout"], "MaxAttempts": -1}], "End": true"#))}}"#),
        ("negative IntervalSeconds", #"{"StartAt": "A", "States": {"A": \#(task(#""Retry": [{"ErrorEquals": ["States.Timeout"], "IntervalSeconds": -1}], "End": true"#))}}"#),
        ("negative BackoffRate", #"{"StartAt": "A", "States": {"A": \#(task(#""Retry": [{"ErrorEquals": ["States.Timeout"], "BackoffRate": -1}], "End": true"#))}}"#),
        ("retrier without ErrorEquals", #"{"StartAt": "A", "States": {"A": \#(task(#""Retry": [{"MaxAttempts": 1}], "End": true"#))}}"#),
        ("Catch without Next", #"{"StartAt": "A", "States": {"A": \#(task(#""Catch": [{"ErrorEquals": ["States.ALL"]}], "End": true"#))}}"#),
        ("Retry on a Pass state", #"{"StartAt": "A", "States": {"A": {"Type": "Pass", "Retry": [{"ErrorEquals": ["States.ALL"]}], "End": true}}}"#),
        ("Catch on a Wait state", #"{"StartAt": "A", "States": {"A": {"Type": "Wait", "Seconds": 1, "Catch": [], "End": true}}}"#),
        ("TimeoutSeconds 0", #"{"StartAt": "A", "States": {"A": \#(task(#""TimeoutSeconds": 0, "End": true"#))}}"#),
        ("Map without processor", #"{"StartAt": "A", "States": {"A": {"Type": "Map", "End": true}}}"#),
        ("Map with Iterator and ItemProcessor", #"{"StartAt": "A", "States": {"A": {"Type": "Map", "Iterator": {"StartAt": "B", "States": {"B": {"Type": "Succeed"}}}, "ItemProcessor": {"StartAt": "B", "States": {"B": {"Type": "Succeed"}}}, "End": true}}}"#),
        ("MaxConcurrency below 0", #"{"StartAt": "A", "States": {"A": {"Type": "Map", "MaxConcurrency": -1, "Iterator": {"StartAt": "B", "States": {"B": {"Type": "Succeed"}}}, "End": true}}}"#),
        ("Parallel without Branches", #"{"StartAt": "A", "States": {"A": {"Type": "Parallel", "End": true}}}"#),
        ("InputPath not a path", #"{"StartAt": "A", "States": {"A": {"Type": "Pass", "InputPath": "detail", "End": true}}}"#),
        ("ResultPath not a path", #"{"StartAt": "A", "States": {"A": {"Type": "Pass", "ResultPath": "result", "End": true}}}"#),
        ("state name of 81 characters", #"{"StartAt": "A", "States": {"A": {"Type": "Succeed"}, "\#(String(repeating: "n", count: 81))": {"Type": "Succeed"}}}"#),
        ("unknown top-level field", #"{"StartAt": "A", "States": {"A": {"Type": "Succeed"}}, "Timeout": 5}"#),
    ]

    /// `definition` as the `Definition` (an object) of a state machine in a CloudFormation template.
    static func template(_ definition: String) throws -> String {
        let value = try JSONValue(parsing: definition)
        let template: JSONValue = .object([
            "AWSTemplateFormatVersion": .string("2010-09-09"),
            "Resources": .object(["Machine": .object([
                "Type": .string("AWS::StepFunctions::StateMachine"),
                "Properties": .object(["RoleArn": .string("arn:aws:iam::123456789012:role/StepFunctions"), "Definition": value]),
            ])]),
        ])
        return template.document
    }

    /// What cfn-lint says of each definition (empty: nothing), all linted in one run.
    static func lint(_ definitions: [String]) throws -> [String] {
        let sandbox = try Sandbox()
        var paths: [String] = []
        for (index, definition) in definitions.enumerated() {
            paths.append(try sandbox.write("machine-\(index).json", try template(definition)))
        }
        let (status, output) = try Python.run(["-c", "import sys; from cfnlint.runner import main; sys.exit(main())", "--format", "parseable", "--"] + paths)
        #expect(status == 0 || !output.isEmpty, "cfn-lint exited \(status) saying nothing")
        let lines = output.split(separator: "\n").map(String.init)
        return paths.map { path in lines.filter { $0.hasPrefix("\(path):") }.joined(separator: "\n") }
    }

    @Test func goodDefinitionsPassDroverAndCfnLint() throws {
        let definitions = [Self.issueExample, Self.pipeline]
        for definition in definitions {
            let issues = try WorkflowDefinition.check(text: definition, path: "machine.json").issues
            #expect(issues.isEmpty, "\(issues.map(\.description).joined(separator: "\n"))")
        }
        #expect(try Self.lint(definitions) == ["", ""])
    }

    /// A state with neither `Next` nor `End`, as the issue's example has it: Drover runs it (the state ends the
    /// execution) and warns; Step Functions and cfn-lint refuse it.
    static let warnedByDroverRefusedByCfnLint: [(name: String, definition: String)] = [
        ("the issue's example as written", issueExample.replacingOccurrences(of: #""End": true, "Branches""#, with: #""Branches""#)),
        ("neither Next nor End", #"{"StartAt": "A", "States": {"A": \#(task(#""Comment": "x""#))}}"#),
    ]

    @Test func aStateWithoutNextOrEndIsAWarningHereAndRefusedThere() throws {
        let findings = try Self.lint(Self.warnedByDroverRefusedByCfnLint.map(\.definition))
        for ((name, definition), finding) in zip(Self.warnedByDroverRefusedByCfnLint, findings) {
            let definition = try WorkflowDefinition.parse(text: definition, path: "machine.json")
            #expect(definition.warnings.count == 1 && definition.warnings[0].message.contains("add \"End\": true"), "\(name): \(definition.warnings)")
            #expect(finding.contains("E3601"), "cfn-lint accepts: \(name): \(finding)")
        }
    }

    @Test func badDefinitionsAreRefusedByDroverAndCfnLint() throws {
        let findings = try Self.lint(Self.refusedByBoth.map(\.definition))
        for ((name, definition), finding) in zip(Self.refusedByBoth, findings) {
            let issues = try WorkflowDefinition.check(text: definition, path: "machine.json").issues
            #expect(!issues.isEmpty, "Drover accepts: \(name)")
            #expect(finding.contains("E3601"), "cfn-lint accepts: \(name): \(finding)")
        }
    }
}
