/// EXIF orientation (tag 0x0112): how the stored pixels must be transformed to be shown upright.
public enum Orientation: Int, Sendable, CaseIterable {
    case up = 1
    case upMirrored = 2
    case down = 3
    case downMirrored = 4
    case leftMirrored = 5
    case right = 6
    case rightMirrored = 7
    case left = 8

    /// Whether showing the image upright swaps its width and height.
    public var swapsAxes: Bool { rawValue >= 5 }

    /// The transform that makes the stored pixels upright.
    public var uprightTransform: Transform {
        switch self {
        case .up: .identity
        case .upMirrored: .flop
        case .down: .rotate180
        case .downMirrored: .flip
        case .leftMirrored: .transpose
        case .right: .rotate90
        case .rightMirrored: .transverse
        case .left: .rotate270
        }
    }
}

/// The eight rotations and mirrorings of a rectangle.
public enum Transform: Sendable, CaseIterable {
    case identity
    /// Mirror left to right.
    case flop
    /// Mirror top to bottom.
    case flip
    case rotate180
    /// Rotate 90° clockwise.
    case rotate90
    /// Rotate 270° clockwise (90° counter-clockwise).
    case rotate270
    /// Mirror across the top-left to bottom-right diagonal.
    case transpose
    /// Mirror across the top-right to bottom-left diagonal.
    case transverse

    public var swapsAxes: Bool {
        switch self {
        case .rotate90, .rotate270, .transpose, .transverse: true
        default: false
        }
    }
}

extension Raster {
    /// The raster rotated or mirrored by `transform` (lossless: every pixel is copied).
    public func transformed(_ transform: Transform) -> Raster {
        guard transform != .identity else { return self }
        let w = width, h = height
        // Index (in pixels) of the source of output pixel (0, 0), and the source step for x + 1 and for y + 1.
        let (origin, stepX, stepY): (Int, Int, Int) =
            switch transform {
            case .identity: (0, 1, w)
            case .flop: (w - 1, -1, w)
            case .flip: ((h - 1) * w, 1, -w)
            case .rotate180: (w * h - 1, -1, -w)
            case .transpose: (0, w, 1)
            case .rotate90: ((h - 1) * w, -w, 1)
            case .rotate270: (w - 1, w, -1)
            case .transverse: (w * h - 1, -w, -1)
            }
        let outWidth = transform.swapsAxes ? h : w
        let outHeight = transform.swapsAxes ? w : h
        let bytes = pixelBytes
        var out = [UInt8](repeating: 0, count: pixels.count)
        pixels.withUnsafeBufferPointer { source in
            out.withUnsafeMutableBufferPointer { target in
                var t = 0
                for y in 0..<outHeight {
                    var s = origin + y * stepY
                    for _ in 0..<outWidth {
                        let from = s * bytes
                        for k in 0..<bytes { target[t + k] = source[from + k] }
                        t += bytes
                        s += stepX
                    }
                }
            }
        }
        return Raster(width: outWidth, height: outHeight, channels: channels, depth: depth, pixels: out)
    }
}
