import Foundation

extension IntrinsicFunction {
    /// The call's value over `input` (`$`) and `context` (`$$`), drawing `States.UUID` and `States.MathRandom` (without
    /// a seed) from the system's generator. Wrong arguments throw `States.IntrinsicFailure`; a path argument that
    /// selects nothing `States.ParameterPathFailure`.
    public func evaluate(input: JSONValue, context: JSONValue) throws(StatesError) -> JSONValue {
        var generator = SystemRandomNumberGenerator()
        return try evaluate(input: input, context: context, using: &generator)
    }

    /// ``evaluate(input:context:)`` drawing random values from `generator` (for repeatable tests).
    public func evaluate(input: JSONValue, context: JSONValue, using generator: inout some RandomNumberGenerator) throws(StatesError) -> JSONValue {
        var values: [JSONValue] = []
        for argument in arguments {
            values.append(try argument.value(input: input, context: context, using: &generator))
        }
        let call = Call(name: name, arguments: arguments, values: values)
        switch name {
        case "States.Format": return try call.format()
        case "States.StringToJson": return try call.stringToJson()
        case "States.JsonToString": return .string(values[0].document)
        case "States.Array": return .array(values)
        case "States.ArrayPartition": return try call.arrayPartition()
        case "States.ArrayContains": return .bool(try call.array(0).contains { $0.statesEquals(values[1]) })
        case "States.ArrayRange": return try call.arrayRange()
        case "States.ArrayGetItem": return try call.arrayGetItem()
        case "States.ArrayLength": return .integer(try call.array(0).count)
        case "States.ArrayUnique": return try call.arrayUnique()
        case "States.Base64Encode": return try call.base64Encode()
        case "States.Base64Decode": return try call.base64Decode()
        case "States.JsonMerge": return try call.jsonMerge()
        case "States.MathRandom": return try call.mathRandom(using: &generator)
        case "States.MathAdd": return try call.mathAdd()
        case "States.StringSplit": return try call.stringSplit()
        case "States.UUID": return .string(Self.uuid(using: &generator))
        default: throw StatesError(StatesError.intrinsicFailure, "Unknown intrinsic function \(name)")
        }
    }

    /// A version 4 UUID in lowercase hex (`8-4-4-4-12`) from `generator`.
    static func uuid(using generator: inout some RandomNumberGenerator) -> String {
        var bytes = (0..<16).map { _ in UInt8.random(in: 0...255, using: &generator) }
        bytes[6] = (bytes[6] & 0x0F) | 0x40
        bytes[8] = (bytes[8] & 0x3F) | 0x80
        let hex = bytes.map { String($0, radix: 16).count == 1 ? "0" + String($0, radix: 16) : String($0, radix: 16) }
        return [0..<4, 4..<6, 6..<8, 8..<10, 10..<16].map { hex[$0].joined() }.joined(separator: "-")
    }
}

extension IntrinsicFunction.Argument {
    /// The argument's value.
    func value(input: JSONValue, context: JSONValue, using generator: inout some RandomNumberGenerator) throws(StatesError) -> JSONValue {
        switch self {
        case .string(let value, _): return .string(value)
        case .integer(let whole): return .integer(whole)
        case .number(let number): return .number(number)
        case .bool(let flag): return .bool(flag)
        case .null: return .null
        case .path(let path, let text):
            guard let value = path.select(input: input, context: context) else {
                let document = path.root == .context ? context : input
                throw StatesError(StatesError.parameterPathFailure,
                                  "The JSONPath '\(text)' specified in an intrinsic function could not be found in the input '\(document.document)'")
            }
            return value
        case .function(let function):
            return try function.evaluate(input: input, context: context, using: &generator)
        }
    }
}

/// One call being evaluated: its arguments' values, and checks of their types.
private struct Call {
    var name: String
    var arguments: [IntrinsicFunction.Argument]
    var values: [JSONValue]

    func failure(_ message: String) -> StatesError {
        StatesError(StatesError.intrinsicFailure, "\(name): \(message)")
    }

    func array(_ index: Int) throws(StatesError) -> [JSONValue] {
        guard let items = values[index].array else { throw failure("argument \(index + 1) must be an array, not \(values[index].kind)") }
        return items
    }

    func string(_ index: Int) throws(StatesError) -> String {
        guard let text = values[index].string else { throw failure("argument \(index + 1) must be a string, not \(values[index].kind)") }
        return text
    }

    /// An integer argument (a number without a fraction counts).
    func integer(_ index: Int) throws(StatesError) -> Int {
        switch values[index] {
        case .integer(let whole): return whole
        case .number(let number) where number.rounded() == number && abs(number) < 9.0e15: return Int(number)
        default: throw failure("argument \(index + 1) must be an integer, not \(values[index].kind)")
        }
    }

    func format() throws(StatesError) -> JSONValue {
        let pieces: [String]
        switch (arguments[0], values[0]) {
        case (.string(_, let written), _): pieces = IntrinsicFunction.templatePieces(escaped: written)
        case (_, .string(let text)): pieces = IntrinsicFunction.templatePieces(plain: text)
        default: throw failure("the template must be a string, not \(values[0].kind)")
        }
        let fillers = values.dropFirst()
        guard pieces.count - 1 == fillers.count else {
            throw failure("the template has \(pieces.count - 1) {} but \(fillers.count) value\(fillers.count == 1 ? "" : "s") follow")
        }
        var text = pieces[0]
        for (piece, value) in zip(pieces.dropFirst(), fillers) {
            switch value {
            case .string(let inner): text += inner
            case .integer, .number, .bool, .null: text += value.document
            case .array, .object: throw failure("cannot format \(value.kind): only strings, numbers, booleans and null")
            }
            text += piece
        }
        return .string(text)
    }

