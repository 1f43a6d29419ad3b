import Foundation
import DroverCore
import Testing

/// Reading Amazon States Language definitions: the model each field becomes, and every problem Step Functions would
/// refuse, reported at once with its line, field path and what to do.
struct WorkflowDefinitionTests {
    /// The issue's example, with the `"End": true` Step Functions (and cfn-lint) require of its `Parallel` state.
    static let issueExample = """
        {"StartAt": "ProcessBatch", "States": {"ProcessBatch": {"Type": "Parallel", "End": true, "Branches": [
          {"StartAt": "ProcessDataSet1", "States": {"ProcessDataSet1": {"Type": "Task", "Resource": "arn:aws:states:::batch:submitJob",
           "Parameters": {"JobName": "ProcessDataSet1", "JobQueue": "SpotQueue", "JobDefinition": "DataProcessor"}, "End": true}}}]}}}
        """

    /// Every state type, the newer and older Map names, retriers and catchers.
    static let everyType = """
        {
          "Comment": "Every state type",
          "StartAt": "Prepare",
          "TimeoutSeconds": 3600,
          "States": {
            "Prepare": {"Type": "Pass", "Result": {"items": [1, 2]}, "ResultPath": "$.prepared", "Next": "Route"},
            "Route": {"Type": "Choice", "Choices": [
                {"Variable": "$.mode", "StringEquals": "fast", "Next": "Fan"},
                {"And": [{"Variable": "$.count", "NumericGreaterThan": 10}, {"Not": {"Variable": "$.skip", "BooleanEquals": true}}], "Next": "Pause"}
              ], "Default": "Give up"},
            "Pause": {"Type": "Wait", "SecondsPath": "$.delay", "Next": "Fan"},
            "Fan": {"Type": "Parallel", "Branches": [
                {"StartAt": "Run", "States": {"Run": {"Type": "Task", "Resource": "arn:aws:states:::batch:submitJob.sync",
                  "Parameters": {"JobName": "run", "JobQueue": "SpotQueue", "JobDefinition.$": "$.definition"},
                  "TimeoutSeconds": 600, "HeartbeatSeconds": 60, "ResultSelector": {"id.$": "$.JobId"},
                  "Retry": [{"ErrorEquals": ["States.TaskFailed"]},
                            {"ErrorEquals": ["States.ALL"], "IntervalSeconds": 5, "MaxAttempts": 2, "BackoffRate": 1.5, "MaxDelaySeconds": 60, "JitterStrategy": "FULL"}],
                  "End": true}}}
              ], "ResultPath": null, "Catch": [{"ErrorEquals": ["States.ALL"], "ResultPath": null, "Next": "Give up"}], "Next": "Each"},
            "Each": {"Type": "Map", "ItemsPath": "$.prepared.items", "MaxConcurrency": 2, "ItemSelector": {"value.$": "$$.Map.Item.Value"},
              "ItemProcessor": {"ProcessorConfig": {"Mode": "INLINE"}, "StartAt": "Item", "States": {"Item": {"Type": "Task",
                "Resource": "arn:aws:states:::batch:submitJob", "Parameters": {"JobName": "item", "JobQueue": "q", "JobDefinition": "d"}, "End": true}}},
              "OutputPath": "$.result", "Next": "Older map"},
            "Older map": {"Type": "Map", "Iterator": {"StartAt": "Nothing", "States": {"Nothing": {"Type": "Succeed"}}},
              "Parameters": {"x.$": "$"}, "InputPath": null, "Next": "Until"},
            "Until": {"Type": "Wait", "Timestamp": "2026-12-01T05:00:00Z", "Next": "Done"},
            "Done": {"Type": "Succeed"},
            "Give up": {"Type": "Fail", "Error": "Pipeline.Failed", "Cause": "a branch failed"}
          }
        }
        """

    static func parse(_ text: String) throws -> WorkflowDefinition {
        try WorkflowDefinition.parse(text: text, path: "flow.json")
    }

    /// The issues of `text`, none expected to be thrown otherwise.
    static func issues(_ text: String) throws -> [ValidationIssue] {
        try WorkflowDefinition.check(text: text, path: "flow.json").issues
    }

