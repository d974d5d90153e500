import Foundation

/// A signature drawn with a finger, kept as strokes and rendered to a PNG the core accepts
/// (order service, statements). Pure Swift, so the same bytes are produced on a phone and in
/// the Linux tests: black ink on white, 8-bit greyscale, compressed with a small deflate
/// encoder (fixed Huffman codes, runs as distance-1 matches), typically a few kilobytes.
public struct SignatureDrawing: Sendable, Equatable {
    public struct Point: Sendable, Equatable {
        public var x: Double
        public var y: Double
        public init(x: Double, y: Double) { self.x = x; self.y = y }
    }

    /// The drawing area in points (the pad's size on screen).
    public var width: Double
    public var height: Double
    public private(set) var strokes: [[Point]] = []

    public init(width: Double = 600, height: Double = 240) {
        self.width = max(1, width)
        self.height = max(1, height)
    }

    /// Starts a stroke (finger down).
    public mutating func begin(at p: Point) {
        strokes.append([clamped(p)])
    }

    /// Continues the current stroke (finger moved).
    public mutating func add(_ p: Point) {
        if strokes.isEmpty { strokes.append([]) }
        strokes[strokes.count - 1].append(clamped(p))
    }

    public mutating func clear() { strokes = [] }

    /// Total length of ink in points.
    public var inkLength: Double {
        strokes.reduce(0) { total, s in
            total + zip(s, s.dropFirst()).reduce(0) { $0 + hypot($1.1.x - $1.0.x, $1.1.y - $1.0.y) }
        }
    }

    /// True until something that looks like a signature was drawn (more than a tap or two).
    public var isEmpty: Bool { inkLength < 20 }

    private func clamped(_ p: Point) -> Point {
        Point(x: min(max(p.x, 0), width), y: min(max(p.y, 0), height))
    }

    /// The drawing as PNG: `scale` pixels per point (at most 1600 pixels wide), strokes
    /// `lineWidth` points wide.
    public func png(scale: Double = 2, lineWidth: Double = 3) -> Data {
        let s = min(scale, 1600 / width)
        let w = max(1, Int((width * s).rounded())), h = max(1, Int((height * s).rounded()))
        var pixels = [UInt8](repeating: 255, count: w * h)
        let r = max(0.5, lineWidth * s / 2)
        for stroke in strokes {
            let pts = stroke.map { Point(x: $0.x * s, y: $0.y * s) }
            if pts.count == 1 { Self.segment(pts[0], pts[0], r, &pixels, w, h) }
            for (a, b) in zip(pts, pts.dropFirst()) { Self.segment(a, b, r, &pixels, w, h) }
        }
        return PNG.greyscale(width: w, height: h, pixels: pixels)
    }

    /// Inks every pixel whose centre lies within `r` of the segment a–b.
    private static func segment(_ a: Point, _ b: Point, _ r: Double, _ px: inout [UInt8], _ w: Int, _ h: Int) {
        let x0 = max(0, Int((min(a.x, b.x) - r).rounded(.down))), x1 = min(w - 1, Int((max(a.x, b.x) + r).rounded(.up)))
        let y0 = max(0, Int((min(a.y, b.y) - r).rounded(.down))), y1 = min(h - 1, Int((max(a.y, b.y) + r).rounded(.up)))
        guard x0 <= x1, y0 <= y1 else { return }
        let dx = b.x - a.x, dy = b.y - a.y, len2 = dx * dx + dy * dy
        for y in y0...y1 {
            for x in x0...x1 {
                let cx = Double(x) + 0.5, cy = Double(y) + 0.5
                let t = len2 == 0 ? 0 : min(1, max(0, ((cx - a.x) * dx + (cy - a.y) * dy) / len2))
                let ex = cx - (a.x + t * dx), ey = cy - (a.y + t * dy)
                if ex * ex + ey * ey <= r * r { px[y * w + x] = 0 }
            }
        }
    }
}

/// A minimal PNG writer (greyscale, 8 bits) with its own deflate encoder.
enum PNG {
    static func greyscale(width: Int, height: Int, pixels: [UInt8]) -> Data {
        precondition(pixels.count == width * height)
        var raw = [UInt8]()
        raw.reserveCapacity((width + 1) * height)
        for y in 0..<height {
            raw.append(0) // filter: none
            raw.append(contentsOf: pixels[(y * width)..<((y + 1) * width)])
        }
        var out = Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        var ihdr = [UInt8]()
        ihdr += be32(UInt32(width)) + be32(UInt32(height))
        ihdr += [8, 0, 0, 0, 0] // bit depth 8, greyscale, deflate, adaptive filtering, no interlace
        chunk("IHDR", ihdr, &out)
        chunk("IDAT", zlib(raw), &out)
        chunk("IEND", [], &out)
        return out
    }

