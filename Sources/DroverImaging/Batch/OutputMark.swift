import CDroverImaging
import Foundation

/// The extended attribute a batch sets on every file it writes: the output folder it was written for and the input
/// it was made from. A file that carries it, found under the input folder of a run into that same output folder, is
/// one of that run's own outputs, even when no manifest says so (a run killed before writing it, a deleted
/// manifest), and is never taken as an input. Another run into another folder (a second stage of a pipeline) takes
/// it as an input like any file. File systems without user attributes simply keep none.
enum OutputMark {
    static let name = "user.drover.output"

    /// The attribute's value: the output folder's real path, a NUL, the input's relative path.
    static func value(outputRoot: PathBytes, input: PathBytes) -> [UInt8] {
        outputRoot.bytes + [0] + input.bytes
    }

    /// The output folder and input a file's mark names, when it has one.
    static func read(_ path: PathBytes) -> (root: PathBytes, input: PathBytes)? {
        var buffer = [UInt8](repeating: 0, count: 8192)
        let count = path.withCString { file in buffer.withUnsafeMutableBytes { getxattr(file, name, $0.baseAddress, $0.count) } }
        guard count > 0, let zero = buffer[..<count].firstIndex(of: 0) else { return nil }
        return (PathBytes(buffer[..<zero]), PathBytes(buffer[(zero + 1)..<count]))
    }

    /// Marks the open file `descriptor`; a file system without user attributes is left as it is.
    static func write(_ value: [UInt8], to descriptor: Int32) {
        _ = value.withUnsafeBytes { fsetxattr(descriptor, name, $0.baseAddress, $0.count, 0) }
    }
}