    @Test func theIssueExampleParses() throws {
        let definition = try Self.parse(Self.issueExample)
        let task = WorkflowState(
            name: "ProcessDataSet1", kind: .task(TaskSpec(resource: "arn:aws:states:::batch:submitJob", integration: .submitJob)), transition: .end,
            parameters: .object(["JobName": .string("ProcessDataSet1"), "JobQueue": .string("SpotQueue"), "JobDefinition": .string("DataProcessor")]))
        let branch = StateMachine(startAt: "ProcessDataSet1", states: ["ProcessDataSet1": task], order: ["ProcessDataSet1"])
        let parallel = WorkflowState(name: "ProcessBatch", kind: .parallel(branches: [branch]), transition: .end)
        #expect(definition.machine == StateMachine(startAt: "ProcessBatch", states: ["ProcessBatch": parallel], order: ["ProcessBatch"]))
        let tasks = definition.batchTasks()
        #expect(tasks.map(\.field) == ["States.ProcessBatch.Branches[0].States.ProcessDataSet1"])
        #expect(tasks.first?.location == "flow.json:3")
        #expect(tasks.first?.machinePath == MachinePath.top.appending(state: "ProcessBatch", branch: 0))
        #expect(tasks.first?.parameters["JobQueue"] == .string("SpotQueue"))
        #expect(tasks.first?.integration == .submitJob)
    }

