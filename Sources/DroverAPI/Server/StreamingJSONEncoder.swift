import Foundation

/// Writes an `Encodable` value straight to compact JSON bytes, as Foundation's `JSONEncoder` with
/// `.withoutEscapingSlashes` writes it, without building a tree first: DescribeJobs of 100 jobs spends most of its
/// time encoding otherwise.
///
/// Values are written in the order their `encode(to:)` gives them; a container is closed when the `encode(to:)`
/// that opened it returns. Nested containers and super-encoders, which synthesized conformances do not use, and
/// numbers JSON cannot hold, make it hand the value to `JSONEncoder` instead, so the output is always right.
enum StreamingJSONEncoder {
    /// The JSON text of `value`.
    static func encode<T: Encodable>(_ value: T) throws -> Data {
        let sink = JSONSink()
        try sink.write(value)
        if sink.unsupported {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.withoutEscapingSlashes]
            return try encoder.encode(value)
        }
        return Data(sink.bytes)
    }
}

/// The bytes written so far, and whether something was met that only `JSONEncoder` handles.
final class JSONSink {
    // Only the thread encoding touches a sink: the runtime's exclusivity checks on every append cost a fifth of the time.
    @exclusivity(unchecked) var bytes: [UInt8] = []
    @exclusivity(unchecked) var unsupported = false

    init() {
        bytes.reserveCapacity(16 << 10)
    }

    func write<T: Encodable>(_ value: T) throws {
        // Comparing metatypes first spares the failing casts, which are slow.
        if T.self == String.self, let text = value as? String {
            string(text)
        } else if T.self == Int.self, let whole = value as? Int {
            literal(String(whole))
        } else if T.self == Int64.self, let whole = value as? Int64 {
            literal(String(whole))
        } else if T.self == Int32.self, let whole = value as? Int32 {
            literal(String(whole))
        } else if T.self == Bool.self, let flag = value as? Bool {
            literal(flag ? "true" : "false")
        } else if T.self == Double.self, let number = value as? Double {
            double(number)
        } else {
            let encoder = StreamingValueEncoder(sink: self)
            try value.encode(to: encoder)
            encoder.close()
        }
    }

    func literal(_ text: String) {
        bytes.append(contentsOf: text.utf8)
    }

    func double(_ number: Double) {
        guard number.isFinite else {
            unsupported = true
            literal("null")
            return
        }
        if number.rounded() == number, abs(number) < 1e15 {
            literal(String(Int64(number)))
        } else {
            literal(String(number))
        }
    }

    static let hex = Array("0123456789abcdef".utf8)

    /// A JSON string: `"` and `\` escaped, control characters as `\n`, `\t`... or `\u00XX`; the rest as UTF-8.
    func string(_ text: String) {
        bytes.append(UInt8(ascii: "\""))
        if !text.utf8.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) {
            bytes.append(contentsOf: text.utf8)
            bytes.append(UInt8(ascii: "\""))
            return
        }
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\"")])
            case UInt8(ascii: "\\"): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\\")])
            case 0x0A: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "n")])
            case 0x0D: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "r")])
            case 0x09: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "t")])
            case 0x08: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "b")])
            case 0x0C: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "f")])
            case 0..<0x20:
                bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"),
                                          Self.hex[Int(byte >> 4)], Self.hex[Int(byte & 0xF)]])
            default: bytes.append(byte)
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }
}

/// The encoder handed to one value's `encode(to:)`: it opens one container and closes it afterwards.
final class StreamingValueEncoder: Encoder {
    enum State { case empty, keyed, unkeyed, single }

