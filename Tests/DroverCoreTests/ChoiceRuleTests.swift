import DroverCore
import Testing

/// Choice rules, with the comparisons of Step Functions' documentation.
@Suite struct ChoiceRuleTests {
    static let input = try! JSONValue(parsing: """
        {"foo": 1, "value": 25, "ratio": 2.5, "rating": 53, "auditThreshold": 50, "type": "Private", "name": "log-2024.txt",
         "timestamp": "2016-03-14T01:59:00Z", "later": "2016-03-14T03:00:00+01:00", "flag": true, "nothing": null,
         "star": "a*b", "slash": "a\\\\b", "numberText": "1", "notTime": "2016-03-14 01:59:00", "items": [1, 2]}
        """)
    static let context = try! JSONValue(parsing: #"{"Map": {"Item": {"Index": 0}}}"#)

    static func test(_ variable: String, _ comparator: String, _ operand: JSONValue) -> ChoiceRule {
        .test(variable: variable, comparator: comparator, operand: operand)
    }

    static let comparisons: [(rule: ChoiceRule, expected: Bool)] = [
        (test("$.foo", "NumericEquals", .integer(1)), true),
        (test("$.foo", "NumericEquals", .integer(2)), false),
        (test("$.foo", "NumericEquals", .number(1.0)), true),
        (test("$.ratio", "NumericLessThan", .integer(3)), true),
        (test("$.ratio", "NumericGreaterThan", .number(2.5)), false),
        (test("$.ratio", "NumericGreaterThanEquals", .number(2.5)), true),
        (test("$.ratio", "NumericLessThanEquals", .integer(2)), false),
        (test("$.numberText", "NumericEquals", .integer(1)), false),
        (test("$.rating", "NumericGreaterThanPath", .string("$.auditThreshold")), true),
        (test("$.rating", "NumericLessThanPath", .string("$.auditThreshold")), false),
        (test("$.foo", "NumericEqualsPath", .string("$$.Map.Item.Index")), false),
        (test("$.type", "StringEquals", .string("Private")), true),
        (test("$.type", "StringEquals", .string("private")), false),
        (test("$.type", "StringLessThan", .string("Public")), true),
        (test("$.type", "StringGreaterThan", .string("P")), true),
        (test("$.type", "StringLessThanEquals", .string("Private")), true),
        (test("$.type", "StringGreaterThanEquals", .string("Q")), false),
        (test("$.type", "StringEqualsPath", .string("$.type")), true),
        (test("$.foo", "StringEquals", .string("1")), false),
        (test("$.flag", "BooleanEquals", .bool(true)), true),
        (test("$.flag", "BooleanEquals", .bool(false)), false),
        (test("$.numberText", "BooleanEquals", .bool(true)), false),
        (test("$.flag", "BooleanEqualsPath", .string("$.flag")), true),
        (test("$.timestamp", "TimestampEquals", .string("2016-03-14T01:59:00Z")), true),
        (test("$.timestamp", "TimestampEquals", .string("2016-03-14T02:59:00+01:00")), true),
        (test("$.timestamp", "TimestampLessThan", .string("2016-03-14T01:59:00.001Z")), true),
        (test("$.timestamp", "TimestampGreaterThan", .string("2016-03-14T01:58:59.999999Z")), true),
        (test("$.timestamp", "TimestampLessThanEquals", .string("2016-03-13T23:59:00Z")), false),
        (test("$.timestamp", "TimestampGreaterThanEquals", .string("2016-03-14T01:59:00Z")), true),
        (test("$.timestamp", "TimestampLessThanPath", .string("$.later")), true),
        (test("$.notTime", "TimestampEquals", .string("2016-03-14T01:59:00Z")), false),
        (test("$.type", "TimestampEquals", .string("2016-03-14T01:59:00Z")), false),
        (test("$.name", "StringMatches", .string("log-*.txt")), true),
        (test("$.name", "StringMatches", .string("*.log")), false),
        (test("$.name", "StringMatches", .string("*")), true),
        (test("$.name", "StringMatches", .string("log-2024.txt")), true),
        (test("$.name", "StringMatches", .string("l*g*4*")), true),
        (test("$.star", "StringMatches", .string(#"a\*b"#)), true),
        (test("$.name", "StringMatches", .string(#"log-\*"#)), false),
        (test("$.slash", "StringMatches", .string(#"a\\b"#)), true),
        (test("$.foo", "StringMatches", .string("*")), false),
        (test("$.nothing", "IsNull", .bool(true)), true),
        (test("$.foo", "IsNull", .bool(true)), false),
        (test("$.foo", "IsNull", .bool(false)), true),
        (test("$.foo", "IsPresent", .bool(true)), true),
        (test("$.missing", "IsPresent", .bool(true)), false),
        (test("$.missing", "IsPresent", .bool(false)), true),
        (test("$.nothing", "IsPresent", .bool(true)), true),
        (test("$.ratio", "IsNumeric", .bool(true)), true),
        (test("$.numberText", "IsNumeric", .bool(true)), false),
        (test("$.type", "IsString", .bool(true)), true),
        (test("$.type", "IsString", .bool(false)), false),
        (test("$.flag", "IsBoolean", .bool(true)), true),
        (test("$.timestamp", "IsTimestamp", .bool(true)), true),
        (test("$.notTime", "IsTimestamp", .bool(true)), false),
        (test("$.notTime", "IsTimestamp", .bool(false)), true),
        (test("$.items[0]", "NumericEquals", .integer(1)), true),
        (test("$$.Map.Item.Index", "NumericEquals", .integer(0)), true),
        (.and([test("$.value", "NumericGreaterThanEquals", .integer(20)), test("$.value", "NumericLessThan", .integer(30))]), true),
        (.and([test("$.value", "IsPresent", .bool(true)), test("$.value", "IsNumeric", .bool(true)),
               test("$.value", "NumericGreaterThanEquals", .integer(30))]), false),
        (.or([test("$.value", "NumericLessThan", .integer(20)), test("$.value", "NumericGreaterThanEquals", .integer(30))]), false),
        (.or([test("$.value", "NumericLessThan", .integer(20)), test("$.type", "StringEquals", .string("Private"))]), true),
        (.not(test("$.type", "StringEquals", .string("Private"))), false),
        (.not(.and([])), false),
    ]

    @Test(arguments: comparisons)
    func matches(rule: ChoiceRule, expected: Bool) throws {
        #expect(try rule.matches(Self.input, context: Self.context) == expected, "\(rule)")
    }

    /// (A `Variable` that selects nothing is an error for every comparator but `IsPresent`, as in Step Functions: a
    /// rule that may meet a missing field guards it with `IsPresent` in an `And`.)
    static let errors: [ChoiceRule] = [
        test("$.missing", "IsNumeric", .bool(false)),
        test("$.missing", "NumericEquals", .integer(1)),
        test("$.missing", "StringMatches", .string("*")),
        test("$.rating", "NumericGreaterThanPath", .string("$.missing")),
        test("$.foo", "NumericFuzzyEquals", .integer(1)),
        test("$.foo", "IsNull", .string("yes")),
        test("$.foo[", "NumericEquals", .integer(1)),
    ]

    @Test(arguments: errors)
    func runtimeErrors(rule: ChoiceRule) {
        let error = #expect(throws: StatesError.self) { try rule.matches(Self.input, context: Self.context) }
        #expect(error?.error == StatesError.runtime)
    }

    static let timestamps: [(text: String, valid: Bool)] = [
        ("2016-03-14T01:59:00Z", true),
        ("2016-03-14T01:59:00.123456789Z", true),
        ("2016-03-14T01:59:00-07:30", true),
        ("2024-02-29T00:00:00Z", true),
        ("2023-02-29T00:00:00Z", false),
        ("2016-03-14t01:59:00Z", false),
        ("2016-03-14T01:59:00z", false),
        ("2016-03-14T01:59:00", false),
        ("2016-03-14T24:00:00Z", false),
        ("2016-13-01T00:00:00Z", false),
        ("2016-03-14T01:59:00.Z", false),
        ("2016-03-14T01:59Z", false),
    ]

    @Test(arguments: timestamps)
    func rfc3339(text: String, valid: Bool) {
        #expect((RFC3339Timestamp(text) != nil) == valid)
    }

    @Test func timestampsAreInstants() throws {
        #expect(RFC3339Timestamp("1970-01-01T00:00:00Z")?.seconds == 0)
        #expect(RFC3339Timestamp("2000-03-01T00:00:00Z")?.seconds == 951_868_800)
        #expect(RFC3339Timestamp("1969-12-31T23:59:59.5Z") == RFC3339Timestamp("1970-01-01T00:59:59.500+01:00"))
        #expect(try #require(RFC3339Timestamp("1969-12-31T23:59:59.5Z")).nanoseconds == 500_000_000)
    }
}
