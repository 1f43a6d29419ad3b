import DroverCore
import Testing

/// The JSONPath Step Functions uses (Jayway JsonPath), over the classic bookstore document.
@Suite struct JSONPathTests {
    static let store = try! JSONValue(parsing: """
        {"store": {"book": [
            {"category": "reference", "author": "Nigel Rees", "title": "Sayings of the Century", "price": 8.95},
            {"category": "fiction", "author": "Evelyn Waugh", "title": "Sword of Honour", "price": 12.99},
            {"category": "fiction", "author": "Herman Melville", "title": "Moby Dick", "isbn": "0-553-21311-3", "price": 8.99},
            {"category": "fiction", "author": "J. R. R. Tolkien", "title": "The Lord of the Rings", "isbn": "0-395-19395-8", "price": 22.99}
          ],
          "bicycle": {"color": "red", "price": 19.95}},
         "expensive": 10, "a b": {"c": 1}, "a.b": 5, "it's": 6, "empty": null, "x": {"y": [1, 2, 3, 4, 5]}}
        """)
    static let context = try! JSONValue(parsing: #"{"Execution": {"Id": "exec-1"}, "Map": {"Item": {"Index": 2, "Value": "b"}}}"#)

    static let values: [(path: String, expected: String)] = [
        ("$", "<store>"),
        ("$.expensive", "10"),
        ("$.empty", "null"),
        ("$.store.bicycle.color", #""red""#),
        ("$['store']['bicycle']['color']", #""red""#),
        (#"$["store"]["bicycle"].price"#, "19.95"),
        ("$['a b'].c", "1"),
        ("$.store.book[0].author", #""Nigel Rees""#),
        ("$.store.book[-1].title", #""The Lord of the Rings""#),
        ("$.store.book[*].author", #"["Nigel Rees","Evelyn Waugh","Herman Melville","J. R. R. Tolkien"]"#),
        ("$.store.book[0,2].title", #"["Sayings of the Century","Moby Dick"]"#),
        ("$.store.book[1:3].title", #"["Sword of Honour","Moby Dick"]"#),
        ("$.store.book[:2].price", "[8.95,12.99]"),
        ("$.store.book[-2:].price", "[8.99,22.99]"),
        ("$.store.bicycle['color','price']", #"["red",19.95]"#),
        ("$.store.bicycle.*", #"["red",19.95]"#),
        ("$..author", #"["Nigel Rees","Evelyn Waugh","Herman Melville","J. R. R. Tolkien"]"#),
        ("$.store..price", "[19.95,8.95,12.99,8.99,22.99]"),
        ("$..book[2].title", #"["Moby Dick"]"#),
        ("$.store.book[?(@.price < 10)].title", #"["Sayings of the Century","Moby Dick"]"#),
        ("$.store.book[?(@.price <= 8.99)].title", #"["Sayings of the Century","Moby Dick"]"#),
        ("$.store.book[?(@.price > 20)].author", #"["J. R. R. Tolkien"]"#),
        ("$.store.book[?(@.price >= 22.99)].author", #"["J. R. R. Tolkien"]"#),
        ("$.store.book[?(@.category == 'reference')].author", #"["Nigel Rees"]"#),
        (#"$.store.book[?(@.category != "fiction")].author"#, #"["Nigel Rees"]"#),
        ("$.store.book[?(@.isbn)].title", #"["Moby Dick","The Lord of the Rings"]"#),
        ("$.store.book[?(!@.isbn)].title", #"["Sayings of the Century","Sword of Honour"]"#),
        ("$.store.book[?(@.category == 'fiction' && @.price < 10)].title", #"["Moby Dick"]"#),
        ("$.store.book[?(@.price < 9 || @.price > 20)].price", "[8.95,8.99,22.99]"),
        ("$.store.book[?(@.price < $.expensive)].price", "[8.95,8.99]"),
        ("$.store.book[?(@.nothing > 1)]", "[]"),
        ("$.store.book[7:9]", "[]"),
        ("$.x.y[1:]", "[2,3,4,5]"),
        ("$.nothing[*]", "[]"),
        ("$['a.b']", "5"),
        (#"$['it\'s']"#, "6"),
        (#"$["it's"]"#, "6"),
        ("$[?(@.expensive == 10)].expensive", "[10]"),
        ("$[?(@.expensive == '10')]", "[]"),
        ("$.x.y[?(@ > 3)]", "[4,5]"),
        ("$.x.y[?(@ >= 2 && (@ < 3 || @ == 5))]", "[2,5]"),
        ("$$.Execution.Id", #""exec-1""#),
        ("$$.Map.Item.Index", "2"),
        ("$$", "<context>"),
    ]

    @Test(arguments: values)
    func selects(path: String, expected: String) throws {
        let value = try JSONPath.value(of: path, in: Self.store, context: Self.context)
        switch expected {
        case "<store>": #expect(value == Self.store)
        case "<context>": #expect(value == Self.context)
        default: #expect(value == (try JSONValue(parsing: expected)), "\(path) gave \(value.document)")
        }
    }

    static let missing: [(path: String, cause: String)] = [
        ("$.nothing", "Invalid path '$.nothing' : No results for path: $['nothing']"),
        ("$.store.book[9]", "Invalid path '$.store.book[9]' : No results for path: $['store']['book'][9]"),
        ("$.expensive.deeper", "Invalid path '$.expensive.deeper' : No results for path: $['expensive']['deeper']"),
        ("$.store[0]", "Invalid path '$.store[0]' : No results for path: $['store'][0]"),
        ("$$.Map.Nope", "Invalid path '$$.Map.Nope' : No results for path: $$['Map']['Nope']"),
    ]

    @Test(arguments: missing)
    func definitePathSelectingNothingIsARuntimeError(path: String, cause: String) {
        #expect(throws: StatesError(StatesError.runtime, cause)) {
            try JSONPath.value(of: path, in: Self.store, context: Self.context)
        }
    }

    @Test func fieldVariantNamesTheFieldAndTheInput() {
        let input = JSONValue.object(["a": .integer(1)])
        #expect(throws: StatesError(StatesError.runtime, #"The JSONPath '$.x' specified for the field 'InputPath' could not be found in the input '{"a":1}'"#)) {
            try JSONPath.value(of: "$.x", in: input, context: .null, field: "InputPath")
        }
    }

    static let problems: [(path: String, reference: Bool, problem: Bool)] = [
        ("$", true, false),
        ("$$", true, false),
        ("$.a.b", true, false),
        ("$['a b'][0].c", true, false),
        ("$.a[-1]", true, false),
        ("$$.Execution.Input", true, false),
        ("$.a[*]", false, false),
        ("$.a[*]", true, true),
        ("$..a", true, true),
        ("$.a[1:2]", true, true),
        ("$.a[0,1]", true, true),
        ("$.a[?(@.b)]", true, true),
        ("$.*", true, true),
        ("$.a[?(@.b == 1)]", false, false),
        ("a.b", false, true),
        ("", false, true),
        ("$.", false, true),
        ("$.a[", false, true),
        ("$.a[0", false, true),
        ("$.a['b]", false, true),
        ("$.a[?(@.b ==)]", false, true),
        ("$.a[?(@.b == 1]", false, true),
        ("$.a b", false, true),
        ("$.a.length()", false, true),
        ("$[1:2:3]", false, true),
        // Nesting deep enough to overflow the stack is refused (a definition, or CreateStateMachine's, that crashed the engine).
        ("$[?(" + String(repeating: "(", count: 100_000) + "@.a" + String(repeating: ")", count: 100_000) + ")]", false, true),
        ("$[?(" + String(repeating: "!", count: 100_000) + "@.a)]", false, true),
        ("$[?(@.a" + String(repeating: " && @.a", count: 100_000) + ")]", false, true),
        (String(repeating: "$[?(@", count: 50_000) + String(repeating: ")]", count: 50_000), false, true),
        ("$[?(@.a" + String(repeating: " && @.a", count: 50) + ")]", false, false),
    ]

    @Test(arguments: problems)
    func findsProblems(path: String, reference: Bool, problem: Bool) {
        let found = JSONPath.problem(in: path, reference: reference)
        #expect((found != nil) == problem, "\(path): \(found ?? "no problem")")
    }

    @Test func parsedFormReportsDefiniteness() throws {
        #expect(try JSONPathExpression(parsing: "$.a['b'][3]").isDefinite)
        #expect(try !JSONPathExpression(parsing: "$.a[?(@.b)]").isDefinite)
        #expect(try JSONPathExpression(parsing: "$$.Map.Item.Value").root == .context)
        #expect(try JSONPathExpression(parsing: "$.a['b'][3]").description == "$['a']['b'][3]")
    }
}
