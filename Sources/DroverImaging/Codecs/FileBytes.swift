import Foundation

/// The bytes of a file (or a copy of a byte array) at a stable address, as the C decoders need them.
public final class FileBytes: @unchecked Sendable {
    // Sendable: the buffer is written only in init and freed in deinit; it is read-only in between.
    public let buffer: UnsafeRawBufferPointer

    /// Reads a whole file.
    public convenience init(path: String) throws(ImageError) {
        try self.init(path: PathBytes(path))
    }

    /// Reads a whole regular file. Anything else (a FIFO, a device) is refused without blocking: the file is opened
    /// non-blocking and checked before a byte is read.
    public init(path: PathBytes, limit: Int = .max) throws(ImageError) {
        let descriptor = path.withCString { open($0, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC) }
        guard descriptor >= 0 else { throw .io("cannot open: \(String(cString: strerror(errno)))") }
        defer { close(descriptor) }
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { throw .io("cannot stat: \(String(cString: strerror(errno)))") }
        guard info.st_mode & S_IFMT == S_IFREG else {
            throw .io("refused: \(FolderWalker.kind(info.st_mode)), not a regular file")
        }
        _ = fcntl(descriptor, F_SETFL, fcntl(descriptor, F_GETFL) & ~O_NONBLOCK)
        // Checked on the file opened, not on an earlier look at its name (which may since name another file).
        if Int(info.st_size) > limit { throw .limit("file is \(info.st_size) bytes, over the limit of \(limit)") }
        let size = Int(info.st_size)
        let memory = UnsafeMutableRawBufferPointer.allocate(byteCount: max(size, 1), alignment: 16)
        var done = 0
        while done < size {
            let count = read(descriptor, memory.baseAddress! + done, size - done)
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else {
                memory.deallocate()
                throw .io("cannot read: \(count < 0 ? String(cString: strerror(errno)) : "file shrank while reading")")
            }
            done += count
        }
        buffer = UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(memory)[0..<size])
    }

    /// Copies `bytes`.
    public init(_ bytes: [UInt8]) {
        let memory = UnsafeMutableRawBufferPointer.allocate(byteCount: max(bytes.count, 1), alignment: 16)
        memory.copyBytes(from: bytes)
        buffer = UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(memory)[0..<bytes.count])
    }

    deinit { UnsafeMutableRawPointer(mutating: buffer.baseAddress!).deallocate() }

    public var count: Int { buffer.count }
    var pointer: UnsafePointer<UInt8> { buffer.baseAddress!.assumingMemoryBound(to: UInt8.self) }
}
