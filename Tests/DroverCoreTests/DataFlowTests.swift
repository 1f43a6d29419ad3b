import DroverCore
import Testing

/// InputPath, Parameters, ResultSelector, ResultPath and OutputPath, with the examples of Step Functions'
/// documentation.
@Suite struct DataFlowTests {
    static func json(_ text: String) -> JSONValue {
        try! JSONValue(parsing: text)
    }

    static let datasets = json("""
        {"comment": "Example for InputPath.", "dataset1": {"val1": 1, "val2": 2, "val3": 3},
         "dataset2": {"val1": "a", "val2": "b", "val3": "c"}}
        """)

    static let inputPaths: [(path: PathField, expected: String)] = [
        (.path("$.dataset2"), #"{"val1": "a", "val2": "b", "val3": "c"}"#),
        (.path("$.dataset1.val2"), "2"),
        (.path("$.dataset1.*"), "[1, 2, 3]"),
        (.whole, "<input>"),
        (.null, "{}"),
    ]

    @Test(arguments: inputPaths)
    func inputPath(path: PathField, expected: String) throws {
        let selected = try DataFlow.select(Self.datasets, path: path, context: .null)
        #expect(selected == (expected == "<input>" ? Self.datasets : Self.json(expected)))
    }

    @Test func inputPathSelectingNothingIsARuntimeError() {
        let error = #expect(throws: StatesError.self) {
            try DataFlow.select(Self.datasets, path: .path("$.dataset3"), context: .null, field: "InputPath")
        }
        #expect(error?.error == StatesError.runtime)
        #expect(error?.cause.hasPrefix("The JSONPath '$.dataset3' specified for the field 'InputPath' could not be found") == true)
    }

    static let taskInput = json("""
        {"comment": "This is a test of the input and output of a Task state.", "details": "Default example", "who": "AWS Step Functions"}
        """)
    static let taskResult = JSONValue.string("Hello, AWS Step Functions!")

