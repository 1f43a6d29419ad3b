extension JSONValue {
    /// This object with `members` of `changes` put in place of its own (those `changes` gives; the others are kept).
    public func replacing(_ members: [String], from changes: JSONValue) -> JSONValue {
        var result = self
        for name in members {
            if let given = changes[name] { result[name] = given }
        }
        return result
    }

    /// This object with every member of `changes` (an object) put in place of its own, except `ignoring`.
    public func merging(_ changes: JSONValue, ignoring: Set<String> = []) -> JSONValue {
        replacing((changes.object ?? [:]).keys.filter { !ignoring.contains($0) }.sorted(), from: changes)
    }
}
