extension JSONPathExpression {
    /// The value the path selects: from `input` (`$`) or `context` (`$$`). A definite path gives its value, or nil
    /// when it selects nothing; any other path the array of its matches (possibly empty). An object's members are
    /// visited in key order.
    public func select(input: JSONValue, context: JSONValue) -> JSONValue? {
        let start = root == .context ? context : input
        let matches = matches(from: start, document: input)
        if isDefinite { return matches.first }
        return .array(matches)
    }

    /// Every value the path reaches from `start`; `document` is what `$` names inside filters.
    func matches(from start: JSONValue, document: JSONValue) -> [JSONValue] {
        var current = [start]
        for segment in segments {
            var next: [JSONValue] = []
            for value in current {
                if segment.recursive {
                    Self.forEachDescendant(of: value) { next += segment.selector.apply(to: $0, document: document) }
                } else {
                    next += segment.selector.apply(to: value, document: document)
                }
            }
            current = next
            if current.isEmpty { break }
        }
        return current
    }

    /// `value` and everything under it, parents before their children.
    private static func forEachDescendant(of value: JSONValue, _ body: (JSONValue) -> Void) {
        body(value)
        for child in value.children { forEachDescendant(of: child, body) }
    }
}

extension JSONPathExpression.Selector {
    /// What this selector takes from `value`.
    func apply(to value: JSONValue, document: JSONValue) -> [JSONValue] {
        switch self {
        case .name(let name):
            return value.object?[name].map { [$0] } ?? []
        case .names(let names):
            guard let members = value.object else { return [] }
            return names.compactMap { members[$0] }
        case .index(let index):
            return value.array.flatMap { Self.item(index, of: $0) }.map { [$0] } ?? []
        case .indices(let indices):
            guard let items = value.array else { return [] }
            return indices.compactMap { Self.item($0, of: items) }
        case .slice(let start, let end):
            guard let items = value.array else { return [] }
            func clamp(_ bound: Int?, _ missing: Int) -> Int {
                guard let bound else { return missing }
                return Swift.min(Swift.max(bound < 0 ? items.count + bound : bound, 0), items.count)
            }
            let from = clamp(start, 0), to = clamp(end, items.count)
            return from < to ? Array(items[from..<to]) : []
        case .wildcard:
            return value.children
        case .filter(let filter):
            if let items = value.array {
                return items.filter { filter.holds(for: $0, document: document) }
            }
            if value.object != nil, filter.holds(for: value, document: document) { return [value] }
            return []
        }
    }

    private static func item(_ index: Int, of items: [JSONValue]) -> JSONValue? {
        let position = index < 0 ? items.count + index : index
        return items.indices.contains(position) ? items[position] : nil
    }
}

extension JSONPathExpression.Filter {
    /// Whether the filter holds for `item` (`@`); `document` is `$`.
    func holds(for item: JSONValue, document: JSONValue) -> Bool {
        switch self {
        case .exists(let path):
            return Self.resolve(.path(path), item: item, document: document) != nil
        case .compare(let left, let comparison, let right):
            guard let left = Self.resolve(left, item: item, document: document),
                  let right = Self.resolve(right, item: item, document: document) else { return false }
            switch comparison {
            case .equal: return left.statesEquals(right)
            case .notEqual: return !left.statesEquals(right)
            case .less: return left.statesCompare(right).map { $0 < 0 } ?? false
            case .lessOrEqual: return left.statesCompare(right).map { $0 <= 0 } ?? false
            case .greater: return left.statesCompare(right).map { $0 > 0 } ?? false
            case .greaterOrEqual: return left.statesCompare(right).map { $0 >= 0 } ?? false
            }
        case .and(let left, let right):
            return left.holds(for: item, document: document) && right.holds(for: item, document: document)
        case .or(let left, let right):
            return left.holds(for: item, document: document) || right.holds(for: item, document: document)
        case .not(let inner):
            return !inner.holds(for: item, document: document)
        }
    }

    /// An operand's value; nil when its path selects nothing (an indefinite path selecting nothing counts too).
    private static func resolve(_ operand: JSONPathExpression.Operand, item: JSONValue, document: JSONValue) -> JSONValue? {
        switch operand {
        case .literal(let value):
            return value
        case .path(let path):
            let matches = path.matches(from: path.root == .current ? item : document, document: document)
            if path.isDefinite { return matches.first }
            return matches.isEmpty ? nil : .array(matches)
        }
    }
}

extension JSONValue {
    /// An object's member values (in key order) or an array's items; nothing for other values.
    var children: [JSONValue] {
        switch self {
        case .array(let items): items
        case .object(let members): members.keys.sorted().map { members[$0]! }
        default: []
        }
    }

    /// The value of a number, integer or not.
    var numberValue: Double? {
        switch self {
        case .integer(let whole): Double(whole)
        case .number(let number): number
        default: nil
        }
    }

    /// JSON equality, with `1` equal to `1.0`.
    func statesEquals(_ other: JSONValue) -> Bool {
        switch (self, other) {
        case (.integer(let left), .integer(let right)): return left == right
        case (.integer, .number), (.number, .integer), (.number, .number): return numberValue == other.numberValue
        case (.array(let left), .array(let right)):
            return left.count == right.count && zip(left, right).allSatisfy { $0.statesEquals($1) }
        case (.object(let left), .object(let right)):
            return left.count == right.count && left.allSatisfy { key, value in right[key].map { value.statesEquals($0) } ?? false }
        default: return self == other
        }
    }

    /// The order of two numbers or two strings (negative, zero, positive); nil for other values. Strings compare by
    /// UTF-16 code unit, as Java does.
    func statesCompare(_ other: JSONValue) -> Int? {
        switch (self, other) {
        case (.integer(let left), .integer(let right)):
            return left < right ? -1 : left == right ? 0 : 1
        case (.string(let left), .string(let right)):
            return Self.compareUTF16(left, right)
        default:
            guard let left = numberValue, let right = other.numberValue else { return nil }
            return left < right ? -1 : left == right ? 0 : 1
        }
    }

    static func compareUTF16(_ left: String, _ right: String) -> Int {
        var rightUnits = right.utf16.makeIterator()
        for unit in left.utf16 {
            guard let other = rightUnits.next() else { return 1 }
            if unit != other { return unit < other ? -1 : 1 }
        }
        return rightUnits.next() == nil ? 0 : -1
    }
}
