import DroverCore
import Foundation

/// Option values as the AWS CLI takes them: `file://PATH` stands for the contents of the file (`~` expanded,
/// relative to the working directory); any other value is itself.
enum ParamFile {
    static let prefix = "file://"

    /// The value an option stands for.
    static func contents(_ value: String) throws(DroverError) -> String {
        guard value.hasPrefix(prefix) else { return value }
        let path = NSString(string: String(value.dropFirst(prefix.count))).expandingTildeInPath
        guard let data = FileManager.default.contents(atPath: path) else {
            throw DroverError("cannot read \(path) (from \(value)): no such readable file")
        }
        guard let text = String(data: data, encoding: .utf8) else { throw DroverError("\(path) is not UTF-8 text") }
        return text
    }
}