    let sink: JSONSink
    var state = State.empty
    /// Whether the open container has an element already (the next needs a comma).
    var hasElement = false
    var codingPath: [any CodingKey] { [] }
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    init(sink: JSONSink) {
        self.sink = sink
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        switch state {
        case .empty:
            state = .keyed
            sink.bytes.append(UInt8(ascii: "{"))
        case .keyed: break
        case .unkeyed, .single: sink.unsupported = true
        }
        return KeyedEncodingContainer(StreamingKeyedContainer<Key>(encoder: self))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        switch state {
        case .empty:
            state = .unkeyed
            sink.bytes.append(UInt8(ascii: "["))
        case .unkeyed: break
        case .keyed, .single: sink.unsupported = true
        }
        return StreamingUnkeyedContainer(encoder: self)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer {
        if state == .empty { state = .single } else if state != .single { sink.unsupported = true }
        return StreamingSingleValueContainer(encoder: self)
    }

    /// Writes the separator before the next element of the open container.
    func separate() {
        if hasElement { sink.bytes.append(UInt8(ascii: ",")) }
        hasElement = true
    }

    func close() {
        switch state {
        case .empty: sink.literal("{}")
        case .keyed: sink.bytes.append(UInt8(ascii: "}"))
        case .unkeyed: sink.bytes.append(UInt8(ascii: "]"))
        case .single: if !hasElement { sink.literal("null") }
        }
    }

    /// A container that writes nothing, for the shapes the sink leaves to `JSONEncoder`.
    func unsupportedKeyed<Key: CodingKey>(_ type: Key.Type) -> KeyedEncodingContainer<Key> {
        sink.unsupported = true
        return KeyedEncodingContainer(StreamingKeyedContainer<Key>(encoder: StreamingValueEncoder(sink: JSONSink())))
    }
}

struct StreamingKeyedContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let encoder: StreamingValueEncoder
    var codingPath: [any CodingKey] { [] }

    func key(_ key: Key) {
        encoder.separate()
        encoder.sink.string(key.stringValue)
        encoder.sink.bytes.append(UInt8(ascii: ":"))
    }


    mutating func encodeNil(forKey key: Key) throws {
        self.key(key)
        encoder.sink.literal("null")
    }

    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
        self.key(key)
        try encoder.sink.write(value)
    }

    mutating func encode(_ value: Bool, forKey key: Key) throws { raw(value ? "true" : "false", key) }
    mutating func encode(_ value: String, forKey key: Key) throws {
        self.key(key)
        encoder.sink.string(value)
    }
    mutating func encode(_ value: Double, forKey key: Key) throws {
        self.key(key)
        encoder.sink.double(value)
    }
    mutating func encode(_ value: Float, forKey key: Key) throws { try encode(Double(value), forKey: key) }
    mutating func encode(_ value: Int, forKey key: Key) throws { raw(String(value), key) }
    mutating func encode(_ value: Int8, forKey key: Key) throws { raw(String(value), key) }
    mutating func encode(_ value: Int16, forKey key: Key) throws { raw(String(value), key) }
    mutating func encode(_ value: Int32, forKey key: Key) throws { raw(String(value), key) }
    mutating func encode(_ value: Int64, forKey key: Key) throws { raw(String(value), key) }
    mutating func encode(_ value: UInt, forKey key: Key) throws { raw(String(value), key) }
    mutating func encode(_ value: UInt8, forKey key: Key) throws { raw(String(value), key) }
    mutating func encode(_ value: UInt16, forKey key: Key) throws { raw(String(value), key) }
    mutating func encode(_ value: UInt32, forKey key: Key) throws { raw(String(value), key) }
    mutating func encode(_ value: UInt64, forKey key: Key) throws { raw(String(value), key) }

    private func raw(_ literal: String, _ key: Key) {
        self.key(key)
        encoder.sink.literal(literal)
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key) -> KeyedEncodingContainer<NestedKey> {
        encoder.unsupportedKeyed(keyType)
    }

    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        encoder.sink.unsupported = true
        return StreamingUnkeyedContainer(encoder: StreamingValueEncoder(sink: JSONSink()))
    }

    mutating func superEncoder() -> any Encoder {
        encoder.sink.unsupported = true
        return StreamingValueEncoder(sink: JSONSink())
    }

    mutating func superEncoder(forKey key: Key) -> any Encoder {
        superEncoder()
    }
}

struct StreamingUnkeyedContainer: UnkeyedEncodingContainer {
    let encoder: StreamingValueEncoder
    var codingPath: [any CodingKey] { [] }
    var count = 0

