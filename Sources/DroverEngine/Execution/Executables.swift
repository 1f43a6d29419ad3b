import Foundation

/// Where programs are found.
enum Executables {
    /// The first executable file named `name` in `searchPath` (a PATH value); nil when there is
    /// none or `name` holds a slash (then it is used as given).
    static func resolve(_ name: String, searchPath: String) -> String? {
        guard !name.contains("/"), !name.isEmpty else { return nil }
        for directory in searchPath.split(separator: ":") where !directory.isEmpty {
            let candidate = "\(directory)/\(name)"
            var info = stat()
            if stat(candidate, &info) == 0, info.st_mode & S_IFMT == S_IFREG, access(candidate, X_OK) == 0 {
                return candidate
            }
        }
        return nil
    }

    /// The path of the running executable.
    static let own: String? = {
        var buffer = [CChar](repeating: 0, count: 4096)
        let count = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        return count > 0 ? String(decoding: buffer[0..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self) : nil
    }()
}
