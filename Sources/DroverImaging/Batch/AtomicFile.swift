import Foundation

/// Writes files so that a reader (or a crash) never sees half of one: the bytes go to a temporary file in the same
/// folder, which is then renamed over the target.
public enum AtomicFile {
    /// Writes `bytes` to `path`, creating missing parent folders.
    ///
    /// Streams are written in place (see ``stream(_:)``): renaming over `/dev/null` or `/dev/stdout` would
    /// replace a device or a link with a plain file. A symbolic link to a file is kept, and the file it
    /// names is replaced.
    public static func write(_ bytes: [UInt8], to path: String) throws(ImageError) {
        switch stream(path) {
        case .descriptor(let descriptor):
            if let failure = writeAll(bytes, to: descriptor) { throw .io("cannot write \(path): \(failure)") }
            return
        case .special:
            try writeInPlace(bytes, to: path)
            return
        case nil:
            break
        }
        try replace(bytes, at: linkTarget(path) ?? path)
    }

    /// The file a symbolic link at `path` names (which need not exist yet); nil if `path` is not a link.
    static func linkTarget(_ path: String) -> String? {
        var link = stat()
        guard lstat(path, &link) == 0, link.st_mode & S_IFMT == S_IFLNK else { return nil }
        if let resolved = realpath(path, nil) {
            defer { free(resolved) }
            return String(cString: resolved)
        }
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let count = readlink(path, &buffer, buffer.count - 1)
        guard count > 0 else { return nil }
        let target = String(decoding: buffer[..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
        if target.hasPrefix("/") { return target }
        return ((path as NSString).deletingLastPathComponent as NSString).appendingPathComponent(target)
    }

    /// How a path that is not an ordinary file is written.
    public enum Stream: Equatable, Sendable {
        /// One of this process's open descriptors: `/dev/stdout`, `/dev/stderr`, `/dev/fd/N`, `/proc/self/fd/N`.
        case descriptor(Int32)
        /// A device, FIFO or socket that exists, opened and written without creating anything.
        case special
    }

    /// Whether `path` is a stream rather than a file to replace; nil for an ordinary file path.
    public static func stream(_ path: String) -> Stream? {
        let folder = (path as NSString).deletingLastPathComponent
        let name = (path as NSString).lastPathComponent
        if let real = realpath(folder.isEmpty ? "." : folder, nil) {
            let resolved = String(cString: real)
            free(real)
            switch (resolved, name) {
            case ("/dev", "stdout"): return .descriptor(1)
            case ("/dev", "stderr"): return .descriptor(2)
            default: break
            }
            if resolved.hasPrefix("/proc/") && resolved.hasSuffix("/fd"), let number = Int32(name) { return .descriptor(number) }
            if resolved == "/dev" || resolved.hasPrefix("/dev/") || resolved == "/proc" || resolved.hasPrefix("/proc/") {
                return .special
            }
        }
        var status = stat()
        if stat(path, &status) == 0, status.st_mode & S_IFMT != S_IFREG, status.st_mode & S_IFMT != S_IFDIR {
            return .special
        }
        return nil
    }

    /// Writes `bytes` to a temporary file beside `path` and renames it over `path`.
    private static func replace(_ bytes: [UInt8], at path: String) throws(ImageError) {
        let folder = (path as NSString).deletingLastPathComponent
        if !folder.isEmpty {
            do {
                try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            } catch {
                throw .io("cannot create folder \(folder): \(error.localizedDescription)")
            }
        }
        let name = (path as NSString).lastPathComponent
        let temporary = (folder.isEmpty ? "" : folder + "/") + ".\(name).drover-\(getpid())-\(UInt32.random(in: 0...UInt32.max)).tmp"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw .io("cannot create \(temporary): \(String(cString: strerror(errno)))") }
        let failure = writeAll(bytes, to: descriptor)
        close(descriptor)
        if let failure {
            unlink(temporary)
            throw .io("cannot write \(path): \(failure)")
        }
        guard rename(temporary, path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            throw .io("cannot rename into \(path): \(reason)")
        }
    }

    /// Writes to a device or FIFO that already exists, without creating or renaming anything.
    private static func writeInPlace(_ bytes: [UInt8], to path: String) throws(ImageError) {
        let descriptor = open(path, O_WRONLY | O_CLOEXEC | O_NOCTTY)
        guard descriptor >= 0 else { throw .io("cannot open \(path): \(String(cString: strerror(errno)))") }
        let failure = writeAll(bytes, to: descriptor)
        close(descriptor)
        if let failure { throw .io("cannot write \(path): \(failure)") }
    }

    /// Writes every byte, retrying short writes and interruptions; the error text on failure.
    private static func writeAll(_ bytes: [UInt8], to descriptor: Int32) -> String? {
        bytes.withUnsafeBytes { buffer in
            var written = 0
            while written < buffer.count {
                let count = Foundation.write(descriptor, buffer.baseAddress! + written, buffer.count - written)
                if count < 0 && errno == EINTR { continue }
                guard count > 0 else { return String(cString: strerror(errno)) }
                written += count
            }
            return nil
        }
    }
}
