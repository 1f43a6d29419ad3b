/// A PNG rewritten at the chunk level, without touching the compressed image data: ancillary chunks that do not
/// affect how the pixels look are dropped and the image data is joined into one IDAT chunk. Used as a lossless
/// candidate when re-encoding the pixels does not beat the file's own compression.
enum PNGChunks {
    /// Chunks kept: the critical ones, transparency, and color information (the ICC profile only when asked).
    static func stripped(_ bytes: UnsafeRawBufferPointer, keepICC: Bool) -> [UInt8]? {
        guard bytes.count > 8 else { return nil }
        var kept: [UInt8] = Array(bytes[0..<8])
        var data: [UInt8] = []
        var at = 8
        var sawEnd = false
        let keep: Set<String> = keepICC ? ["IHDR", "PLTE", "tRNS", "gAMA", "cHRM", "sRGB", "iCCP"] : ["IHDR", "PLTE", "tRNS", "gAMA", "cHRM", "sRGB"]
        while at + 12 <= bytes.count {
            let length = Int(bytes[at]) << 24 | Int(bytes[at + 1]) << 16 | Int(bytes[at + 2]) << 8 | Int(bytes[at + 3])
            guard length >= 0, at + 12 + length <= bytes.count else { return nil }
            let type = String(decoding: bytes[(at + 4)..<(at + 8)], as: UTF8.self)
            if type == "IDAT" {
                data += bytes[(at + 8)..<(at + 8 + length)]
            } else if type == "IEND" {
                guard !data.isEmpty else { return nil }
                append(&kept, type: "IDAT", body: data)
                append(&kept, type: "IEND", body: [])
                sawEnd = true
                break
            } else if keep.contains(type) {
                kept += bytes[at..<(at + 12 + length)]
            }
            at += 12 + length
        }
        return sawEnd ? kept : nil
    }

    private static func append(_ out: inout [UInt8], type: String, body: [UInt8]) {
        let count = UInt32(body.count)
        out += [UInt8(count >> 24), UInt8(count >> 16 & 0xFF), UInt8(count >> 8 & 0xFF), UInt8(count & 0xFF)]
        let typed = Array(type.utf8) + body
        out += typed
        let crc = crc32(typed)
        out += [UInt8(crc >> 24), UInt8(crc >> 16 & 0xFF), UInt8(crc >> 8 & 0xFF), UInt8(crc & 0xFF)]
    }

    private static let table: [UInt32] = (0..<256).map { (n: Int) -> UInt32 in
        var c = UInt32(n)
        for _ in 0..<8 { c = c & 1 == 1 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
        return c
    }

    /// CRC-32 as PNG chunks use it.
    static func crc32(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        bytes.withUnsafeBufferPointer { buffer in
            for byte in buffer { crc = table[Int((crc ^ UInt32(byte)) & 0xFF)] ^ (crc >> 8) }
        }
        return crc ^ 0xFFFF_FFFF
    }
}