    /// As the issue writes it, the top-level `Parallel` state has neither `Next` nor `End`: Step Functions refuses
    /// that (cfn-lint too); Drover runs it, the state ending the execution, and warns with what to add.
    @Test func theIssueExampleAsWrittenRunsWithAWarning() throws {
        let text = Self.issueExample.replacingOccurrences(of: #""End": true, "Branches""#, with: #""Branches""#)
        #expect(try Self.issues(text).isEmpty)
        let definition = try Self.parse(text)
        #expect(definition.machine.states["ProcessBatch"]?.transition == .end)
        #expect(definition.warnings.count == 1, "\(definition.warnings)")
        #expect(definition.warnings.first?.field == "States.ProcessBatch")
        #expect(definition.warnings.first?.location == "flow.json:1")
        #expect(definition.warnings.first?.message.contains("Parallel state 'ProcessBatch' has neither Next nor End") == true)
    }

    @Test func everyStateTypeParses() throws {
        let machine = try Self.parse(Self.everyType).machine
        #expect(machine.order == ["Prepare", "Route", "Pause", "Fan", "Each", "Older map", "Until", "Done", "Give up"])
        #expect(machine.timeoutSeconds == 3600)
        #expect(machine.comment == "Every state type")
        let prepare = try #require(machine.states["Prepare"])
        #expect(prepare.kind == .pass(result: .object(["items": .array([.integer(1), .integer(2)])])))
        #expect(prepare.resultPath == .path("$.prepared"))
        #expect(prepare.transition == .next("Route"))
        #expect(prepare.inputPath == .whole && prepare.outputPath == .whole)

        let route = try #require(machine.states["Route"])
        #expect(route.transition == .none)
        #expect(route.kind == .choice(choices: [
            ChoiceBranch(rule: .test(variable: "$.mode", comparator: "StringEquals", operand: .string("fast")), next: "Fan"),
            ChoiceBranch(rule: .and([
                .test(variable: "$.count", comparator: "NumericGreaterThan", operand: .integer(10)),
                .not(.test(variable: "$.skip", comparator: "BooleanEquals", operand: .bool(true))),
            ]), next: "Pause"),
        ], defaultState: "Give up"))
        #expect(machine.states["Pause"]?.kind == .wait(.secondsPath("$.delay")))
        #expect(machine.states["Until"]?.kind == .wait(.timestamp("2026-12-01T05:00:00Z")))

        let fan = try #require(machine.states["Fan"])
        #expect(fan.resultPath == .null)
        #expect(fan.catchers == [Catcher(errorEquals: ["States.ALL"], next: "Give up", resultPath: .null)])
        guard case .parallel(let branches) = fan.kind else { Issue.record("Fan is \(fan.kind)"); return }
        let run = try #require(branches.first?.states["Run"])
        #expect(run.kind == .task(TaskSpec(resource: "arn:aws:states:::batch:submitJob.sync", integration: .submitJobSync, timeoutSeconds: 600, heartbeatSeconds: 60)))
        #expect(run.resultSelector == .object(["id.$": .string("$.JobId")]))
        #expect(run.retry == [
            Retrier(errorEquals: ["States.TaskFailed"], intervalSeconds: 1, maxAttempts: 3, backoffRate: 2.0, maxDelaySeconds: nil, jitter: .none),
            Retrier(errorEquals: ["States.ALL"], intervalSeconds: 5, maxAttempts: 2, backoffRate: 1.5, maxDelaySeconds: 60, jitter: .full),
        ])

        let each = try #require(machine.states["Each"])
        #expect(each.outputPath == .path("$.result"))
        guard case .map(let map) = each.kind else { Issue.record("Each is \(each.kind)"); return }
        #expect(map.itemsPath == .path("$.prepared.items"))
        #expect(map.maxConcurrency == 2)
        #expect(map.itemSelector == .object(["value.$": .string("$$.Map.Item.Value")]))
        #expect(map.processor.startAt == "Item")
        #expect(each.parameters == nil)

        let older = try #require(machine.states["Older map"])
        #expect(older.inputPath == .null)
        guard case .map(let oldMap) = older.kind else { Issue.record("Older map is \(older.kind)"); return }
        #expect(oldMap.itemSelector == .object(["x.$": .string("$")]), "Parameters of a Map is its item selector")
        #expect(oldMap.processor == StateMachine(startAt: "Nothing", states: ["Nothing": WorkflowState(name: "Nothing", kind: .succeed, transition: .none)], order: ["Nothing"]))
        #expect(oldMap.maxConcurrency == 0 && oldMap.itemsPath == .whole)

        #expect(machine.states["Give up"]?.kind == .fail(FailSpec(error: "Pipeline.Failed", cause: "a branch failed")))
        #expect(machine.states["Done"]?.kind == .succeed)
    }

    @Test func batchTasksAtEveryDepthWithTheirLines() throws {
        let definition = try Self.parse(Self.everyType)
        let tasks = definition.batchTasks()
        #expect(tasks.map(\.stateName) == ["Run", "Item"])
        #expect(tasks.map(\.field) == ["States.Fan.Branches[0].States.Run", "States.Each.ItemProcessor.States.Item"])
        #expect(tasks.map(\.location) == ["flow.json:14", "flow.json:22"])
        #expect(tasks.map(\.machinePath.description) == ["Fan/0", "Each/0"])
        #expect(definition.field(of: MachinePath.top.appending(state: "Older map", branch: 0)) == "States.Older map.Iterator")
        #expect(definition.location(of: "States.Until.Timestamp") == "flow.json:26")
    }

    @Test func waitAndFailVariants() throws {
        func state(_ body: String) throws -> WorkflowState? {
            try Self.parse(#"{"StartAt": "A", "States": {"A": \#(body)}}"#).machine.states["A"]
        }
        #expect(try state(#"{"Type": "Wait", "Seconds": 0, "End": true}"#)?.kind == .wait(.seconds(0)))
        #expect(try state(#"{"Type": "Wait", "TimestampPath": "$.at", "End": true}"#)?.kind == .wait(.timestampPath("$.at")))
        #expect(try state(#"{"Type": "Wait", "Timestamp": "2026-12-01T05:00:00.250+02:00", "End": true}"#)?.kind == .wait(.timestamp("2026-12-01T05:00:00.250+02:00")))
        #expect(try state(#"{"Type": "Fail", "ErrorPath": "$.error", "CausePath": "States.Format('{}', $.why)"}"#)?.kind
                    == .fail(FailSpec(errorPath: "$.error", causePath: "States.Format('{}', $.why)")))
        #expect(try state(#"{"Type": "Pass", "End": true, "OutputPath": null}"#)?.outputPath == .null)
    }

    @Test(arguments: [
        "arn:aws:states:::batch:submitJob", "arn:aws:states:::batch:submitJob.sync", "arn:aws:states:us-east-1:123456789012:batch:submitJob.sync",
        "arn:aws-cn:states:::batch:submitJob.sync", "arn:aws-us-gov:states:::batch:submitJob",
    ])
    func batchResourcesAreAccepted(resource: String) throws {
        let text = #"{"StartAt": "A", "States": {"A": {"Type": "Task", "Resource": "\#(resource)", "Parameters": {"JobName": "j", "JobQueue": "q", "JobDefinition": "d"}, "End": true}}}"#
        let task = try #require(try Self.parse(text).machine.states["A"])
        guard case .task(let spec) = task.kind else { Issue.record("\(task.kind)"); return }
        #expect(spec.integration == (resource.hasSuffix(".sync") ? .submitJobSync : .submitJob))
        #expect(spec.resource == resource)
    }

    @Test func yamlDefinitionsAreRead() throws {
        let yaml = """
            StartAt: Run
            States:
              Run:
                Type: Task
                Resource: arn:aws:states:::batch:submitJob.sync
                Parameters:
                  JobName: run
                  JobQueue: q
                  JobDefinition: d
                Next: Missing
            """
        let issues = try WorkflowDefinition.check(text: yaml, path: "flow.yaml").issues
        #expect(issues.map(\.field).contains("States.Run.Next"), "\(issues)")
        #expect(issues.first { $0.field == "States.Run.Next" }?.location == "flow.yaml:10")
    }

    /// Compact JSON (as stored) and JSON indented with tabs read as any other.
    @Test func compactAndTabIndentedJSON() throws {
        let compact = try JSONValue(parsing: Self.issueExample).document
        #expect(try Self.parse(compact).machine == Self.parse(Self.issueExample).machine)
        let tabbed = "{\n\t\"StartAt\": \"A\",\n\t\"States\": {\n\t\t\"A\": {\"Type\": \"Succeed\"}\n\t}\n}\n"
        #expect(try Self.parse(tabbed).machine.startAt == "A")
    }

    @Test func malformedJSONNamesLineAndColumn() throws {
        let issues = try Self.issues("{\n  \"StartAt\": \"A\",\n  \"States\": {\"A\": {\"Type\": \"Succeed\"}\n")
        #expect(issues.count == 1)
        #expect(issues.first?.message.contains("malformed JSON/YAML at line") == true, "\(issues)")
        #expect(issues.first?.location.hasPrefix("flow.json:") == true)
    }

    /// Many problems, at the top and in nested machines: all of them are reported, in the order of their lines.
    @Test func everyProblemIsReportedAtOnce() throws {
        let text = """
            {
              "StartAt": "Fan",
              "States": {
                "Fan": {"Type": "Parallel", "Next": "Nowhere", "Branches": [
                  {"StartAt": "B1", "States": {
                    "B1": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:f", "Seconds": 3, "Next": "Fan"}
                  }}]},
                "Each": {"Type": "Map", "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED"}, "StartAt": "I", "States": {
                  "I": {"Type": "Wait", "End": true}}}, "End": true},
                "Stop": {"Type": "Fail", "Error": "E", "ErrorPath": "$.e", "Retry": []}
              }
            }
            """
        let issues = try Self.issues(text)
        let found = issues.map { "\($0.location) \($0.field)" }
        #expect(found == [
            "flow.json:3 States",
            "flow.json:4 States.Fan.Next",
            "flow.json:5 States.Fan.Branches[0].States",
            "flow.json:6 States.Fan.Branches[0].States.B1.Seconds",
            "flow.json:6 States.Fan.Branches[0].States.B1.Resource",
            "flow.json:6 States.Fan.Branches[0].States.B1.Next",
            "flow.json:8 States.Each.ItemProcessor.ProcessorConfig.Mode",
            "flow.json:8 States.Each",
            "flow.json:9 States.Each.ItemProcessor.States.I",
            "flow.json:10 States.Stop.Retry",
            "flow.json:10 States.Stop.ErrorPath",
            "flow.json:10 States.Stop",
        ], "\(issues.map(\.description).joined(separator: "\n"))")
    }

    // MARK: Bad definitions

    /// One expected issue: its field, line and a part of its message.
    struct Expected: Sendable {
        var field: String
        var line: Int
        var fragment: String
    }

    /// A definition Step Functions refuses and what Drover says of it.
    struct Bad: Sendable, CustomTestStringConvertible {
        var name: String
        var text: String
        var expected: [Expected]
        var testDescription: String { name }

        /// The states, one a line from line 4, in a machine starting at `startAt`.
        init(_ name: String, startAt: String = "A", states: [String], _ expected: [Expected]) {
            self.name = name
            text = "{\n  \"StartAt\": \"\(startAt)\",\n  \"States\": {\n" + states.map { "    \($0)" }.joined(separator: ",\n") + "\n  }\n}"
            self.expected = expected
        }

        init(_ name: String, text: String, _ expected: [Expected]) {
            self.name = name
            self.text = text
            self.expected = expected
        }
    }

    static let parameters = #""Parameters": {"JobName": "j", "JobQueue": "q", "JobDefinition": "d"}"#

    /// A batch task named `name` with `rest` after its resource and parameters.
    static func task(_ name: String = "A", _ rest: String = #""End": true"#) -> String {
        #""\#(name)": {"Type": "Task", "Resource": "arn:aws:states:::batch:submitJob.sync", \#(parameters), \#(rest)}"#
    }

    static func retry(_ retriers: String) -> String { task("A", #""Retry": \#(retriers), "End": true"#) }

    static func e(_ field: String, _ line: Int, _ fragment: String) -> Expected { Expected(field: field, line: line, fragment: fragment) }

    static let badDefinitions: [Bad] = [
        Bad("Next names no state", states: [task("A", #""Next": "Nope""#)],
            [e("States", 3, "no state reachable from StartAt 'A' ends the state machine"), e("States.A.Next", 4, "Next names 'Nope', which is not a state of the state machine")]),
        Bad("no StartAt", text: #"{"States": {"A": {"Type": "Succeed"}}}"#, [e("", 1, "has no StartAt")]),
        Bad("no States", text: #"{"StartAt": "A"}"#, [e("", 1, "has no States")]),
        Bad("StartAt names no state", startAt: "B", states: [#""A": {"Type": "Succeed"}"#], [e("StartAt", 2, "StartAt names 'B', which is not a state")]),
        Bad("unknown Type", states: [#""A": {"Type": "Lambda", "End": true}"#], [e("States.A.Type", 4, "unknown Type \"Lambda\"")]),
        Bad("no Type", states: [#""A": {"End": true}"#], [e("States.A", 4, "has no Type")]),
        Bad("Seconds on a Task", states: [task("A", #""Seconds": 5, "End": true"#)], [e("States.A.Seconds", 4, "Field Seconds is not supported")]),
        Bad("Next and End", states: [task("A", #""Next": "B", "End": true"#), #""B": {"Type": "Succeed"}"#], [e("States.A.End", 4, "has both Next and End")]),
        Bad("End false", states: [#""A": {"Type": "Pass", "End": false}"#], [e("States.A.End", 4, "End must be true")]),
        Bad("unreachable state", states: [#""A": {"Type": "Succeed"}"#, #""B": {"Type": "Succeed"}"#], [e("States.B", 5, "cannot be reached from StartAt 'A'")]),
        Bad("no terminal state", states: [#""A": {"Type": "Pass", "Next": "B"}"#, #""B": {"Type": "Pass", "Next": "A"}"#], [e("States", 3, "ends the state machine")]),
        Bad("Choice without Choices", states: [#""A": {"Type": "Choice", "Default": "B"}"#, #""B": {"Type": "Succeed"}"#], [e("States.A", 4, "has no Choices")]),
        Bad("choice rule without Next", states: [#""A": {"Type": "Choice", "Choices": [{"Variable": "$.x", "StringEquals": "a"}], "Default": "B"}"#, #""B": {"Type": "Succeed"}"#],
            [e("States.A.Choices[0]", 4, "choice rule 0 has no Next")]),
        Bad("choice rule without Variable", states: [#""A": {"Type": "Choice", "Choices": [{"StringEquals": "a", "Next": "B"}]}"#, #""B": {"Type": "Succeed"}"#],
            [e("States.A.Choices[0]", 4, "no Variable")]),
        Bad("unknown comparator", states: [#""A": {"Type": "Choice", "Choices": [{"Variable": "$.x", "StringEqual": "a", "Next": "B"}]}"#, #""B": {"Type": "Succeed"}"#],
            [e("States.A.Choices[0].StringEqual", 4, "unknown comparator or field StringEqual"), e("States.A.Choices[0]", 4, "has no comparison")]),
        Bad("numeric comparator given text", states: [#""A": {"Type": "Choice", "Choices": [{"Variable": "$.x", "NumericEquals": "5", "Next": "B"}]}"#, #""B": {"Type": "Succeed"}"#],
            [e("States.A.Choices[0].NumericEquals", 4, "takes a number")]),
        Bad("two comparators", states: [#""A": {"Type": "Choice", "Choices": [{"Variable": "$.x", "IsPresent": true, "IsNull": false, "Next": "B"}]}"#, #""B": {"Type": "Succeed"}"#],
            [e("States.A.Choices[0].IsNull", 4, "exactly one comparison")]),
        Bad("Next inside And", states: [#""A": {"Type": "Choice", "Choices": [{"And": [{"Variable": "$.x", "IsPresent": true, "Next": "B"}], "Next": "B"}]}"#, #""B": {"Type": "Succeed"}"#],
            [e("States.A.Choices[0].And[0].Next", 4, "does not take Next")]),
        Bad("Wait without a time", states: [#""A": {"Type": "Wait", "End": true}"#], [e("States.A", 4, "none of Seconds, Timestamp")]),
        Bad("Wait with two times", states: [#""A": {"Type": "Wait", "Seconds": 5, "Timestamp": "2026-12-01T05:00:00Z", "End": true}"#],
            [e("States.A.Timestamp", 4, "keep exactly one")]),
        Bad("bad timestamp", states: [#""A": {"Type": "Wait", "Timestamp": "2026-12-01 05:00", "End": true}"#], [e("States.A.Timestamp", 4, "RFC 3339")]),
        Bad("negative Seconds", states: [#""A": {"Type": "Wait", "Seconds": -1, "End": true}"#], [e("States.A.Seconds", 4, "from 0 to 99999999")]),
        Bad("Error and ErrorPath", states: [#""A": {"Type": "Fail", "Error": "E", "ErrorPath": "$.e"}"#], [e("States.A.ErrorPath", 4, "has both Error and ErrorPath")]),
        Bad("States.ALL with others", states: [retry(#"[{"ErrorEquals": ["States.ALL", "States.Timeout"]}]"#)], [e("States.A.Retry[0].ErrorEquals", 4, "States.ALL must be alone")]),
        Bad("States.ALL not last", states: [retry(#"[{"ErrorEquals": ["States.ALL"]}, {"ErrorEquals": ["States.Timeout"]}]"#)],
            [e("States.A.Retry[0].ErrorEquals", 4, "is not the last of Retry")]),
        Bad("MaxAttempts below 0", states: [retry(#"[{"ErrorEquals": ["States.Timeout"], "MaxAttempts": -1}]"#)], [e("States.A.Retry[0].MaxAttempts", 4, "MaxAttempts must be a whole number from 0")]),
        Bad("BackoffRate below 1", states: [retry(#"[{"ErrorEquals": ["States.Timeout"], "BackoffRate": 0.5}]"#)], [e("States.A.Retry[0].BackoffRate", 4, "at least 1.0")]),
        Bad("IntervalSeconds 0", states: [retry(#"[{"ErrorEquals": ["States.Timeout"], "IntervalSeconds": 0}]"#)], [e("States.A.Retry[0].IntervalSeconds", 4, "IntervalSeconds must be a whole number from 1")]),
        Bad("MaxDelaySeconds 0", states: [retry(#"[{"ErrorEquals": ["States.Timeout"], "MaxDelaySeconds": 0}]"#)], [e("States.A.Retry[0].MaxDelaySeconds", 4, "MaxDelaySeconds must be a whole number from 1")]),
        Bad("JitterStrategy HALF", states: [retry(#"[{"ErrorEquals": ["States.Timeout"], "JitterStrategy": "HALF"}]"#)], [e("States.A.Retry[0].JitterStrategy", 4, "FULL or NONE")]),
        Bad("retrier without ErrorEquals", states: [retry(#"[{"MaxAttempts": 1}]"#)], [e("States.A.Retry[0]", 4, "has no ErrorEquals")]),
        Bad("Catch without Next", states: [task("A", #""Catch": [{"ErrorEquals": ["States.ALL"]}], "End": true"#)], [e("States.A.Catch[0]", 4, "Catch[0] has no Next")]),
        Bad("Catch names no state", states: [task("A", #""Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Nope"}], "End": true"#)],
            [e("States.A.Catch[0].Next", 4, "Catch[0].Next names 'Nope'")]),
        Bad("Retry on a Pass state", states: [#""A": {"Type": "Pass", "Retry": [{"ErrorEquals": ["States.ALL"]}], "End": true}"#],
            [e("States.A.Retry", 4, "Field Retry is not supported by a Pass state")]),
        Bad("Catch on a Wait state", states: [#""A": {"Type": "Wait", "Seconds": 1, "Catch": [], "End": true}"#], [e("States.A.Catch", 4, "Field Catch is not supported by a Wait state")]),
        Bad("Next on a Succeed state", states: [#""A": {"Type": "Succeed", "Next": "A"}"#], [e("States.A.Next", 4, "Field Next is not supported")]),
        Bad("Lambda resource", states: [#""A": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:f", "End": true}"#],
            [e("States.A.Resource", 4, "Drover runs AWS Batch tasks only")]),
        Bad("callback resource", states: [#""A": {"Type": "Task", "Resource": "arn:aws:states:::batch:submitJob.waitForTaskToken", "End": true}"#],
            [e("States.A.Resource", 4, "the callback pattern is not supported")]),
        Bad("batch task without Parameters", states: [#""A": {"Type": "Task", "Resource": "arn:aws:states:::batch:submitJob", "End": true}"#],
            [e("States.A", 4, "has no Parameters: a batch task needs Parameters with JobName, JobQueue and JobDefinition")]),
        Bad("Parameters without JobQueue", states: [#""A": {"Type": "Task", "Resource": "arn:aws:states:::batch:submitJob", "Parameters": {"JobName": "j", "JobDefinition.$": "$.d"}, "End": true}"#],
            [e("States.A.Parameters", 4, "Parameters has no JobQueue")]),
        Bad("TimeoutSeconds 0", states: [task("A", #""TimeoutSeconds": 0, "End": true"#)], [e("States.A.TimeoutSeconds", 4, "TimeoutSeconds must be a whole number from 1")]),
        Bad("TimeoutSeconds 1.5", states: [task("A", #""TimeoutSeconds": 1.5, "End": true"#)], [e("States.A.TimeoutSeconds", 4, "whole number")]),
        Bad("HeartbeatSeconds not below TimeoutSeconds", states: [task("A", #""TimeoutSeconds": 60, "HeartbeatSeconds": 60, "End": true"#)],
            [e("States.A.HeartbeatSeconds", 4, "must be less than TimeoutSeconds")]),
        Bad("Map without processor", states: [#""A": {"Type": "Map", "End": true}"#], [e("States.A", 4, "has no ItemProcessor")]),
        Bad("distributed Map", states: [#""A": {"Type": "Map", "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"}, "StartAt": "B", "States": {"B": {"Type": "Succeed"}}}, "End": true}"#],
            [e("States.A.ItemProcessor.ProcessorConfig.ExecutionType", 4, "not supported"), e("States.A.ItemProcessor.ProcessorConfig.Mode", 4, "DISTRIBUTED is not supported")]),
        Bad("ItemReader", states: [#""A": {"Type": "Map", "ItemReader": {}, "ItemProcessor": {"StartAt": "B", "States": {"B": {"Type": "Succeed"}}}, "End": true}"#],
            [e("States.A.ItemReader", 4, "Field ItemReader is not supported: it belongs to distributed Map")]),
        Bad("MaxConcurrency below 0", states: [#""A": {"Type": "Map", "MaxConcurrency": -1, "Iterator": {"StartAt": "B", "States": {"B": {"Type": "Succeed"}}}, "End": true}"#],
            [e("States.A.MaxConcurrency", 4, "MaxConcurrency must be a whole number 0 or more")]),
        Bad("Parallel without Branches", states: [#""A": {"Type": "Parallel", "End": true}"#], [e("States.A", 4, "has no Branches")]),
        Bad("InputPath not a path", states: [#""A": {"Type": "Pass", "InputPath": "detail", "End": true}"#], [e("States.A.InputPath", 4, "is not a valid path")]),
        Bad("ResultPath not a path", states: [#""A": {"Type": "Pass", "ResultPath": "result", "End": true}"#], [e("States.A.ResultPath", 4, "is not a valid reference path")]),
        Bad("SecondsPath not a path", states: [#""A": {"Type": "Wait", "SecondsPath": "x", "End": true}"#], [e("States.A.SecondsPath", 4, "is not a valid reference path")]),
        Bad("ItemsPath given a number", states: [#""A": {"Type": "Map", "ItemsPath": 3, "Iterator": {"StartAt": "B", "States": {"B": {"Type": "Succeed"}}}, "End": true}"#],
            [e("States.A.ItemsPath", 4, "must be a path")]),
        Bad("state name of 81 characters", startAt: String(repeating: "n", count: 81), states: [#""\#(String(repeating: "n", count: 81))": {"Type": "Succeed"}"#],
            [e("States.\(String(repeating: "n", count: 81))", 4, "1 to 80 characters")]),
        Bad("JSONata", states: [#""A": {"Type": "Pass", "QueryLanguage": "JSONata", "End": true}"#], [e("States.A.QueryLanguage", 4, "Drover runs JSONPath definitions")]),
        Bad("a branch's Next names a state outside it", text: """
            {"StartAt": "P", "States": {
              "P": {"Type": "Parallel", "Next": "After", "Branches": [{"StartAt": "B1", "States": {
                "B1": {"Type": "Pass", "Next": "After"}}}]},
              "After": {"Type": "Succeed"}}}
            """, [e("States.P.Branches[0].States", 2, "no state reachable from StartAt 'B1' ends branch 0 of Parallel state 'P'"),
                  e("States.P.Branches[0].States.B1.Next", 3, "not a state of branch 0 of Parallel state 'P'")]),
        Bad("Iterator and ItemProcessor", states: [#""A": {"Type": "Map", "Iterator": {"StartAt": "B", "States": {"B": {"Type": "Succeed"}}}, "ItemProcessor": {"StartAt": "B", "States": {"B": {"Type": "Succeed"}}}, "End": true}"#],
            [e("States.A.Iterator", 4, "has both ItemProcessor and Iterator")]),
        Bad("unknown top-level field", text: #"{"StartAt": "A", "States": {"A": {"Type": "Succeed"}}, "Timeout": 5}"#, [e("Timeout", 1, "Field Timeout is not supported in the state machine")]),
    ]

    @Test(arguments: badDefinitions)
    func badDefinitionIsRefused(bad: Bad) throws {
        let issues = try Self.issues(bad.text)
        let summary = issues.map(\.description).joined(separator: "\n")
        #expect(issues.count == bad.expected.count, "\(summary)")
        for (issue, expected) in zip(issues, bad.expected) {
            #expect(issue.field == expected.field, "\(summary)")
            #expect(issue.location == "flow.json:\(expected.line)", "\(summary)")
            #expect(issue.message.contains(expected.fragment), "\(summary)")
        }
        #expect(throws: DroverError.self) { try Self.parse(bad.text) }
    }
}