    static let resultPaths: [(path: PathField, expected: String)] = [
        (.whole, #""Hello, AWS Step Functions!""#),
        (.null, """
            {"comment": "This is a test of the input and output of a Task state.", "details": "Default example", "who": "AWS Step Functions"}
            """),
        (.path("$.taskresult"), """
            {"comment": "This is a test of the input and output of a Task state.", "details": "Default example",
             "who": "AWS Step Functions", "taskresult": "Hello, AWS Step Functions!"}
            """),
        (.path("$.strings.lambdaresult"), """
            {"comment": "This is a test of the input and output of a Task state.", "details": "Default example",
             "who": "AWS Step Functions", "strings": {"lambdaresult": "Hello, AWS Step Functions!"}}
            """),
        (.path("$['details']"), """
            {"comment": "This is a test of the input and output of a Task state.", "details": "Hello, AWS Step Functions!", "who": "AWS Step Functions"}
            """),
    ]

    @Test(arguments: resultPaths)
    func resultPath(path: PathField, expected: String) throws {
        #expect(try DataFlow.place(Self.taskResult, into: Self.taskInput, at: path) == Self.json(expected))
    }

    @Test func resultPathIntoArraysAndExistingObjects() throws {
        let raw = Self.json(#"{"list": [{"a": 1}, {"a": 2}], "keep": {"x": 1}}"#)
        #expect(try DataFlow.place(.integer(9), into: raw, at: .path("$.list[1].b")) ==
            Self.json(#"{"list": [{"a": 1}, {"a": 2, "b": 9}], "keep": {"x": 1}}"#))
        #expect(try DataFlow.place(.integer(9), into: raw, at: .path("$.keep.y")) ==
            Self.json(#"{"list": [{"a": 1}, {"a": 2}], "keep": {"x": 1, "y": 9}}"#))
        #expect(try DataFlow.place(.integer(9), into: raw, at: .path("$.list[-1]")) ==
            Self.json(#"{"list": [{"a": 1}, 9], "keep": {"x": 1}}"#))
    }

    static let resultPathFailures: [(raw: String, path: String)] = [
        (#""just text""#, "$.result"),
        (#"{"details": "Default example"}"#, "$.details.result"),
        (#"{"list": [1]}"#, "$.list[3]"),
        (#"{"list": [1]}"#, "$.list.name"),
        (#"{"a": 1}"#, "$.a[0]"),
        (#"{"a": 1}"#, "$$.Execution"),
        (#"{"a": 1}"#, "$.list[*]"),
    ]

    @Test(arguments: resultPathFailures)
    func resultPathThroughANonObjectFails(raw: String, path: String) {
        let error = #expect(throws: StatesError.self) { try DataFlow.place(.integer(1), into: Self.json(raw), at: .path(path)) }
        #expect(error?.error == StatesError.resultPathMatchFailure, "\(path): \(error?.cause ?? "")")
    }

    static let product = json("""
        {"comment": "Example for Parameters.", "product": {"details": {"color": "blue", "size": "small", "material": "cotton"},
         "availability": "in stock", "sku": "2317", "cost": "$23"}}
        """)

    @Test func parametersExample() throws {
        let parameters = Self.json("""
            {"comment": "Selecting what I care about.",
             "MyDetails": {"size.$": "$.product.details.size", "exists.$": "$.product.availability", "StaticValue": "foo"}}
            """)
        #expect(try PayloadTemplate.evaluate(parameters, input: Self.product, context: .null) == Self.json("""
            {"comment": "Selecting what I care about.", "MyDetails": {"size": "small", "exists": "in stock", "StaticValue": "foo"}}
            """))
    }

    @Test func templatesReachIntoArraysAndTheContext() throws {
        let template = Self.json("""
            {"Env": [{"Name": "INDEX", "Value.$": "States.Format('{}', $$.Map.Item.Index)"}, {"Name": "COLOR", "Value.$": "$.product.details.color"}],
             "ContextValue.$": "$$.Map.Item.Value", "Whole.$": "$.product.sku", "Literal": [1, "$.not.a.path"]}
            """)
        let context = Self.json(#"{"Map": {"Item": {"Index": 4, "Value": {"id": "x"}}}}"#)
        #expect(try PayloadTemplate.evaluate(template, input: Self.product, context: context) == Self.json("""
            {"Env": [{"Name": "INDEX", "Value": "4"}, {"Name": "COLOR", "Value": "blue"}],
             "ContextValue": {"id": "x"}, "Whole": "2317", "Literal": [1, "$.not.a.path"]}
            """))
    }

    @Test func aMissingTemplatePathIsAParameterPathFailure() {
        #expect(throws: StatesError(StatesError.parameterPathFailure, #"The JSONPath '$.nope' specified for the field 'size.$' could not be found in the input '{"a":1}'"#)) {
            try PayloadTemplate.evaluate(Self.json(#"{"size.$": "$.nope"}"#), input: Self.json(#"{"a": 1}"#), context: .null)
        }
    }

    @Test func templateProblemsNameTheirField() {
        let template = Self.json("""
            {"JobName.$": 3, "Env": [{"Name": "A", "Value.$": "$.a["}, {"Value.$": "States.Format('{}')"}],
             "Fine.$": "$.a", "Also.$": "States.Array($$.Map.Item.Value)", "Word.$": "hello", "Static": "$.bad["}
            """)
        let problems = PayloadTemplate.problems(in: template, field: "Parameters")
        #expect(problems.map(\.field) == ["Parameters.Env[0].Value.$", "Parameters.Env[1].Value.$", "Parameters.JobName.$", "Parameters.Word.$"])
    }

    @Test func resultSelectorExample() throws {
        let result = Self.json("""
            {"resourceType": "elasticmapreduce", "resource": "createCluster.sync",
             "output": {"SdkHttpMetadata": {"HttpHeaders": {"Content-Length": "1112"}, "HttpStatusCode": 200},
                        "SdkResponseMetadata": {"RequestId": "1234-5678-9012"}, "ClusterId": "AKIAIOSFODNN7EXAMPLE"}}
            """)
        let selector = Self.json(#"{"ClusterId.$": "$.output.ClusterId", "ResourceType.$": "$.resourceType"}"#)
        let raw = Self.json(#"{"cluster": "mine"}"#)
        let output = try DataFlow.output(raw: raw, result: result, resultSelector: selector, resultPath: .path("$.EMROutput"),
                                         outputPath: .whole, context: .null)
        #expect(output == Self.json("""
            {"cluster": "mine", "EMROutput": {"ClusterId": "AKIAIOSFODNN7EXAMPLE", "ResourceType": "elasticmapreduce"}}
            """))
    }

    static let outputPaths: [(path: PathField, expected: String)] = [
        (.path("$.taskresult"), #""Hello, AWS Step Functions!""#),
        (.path("$.who"), #""AWS Step Functions""#),
        (.null, "{}"),
    ]

    @Test(arguments: outputPaths)
    func outputPath(path: PathField, expected: String) throws {
        let output = try DataFlow.output(raw: Self.taskInput, result: Self.taskResult, resultSelector: nil,
                                         resultPath: .path("$.taskresult"), outputPath: path, context: .null)
        #expect(output == Self.json(expected))
    }

    @Test func inputCombinesInputPathAndParameters() throws {
        let input = try DataFlow.input(raw: Self.product, inputPath: .path("$.product"), parameters: Self.json(#"{"sku.$": "$.sku"}"#), context: .null)
        #expect(input == Self.json(#"{"sku": "2317"}"#))
        #expect(throws: StatesError.self) {
            try DataFlow.output(raw: Self.taskInput, result: Self.taskResult, resultSelector: nil, resultPath: .whole,
                                outputPath: .path("$.missing"), context: .null)
        }
    }

    @Test func singleExpressionsForFailStates() throws {
        let input = Self.json(#"{"error": "Custom.Error", "detail": {"why": "bad"}}"#)
        #expect(try PayloadTemplate.evaluate(expression: "$.error", field: "ErrorPath", input: input, context: .null) == .string("Custom.Error"))
        #expect(try PayloadTemplate.evaluate(expression: "States.Format('because {}', $.detail.why)", field: "CausePath",
                                             input: input, context: .null) == .string("because bad"))
        #expect(throws: StatesError.self) {
            try PayloadTemplate.evaluate(expression: "$.nope", field: "ErrorPath", input: input, context: .null)
        }
        #expect(PayloadTemplate.expressionProblem("$.a[*]", reference: true) != nil)
        #expect(PayloadTemplate.expressionProblem("$.a[*]") == nil)
        #expect(PayloadTemplate.expressionProblem("States.UUID()", reference: true) == nil)
    }

    @Test func templatesDrawRandomValuesFromTheGivenGenerator() throws {
        struct Fixed: RandomNumberGenerator {
            mutating func next() -> UInt64 { 42 }
        }
        var first = Fixed(), second = Fixed()
        let template = Self.json(#"{"id.$": "States.UUID()", "n.$": "States.MathRandom(0, 10)"}"#)
        #expect(try PayloadTemplate.evaluate(template, input: .null, context: .null, using: &first)
            == PayloadTemplate.evaluate(template, input: .null, context: .null, using: &second))
    }
}
