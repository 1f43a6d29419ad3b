/// A list of array indices as users write them: `3,7-9`.
public enum IndexList {
    /// The indices `text` names, in the order written (`3,7-9` is [3, 7, 8, 9]); an error naming the part that is
    /// not an index or a range.
    public static func parse(_ text: String, option: String = "--index") throws(DroverError) -> [Int] {
        var indices: [Int] = []
        for part in text.split(separator: ",", omittingEmptySubsequences: false) {
            let bounds = part.split(separator: "-", omittingEmptySubsequences: false).map { Int($0.filter { $0 != " " }) }
            if bounds.count == 1, let index = bounds[0], index >= 0 {
                indices.append(index)
            } else if bounds.count == 2, let low = bounds[0], let high = bounds[1], low >= 0, low <= high, high - low < 1_000_000 {
                indices += Array(low...high)
            } else {
                throw DroverError("\(option): '\(part)' is not an index or a range such as 7-9 (give a list like 3,7-9)", exitCode: 2)
            }
        }
        return indices
    }
}

extension IndexList {
    /// `ranges` written as ``parse(_:option:)`` reads them: `3,7-9`; the inverse of parsing for sorted, disjoint ranges.
    public static func format(_ ranges: [ClosedRange<Int>]) -> String {
        ranges.map { $0.count == 1 ? String($0.lowerBound) : "\($0.lowerBound)-\($0.upperBound)" }.joined(separator: ",")
    }

    /// Adds `index` to `ranges`, extending the last range when `index` follows it: indices given in increasing order
    /// come out as the fewest ranges.
    public static func append(_ index: Int, to ranges: inout [ClosedRange<Int>]) {
        if let last = ranges.last, last.upperBound + 1 == index {
            ranges[ranges.count - 1] = last.lowerBound...index
        } else {
            ranges.append(index...index)
        }
    }
}