    mutating func encodeNil() throws {
        encoder.separate()
        encoder.sink.literal("null")
        count += 1
    }

    mutating func encode<T: Encodable>(_ value: T) throws {
        encoder.separate()
        try encoder.sink.write(value)
        count += 1
    }

    mutating func encode(_ value: Bool) throws { try put(value) }
    mutating func encode(_ value: String) throws { try put(value) }
    mutating func encode(_ value: Double) throws { try put(value) }
    mutating func encode(_ value: Float) throws { try put(Double(value)) }
    mutating func encode(_ value: Int) throws { try put(value) }
    mutating func encode(_ value: Int8) throws { try put(Int(value)) }
    mutating func encode(_ value: Int16) throws { try put(Int(value)) }
    mutating func encode(_ value: Int32) throws { try put(Int(value)) }
    mutating func encode(_ value: Int64) throws { try put(value) }
    mutating func encode(_ value: UInt) throws { try encodeDigits(String(value)) }
    mutating func encode(_ value: UInt8) throws { try put(Int(value)) }
    mutating func encode(_ value: UInt16) throws { try put(Int(value)) }
    mutating func encode(_ value: UInt32) throws { try put(Int(value)) }
    mutating func encode(_ value: UInt64) throws { try encodeDigits(String(value)) }

    private mutating func encodeDigits(_ digits: String) throws {
        encoder.separate()
        encoder.sink.literal(digits)
        count += 1
    }

    private mutating func put<T: Encodable>(_ value: T) throws {
        encoder.separate()
        try encoder.sink.write(value)
        count += 1
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
        encoder.unsupportedKeyed(keyType)
    }

    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
        encoder.sink.unsupported = true
        return StreamingUnkeyedContainer(encoder: StreamingValueEncoder(sink: JSONSink()))
    }

    mutating func superEncoder() -> any Encoder {
        encoder.sink.unsupported = true
        return StreamingValueEncoder(sink: JSONSink())
    }
}

struct StreamingSingleValueContainer: SingleValueEncodingContainer {
    let encoder: StreamingValueEncoder
    var codingPath: [any CodingKey] { [] }

    mutating func encodeNil() throws {
        guard !encoder.hasElement else { return encoder.sink.unsupported = true }
        encoder.hasElement = true
        encoder.sink.literal("null")
    }

    mutating func encode<T: Encodable>(_ value: T) throws {
        guard !encoder.hasElement else { return encoder.sink.unsupported = true }
        encoder.hasElement = true
        try encoder.sink.write(value)
    }

    mutating func encode(_ value: Bool) throws { try put(value) }
    mutating func encode(_ value: String) throws { try put(value) }
    mutating func encode(_ value: Double) throws { try put(value) }
    mutating func encode(_ value: Float) throws { try put(Double(value)) }
    mutating func encode(_ value: Int) throws { try put(value) }
    mutating func encode(_ value: Int8) throws { try put(Int(value)) }
    mutating func encode(_ value: Int16) throws { try put(Int(value)) }
    mutating func encode(_ value: Int32) throws { try put(Int(value)) }
    mutating func encode(_ value: Int64) throws { try put(value) }
    mutating func encode(_ value: UInt) throws { try encodeDigits(String(value)) }
    mutating func encode(_ value: UInt8) throws { try put(Int(value)) }
    mutating func encode(_ value: UInt16) throws { try put(Int(value)) }
    mutating func encode(_ value: UInt32) throws { try put(Int(value)) }
    mutating func encode(_ value: UInt64) throws { try encodeDigits(String(value)) }

    private mutating func encodeDigits(_ digits: String) throws {
        guard !encoder.hasElement else { return encoder.sink.unsupported = true }
        encoder.hasElement = true
        encoder.sink.literal(digits)
    }

    private mutating func put<T: Encodable>(_ value: T) throws {
        guard !encoder.hasElement else { return encoder.sink.unsupported = true }
        encoder.hasElement = true
        try encoder.sink.write(value)
    }
}