    func stringToJson() throws(StatesError) -> JSONValue {
        let text = try string(0)
        do {
            return try JSONValue(parsing: text)
        } catch {
            throw failure("'\(text)' is \(error.message)")
        }
    }

    func arrayPartition() throws(StatesError) -> JSONValue {
        let items = try array(0)
        let size = try integer(1)
        guard size > 0 else { throw failure("the chunk size must be positive, not \(size)") }
        return .array(stride(from: 0, to: items.count, by: size).map { .array(Array(items[$0..<min($0 + size, items.count)])) })
    }

    /// At most 1,000 items, as Step Functions allows.
    func arrayRange() throws(StatesError) -> JSONValue {
        let start = try integer(0), end = try integer(1), step = try integer(2)
        guard step != 0 else { throw failure("the step must not be 0") }
        guard step > 0 ? start <= end : start >= end else { return .array([]) }
        // The distance as an unsigned magnitude: `end - start` of two far-apart integers does not fit an Int.
        let steps = (step > 0 ? UInt(bitPattern: end &- start) : UInt(bitPattern: start &- end)) / step.magnitude
        guard steps < 1000 else { throw failure("the range from \(start) to \(end) by \(step) would have more than 1000 items; at most 1000 are allowed") }
        // Item by item from `start`: a stride would step past `end`, and past Int.max near it.
        return .array((0...Int(steps)).map { .integer(start + $0 * step) })
    }

    func arrayGetItem() throws(StatesError) -> JSONValue {
        let items = try array(0)
        let index = try integer(1)
        guard items.indices.contains(index) else { throw failure("index \(index) is out of bounds for an array of \(items.count)") }
        return items[index]
    }

    func arrayUnique() throws(StatesError) -> JSONValue {
        var unique: [JSONValue] = []
        for item in try array(0) where !unique.contains(where: { $0.statesEquals(item) }) {
            unique.append(item)
        }
        return .array(unique)
    }

    /// Inputs of at most 10,000 characters, as Step Functions allows.
    func base64Encode() throws(StatesError) -> JSONValue {
        let text = try string(0)
        guard text.count <= 10_000 else { throw failure("the input is longer than 10000 characters") }
        return .string(Data(text.utf8).base64EncodedString())
    }

    func base64Decode() throws(StatesError) -> JSONValue {
        let text = try string(0)
        guard text.count <= 10_000 else { throw failure("the input is longer than 10000 characters") }
        guard let data = Data(base64Encoded: text), let decoded = String(data: data, encoding: .utf8) else {
            throw failure("'\(text)' is not Base64 of UTF-8 text")
        }
        return .string(decoded)
    }

    /// A shallow merge (the second object's members replace the first's); deep merging (`true`) is not supported,
    /// as in Step Functions.
    func jsonMerge() throws(StatesError) -> JSONValue {
        guard var merged = values[0].object else { throw failure("argument 1 must be an object, not \(values[0].kind)") }
        guard let other = values[1].object else { throw failure("argument 2 must be an object, not \(values[1].kind)") }
        guard case .bool(let deep) = values[2] else { throw failure("argument 3 must be false, not \(values[2].kind)") }
        guard !deep else { throw failure("deep merging is not supported: argument 3 must be false") }
        merged.merge(other) { _, new in new }
        return .object(merged)
    }

    /// A whole number from `start` (included) to `end` (excluded); a third argument seeds the draw, so that it is
    /// the same every time.
    func mathRandom(using generator: inout some RandomNumberGenerator) throws(StatesError) -> JSONValue {
        let start = try integer(0), end = try integer(1)
        guard start < end else { throw failure("the start (\(start)) must be less than the end (\(end))") }
        if values.count == 3 {
            let seed = try integer(2)
            var seeded = SplitMix64(seed: UInt64(bitPattern: Int64(seed)))
            return .integer(Int.random(in: start..<end, using: &seeded))
        }
        return .integer(Int.random(in: start..<end, using: &generator))
    }

    /// Integers between -2147483648 and 2147483647, as Step Functions allows.
    func mathAdd() throws(StatesError) -> JSONValue {
        let range = Int(Int32.min)...Int(Int32.max)
        let left = try integer(0), right = try integer(1)
        guard range.contains(left), range.contains(right) else { throw failure("the values must be between \(range.lowerBound) and \(range.upperBound)") }
        return .integer(left + right)
    }

    /// Split at any of the delimiter's characters; empty pieces are left out.
    func stringSplit() throws(StatesError) -> JSONValue {
        let text = try string(0), delimiters = try string(1)
        guard !delimiters.isEmpty else { return .array([.string(text)]) }
        return .array(text.split(whereSeparator: { delimiters.contains($0) }).map { .string(String($0)) })
    }
}

/// A small seeded generator (SplitMix64), for `States.MathRandom` given a seed.
struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) {
        state = seed
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var mixed = state
        mixed = (mixed ^ (mixed >> 30)) &* 0xBF58_476D_1CE4_E5B9
        mixed = (mixed ^ (mixed >> 27)) &* 0x94D0_49BB_1331_11EB
        return mixed ^ (mixed >> 31)
    }
}