    private static func be32(_ v: UInt32) -> [UInt8] {
        [UInt8(v >> 24), UInt8((v >> 16) & 0xFF), UInt8((v >> 8) & 0xFF), UInt8(v & 0xFF)]
    }

    private static func chunk(_ type: String, _ body: [UInt8], _ out: inout Data) {
        let t = Array(type.utf8)
        out.append(contentsOf: be32(UInt32(body.count)))
        out.append(contentsOf: t)
        out.append(contentsOf: body)
        out.append(contentsOf: be32(crc32(t + body)))
    }

    private static let crcTable: [UInt32] = (0..<256).map { n -> UInt32 in
        var c = UInt32(n)
        for _ in 0..<8 { c = (c & 1) != 0 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
        return c
    }

    static func crc32(_ bytes: [UInt8]) -> UInt32 {
        var c: UInt32 = 0xFFFF_FFFF
        for b in bytes { c = crcTable[Int((c ^ UInt32(b)) & 0xFF)] ^ (c >> 8) }
        return c ^ 0xFFFF_FFFF
    }

    static func adler32(_ bytes: [UInt8]) -> UInt32 {
        var a: UInt32 = 1, b: UInt32 = 0
        for chunkStart in stride(from: 0, to: bytes.count, by: 5552) {
            for x in bytes[chunkStart..<min(bytes.count, chunkStart + 5552)] {
                a += UInt32(x)
                b += a
            }
            a %= 65521
            b %= 65521
        }
        return (b << 16) | a
    }

    /// zlib stream: header, one deflate block with fixed Huffman codes, Adler-32.
    static func zlib(_ data: [UInt8]) -> [UInt8] {
        var w = BitWriter()
        w.bytes = [0x78, 0x01]
        w.write(1, 1) // BFINAL
        w.write(1, 2) // BTYPE = 01, fixed Huffman
        var i = 0
        while i < data.count {
            // A run of the previous byte: a match at distance 1.
            var run = 0
            if i > 0 {
                let prev = data[i - 1]
                while run < 258, i + run < data.count, data[i + run] == prev { run += 1 }
            }
            if run >= 3 {
                w.length(run)
                w.huffman(0, 5) // distance code 0 = distance 1, no extra bits
                i += run
            } else {
                w.literal(Int(data[i]))
                i += 1
            }
        }
        w.literal(256) // end of block
        w.flush()
        return w.bytes + be32(adler32(data))
    }

    struct BitWriter {
        var bytes: [UInt8] = []
        private var acc: UInt32 = 0
        private var count: UInt32 = 0

        /// `n` bits of `value`, least significant first (deflate's header fields and extra bits).
        mutating func write(_ value: Int, _ n: Int) {
            acc |= UInt32(value) << count
            count += UInt32(n)
            while count >= 8 {
                bytes.append(UInt8(acc & 0xFF))
                acc >>= 8
                count -= 8
            }
        }

        /// A Huffman code of `n` bits, most significant bit first.
        mutating func huffman(_ code: Int, _ n: Int) {
            var rev = 0
            for k in 0..<n where code & (1 << k) != 0 { rev |= 1 << (n - 1 - k) }
            write(rev, n)
        }

        /// A literal/length symbol with the fixed code table (RFC 1951, 3.2.6).
        mutating func literal(_ sym: Int) {
            switch sym {
            case 0...143: huffman(0x30 + sym, 8)
            case 144...255: huffman(0x190 + sym - 144, 9)
            case 256...279: huffman(sym - 256, 7)
            default: huffman(0xC0 + sym - 280, 8)
            }
        }

        private static let lengthBase = [3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258]
        private static let lengthExtra = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0]

        /// A match length (3...258): its symbol and extra bits.
        mutating func length(_ len: Int) {
            var k = Self.lengthBase.count - 1
            while Self.lengthBase[k] > len { k -= 1 }
            literal(257 + k)
            if Self.lengthExtra[k] > 0 { write(len - Self.lengthBase[k], Self.lengthExtra[k]) }
        }

        mutating func flush() {
            if count > 0 { bytes.append(UInt8(acc & 0xFF)) }
            acc = 0
            count = 0
        }
    }
}
