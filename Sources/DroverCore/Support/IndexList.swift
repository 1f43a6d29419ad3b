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
