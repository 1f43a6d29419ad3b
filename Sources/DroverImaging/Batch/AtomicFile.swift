import Foundation

/// Writes files so that a reader (or a crash) never sees half of one: the bytes go to a temporary file in the same
/// folder, which is then renamed over the target.
public enum AtomicFile {
    /// Writes `bytes` to `path`, creating missing parent folders.
    public static func write(_ bytes: [UInt8], to path: String) throws(ImageError) {
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
        var written = 0
        let failure: String? = bytes.withUnsafeBytes { buffer in
            while written < buffer.count {
                let count = Foundation.write(descriptor, buffer.baseAddress! + written, buffer.count - written)
                if count < 0 && errno == EINTR { continue }
                guard count > 0 else { return String(cString: strerror(errno)) }
                written += count
            }
            return nil
        }
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
}
