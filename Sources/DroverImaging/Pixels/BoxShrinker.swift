/// Shrinks an 8-bit image by an integer factor, averaging each `factor` × `factor` block (partial blocks at the
/// right and bottom edges average the pixels they have). Rows can be fed a block at a time as they are decoded, so
/// the full-size image never has to be in memory. Color is averaged weighted by alpha, so transparent pixels do not
/// darken edges.
struct BoxShrinker {
    let width: Int
    let height: Int
    let channels: Int
    let factor: Int
    let outWidth: Int
    let outHeight: Int
    private(set) var pixels: [UInt8]
    /// Per-column sums of the current block (colors weighted by alpha when there is alpha).
    private var sums: [UInt32]
    private var rowsDone = 0

    init(width: Int, height: Int, channels: Int, factor: Int) {
        self.width = width
        self.height = height
        self.channels = channels
        self.factor = factor
        outWidth = (width + factor - 1) / factor
        outHeight = (height + factor - 1) / factor
        pixels = [UInt8](repeating: 0, count: outWidth * outHeight * channels)
        sums = [UInt32](repeating: 0, count: width * channels)
    }

    /// Rows to feed next (`factor`, fewer for the last block).
    var nextBlockRows: Int { min(factor, height - rowsDone * factor) }

    /// Adds the next block of rows (`nextBlockRows` rows of `width * channels` bytes each, `stride` apart).
    /// Rows are first summed per column (a plain vector add), then each block of columns is summed once.
    mutating func addBlock(_ rows: UnsafePointer<UInt8>, stride: Int) {
        let count = nextBlockRows
        let (k, c, alpha) = (factor, channels, channels == 2 || channels == 4)
        let rowLength = width * c
        let outRow = rowsDone
        let outWidth = self.outWidth, width = self.width
        sums.withUnsafeMutableBufferPointer { columns in
            for index in 0..<rowLength { columns[index] = 0 }
            for r in 0..<count {
                let row = rows + r * stride
                if alpha {
                    for x in 0..<width {
                        let at = x * c
                        let a = UInt32(row[at + c - 1])
                        columns[at] &+= UInt32(row[at]) &* a
                        if c == 4 {
                            columns[at + 1] &+= UInt32(row[at + 1]) &* a
                            columns[at + 2] &+= UInt32(row[at + 2]) &* a
                        }
                        columns[at + c - 1] &+= a
                    }
                } else {
                    for index in 0..<rowLength { columns[index] &+= UInt32(row[index]) }
                }
            }
            pixels.withUnsafeMutableBufferPointer { out in
                let base = outRow * outWidth * c
                for block in 0..<outWidth {
                    let first = block * k, last = min(first + k, width)
                    let n = UInt64((last - first) * count)
                    var total: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
                    for x in first..<last {
                        let at = x * c
                        total.0 &+= UInt64(columns[at])
                        if c > 1 { total.1 &+= UInt64(columns[at + 1]) }
                        if c > 2 { total.2 &+= UInt64(columns[at + 2]) }
                        if c > 3 { total.3 &+= UInt64(columns[at + 3]) }
                    }
                    let target = base + block * c
                    if alpha {
                        let a = c == 2 ? total.1 : total.3
                        let unweight = { (sum: UInt64) -> UInt8 in a == 0 ? 0 : UInt8(min(255, (sum + a / 2) / a)) }
                        out[target] = unweight(total.0)
                        if c == 4 {
                            out[target + 1] = unweight(total.1)
                            out[target + 2] = unweight(total.2)
                        }
                        out[target + c - 1] = UInt8((a + n / 2) / n)
                    } else {
                        out[target] = UInt8((total.0 + n / 2) / n)
                        if c > 1 { out[target + 1] = UInt8((total.1 + n / 2) / n) }
                        if c > 2 { out[target + 2] = UInt8((total.2 + n / 2) / n) }
                    }
                }
            }
        }
        rowsDone += 1
    }

    /// The shrunk image (once every block has been added).
    var raster: Raster { Raster(width: outWidth, height: outHeight, channels: channels, pixels: pixels) }

    /// Shrinks a whole raster in memory.
    static func shrink(_ raster: Raster, by factor: Int) -> Raster {
        let image = raster.to8Bit()
        guard factor > 1 else { return image }
        var shrinker = BoxShrinker(width: image.width, height: image.height, channels: image.channels, factor: factor)
        image.pixels.withUnsafeBufferPointer { p in
            for block in 0..<shrinker.outHeight {
                shrinker.addBlock(p.baseAddress! + block * factor * image.rowBytes, stride: image.rowBytes)
            }
        }
        return shrinker.raster
    }
}
