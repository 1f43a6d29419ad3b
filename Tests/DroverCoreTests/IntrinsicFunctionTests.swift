import DroverCore
import Testing

/// Intrinsic functions, with the examples and outputs of Step Functions' documentation.
@Suite struct IntrinsicFunctionTests {
    /// A generator that always gives the same sequence.
    struct Counter: RandomNumberGenerator {
        var state: UInt64 = 0
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            return state
        }
    }

    static let input = try! JSONValue(parsing: """
        {"name": "Arnav", "Id": 123456, "inputArray": [1, 2, 3, 4, 5, 6, 7, 8, 9], "lookingFor": 5, "index": 5,
         "duplicates": [1, 2, 3, 3, 3, 3, 3, 3, 4], "input": "Data to encode", "base64": "RGF0YSB0byBlbmNvZGU=",
         "json1": {"a": {"a1": 1, "a2": 2}, "b": 2}, "json2": {"a": {"a3": 1, "a4": 2}, "c": 3},
         "escapedJsonString": "{\\"foo\\": \\"bar\\"}", "unescapedJson": {"foo": "bar"},
         "value1": 111, "step": -1, "inputString": "This.is+a,test=string", "splitter": ".+,=",
         "csv": "1,2,3,4,5", "template": "{} and {}", "ImageRecipe": {"Arn": "arn:aws:imagebuilder:us-east-1:123456789012:image-recipe/my-recipe/1.0.2"}}
        """)
    static let context = try! JSONValue(parsing: #"{"Map": {"Item": {"Index": 3, "Value": "x"}}, "Execution": {"Name": "run-1"}}"#)

    static let documented: [(call: String, expected: String)] = [
        ("States.Format('Hello, my name is {}.', $.name)", #""Hello, my name is Arnav.""#),
        ("States.Format('{} {} {} {}', 'a', 1, true, null)", #""a 1 true null""#),
        (#"States.Format('Curly \{\} and quote \' and backslash \\ and {}', 1.5)"#, #""Curly {} and quote ' and backslash \\ and 1.5""#),
        ("States.Format($.template, 'x', 2)", #""x and 2""#),
        ("States.Format('item {} of {}', $$.Map.Item.Index, $$.Execution.Name)", #""item 3 of run-1""#),
        ("States.Array($.Id)", "[123456]"),
        ("States.Array('a', 1, true, null, $.json1.b)", #"["a",1,true,null,2]"#),
        ("States.Array()", "[]"),
        ("States.ArrayPartition($.inputArray, 4)", "[[1,2,3,4],[5,6,7,8],[9]]"),
        ("States.ArrayContains($.inputArray, $.lookingFor)", "true"),
        ("States.ArrayContains($.inputArray, 42)", "false"),
        ("States.ArrayRange(1, 9, 2)", "[1,3,5,7,9]"),
        ("States.ArrayRange(10, 0, -5)", "[10,5,0]"),
        ("States.ArrayRange(9223372036854775806, 9223372036854775807, 1000)", "[9223372036854775806]"),
        ("States.ArrayRange(-9223372036854775806, -9223372036854775807, -1)", "[-9223372036854775806,-9223372036854775807]"),
        ("States.ArrayRange(5, 1, 1)", "[]"),
        ("States.ArrayGetItem($.inputArray, $.index)", "6"),
        ("States.ArrayLength($.inputArray)", "9"),
        ("States.ArrayUnique($.duplicates)", "[1,2,3,4]"),
        ("States.Base64Encode($.input)", #""RGF0YSB0byBlbmNvZGU=""#),
        ("States.Base64Decode($.base64)", #""Data to encode""#),
        ("States.JsonMerge($.json1, $.json2, false)", #"{"a": {"a3": 1, "a4": 2}, "b": 2, "c": 3}"#),
        ("States.StringToJson($.escapedJsonString)", #"{"foo": "bar"}"#),
        ("States.JsonToString($.unescapedJson)", #""{\"foo\":\"bar\"}""#),
        ("States.MathAdd($.value1, $.step)", "110"),
        ("States.StringSplit($.inputString, $.splitter)", #"["This","is","a","test","string"]"#),
        ("States.StringSplit($.csv, ',')", #"["1","2","3","4","5"]"#),
        ("States.Format('{}.{}', States.ArrayGetItem(States.StringSplit(States.ArrayGetItem(States.StringSplit($.ImageRecipe.Arn, '/'), 2), '.'), 0), States.ArrayGetItem(States.StringSplit(States.ArrayGetItem(States.StringSplit($.ImageRecipe.Arn, '/'), 2), '.'), 1))", #""1.0""#),
        ("States.ArrayLength(States.Array(1, 2, 3))", "3"),
    ]

    @Test(arguments: documented)
    func evaluates(call: String, expected: String) throws {
        var generator = Counter()
        let value = try IntrinsicFunction(parsing: call).evaluate(input: Self.input, context: Self.context, using: &generator)
        #expect(value == (try JSONValue(parsing: expected)), "\(call) gave \(value.document)")
    }

    @Test func randomValuesComeFromTheGivenGenerator() throws {
        var first = Counter(), second = Counter()
        let uuid = try IntrinsicFunction(parsing: "States.UUID()").evaluate(input: .null, context: .null, using: &first)
        #expect(uuid == (try IntrinsicFunction(parsing: "States.UUID()").evaluate(input: .null, context: .null, using: &second)))
        let text = try #require(uuid.string)
        #expect(text.count == 36)
        #expect(Array(text)[14] == "4")
        #expect("89ab".contains(Array(text)[19]))
        for _ in 0..<50 {
            let value = try IntrinsicFunction(parsing: "States.MathRandom(1, 999)").evaluate(input: .null, context: .null, using: &first)
            #expect((1..<999).contains(try #require(value.integer)))
        }
        let seeded = try IntrinsicFunction(parsing: "States.MathRandom(1, 1000, 7)")
        #expect(try seeded.evaluate(input: .null, context: .null, using: &first) == seeded.evaluate(input: .null, context: .null, using: &second))
    }

    static let failures: [String] = [
        "States.ArrayPartition($.inputArray, 0)",
        "States.ArrayPartition($.name, 2)",
        "States.ArrayGetItem($.inputArray, 9)",
        "States.ArrayRange(1, 5000, 1)",
        "States.ArrayRange(-9223372036854775807, 9223372036854775807, 1)",
        "States.ArrayRange(9223372036854775807, -9223372036854775808, -1)",
        "States.ArrayRange(0, 100000000, 1)",
        "States.ArrayRange(1, 5, 0)",
        "States.ArrayLength($.name)",
        "States.Base64Decode('not base64!')",
        "States.JsonMerge($.json1, $.json2, true)",
        "States.JsonMerge($.json1, $.name, false)",
        "States.StringToJson('{not json')",
        "States.MathAdd($.name, 1)",
        "States.MathAdd(1.5, 1)",
        "States.MathAdd(2147483648, 1)",
        "States.MathRandom(5, 5)",
        "States.Format($.Id)",
        "States.Format($.template, 'only one')",
        "States.Format('{}', $.json1)",
        "States.StringSplit($.Id, ',')",
    ]

    @Test(arguments: failures)
    func wrongArgumentsAreIntrinsicFailures(call: String) throws {
        let function = try IntrinsicFunction(parsing: call)
        let error = #expect(throws: StatesError.self) { try function.evaluate(input: Self.input, context: Self.context) }
        #expect(error?.error == StatesError.intrinsicFailure, "\(call): \(error?.cause ?? "")")
    }

    @Test func aMissingPathIsAParameterPathFailure() throws {
        let error = #expect(throws: StatesError.self) {
            try IntrinsicFunction(parsing: "States.Array($.nope)").evaluate(input: Self.input, context: Self.context)
        }
        #expect(error?.error == StatesError.parameterPathFailure)
        #expect(error?.cause.contains("'$.nope'") == true)
    }

    static let syntax: [(text: String, valid: Bool)] = [
        ("States.Format('Hello, {}', $.name)", true),
        ("States.Format('{}', $.a[?(@.b == 'x, y')].c)", true),
        ("  States.UUID()  ", true),
        ("States.Array(-1, 2.5e3, 'it\\'s')", true),
        ("States.Format('Hello', $.name)", false),
        ("States.Format('{} {}', $.name)", false),
        ("States.Nope(1)", false),
        ("States.Hash('input data', 'SHA-1')", false),
        ("States.UUID(1)", false),
        ("States.ArrayRange(1, 2)", false),
        ("States.Format('Hello, {}', $.name", false),
        ("States.Format('Hello, {}, $.name)", false),
        ("States.Array($.a[)", false),
        ("States.Array(foo)", false),
        ("States.Array(1) extra", false),
        ("States.Array('\\n')", false),
        ("States.Array(States.Array(States.Array(States.Array(States.Array(States.Array(States.Array(States.Array(States.Array(States.Array(1))))))))))", true),
        ("States.Array(States.Array(States.Array(States.Array(States.Array(States.Array(States.Array(States.Array(States.Array(States.Array(States.Array(1)))))))))))", false),
    ]

    @Test(arguments: syntax)
    func staticCheck(text: String, valid: Bool) {
        let problem = IntrinsicFunction.problem(in: text)
        #expect((problem == nil) == valid, "\(text): \(problem ?? "no problem")")
    }

    @Test func parsesArgumentsIntoTheirKinds() throws {
        let function = try IntrinsicFunction(parsing: #"States.Array('a\'b', 3, 2.5, true, null, $$.Map.Item.Value, States.UUID())"#)
        #expect(function.name == "States.Array")
        #expect(function.arguments.count == 7)
        #expect(function.arguments[0] == .string("a'b", written: #"a\'b"#))
        #expect(function.arguments[1] == .integer(3))
        #expect(function.arguments[2] == .number(2.5))
        #expect(function.arguments[6] == .function(IntrinsicFunction(name: "States.UUID", arguments: [])))
        #expect(try function.evaluate(input: .null, context: Self.context).array?[5] == .string("x"))
    }
}
