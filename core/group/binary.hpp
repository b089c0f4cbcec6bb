#pragma once
// Big-endian writing and bounds-checked reading for the group's canonical
// encodings (events, invites, invite tokens). The reader never looks past
// its input: every read says whether the bytes were there.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace coop::group {

class Writer {
public:
    explicit Writer(std::string& out) : out_(out) {}
    void u8(std::uint8_t v) { out_ += static_cast<char>(v); }
    void u16(std::uint16_t v) { be(v, 2); }
    void u32(std::uint32_t v) { be(v, 4); }
    void u64(std::uint64_t v) { be(v, 8); }
    void i64(std::int64_t v) { be(static_cast<std::uint64_t>(v), 8); }
    void bytes(const std::uint8_t* data, std::size_t size) { out_.append(reinterpret_cast<const char*>(data), size); }
    void bytes(std::string_view data) { out_.append(data); }

private:
    void be(std::uint64_t v, int width) {
        char big_endian[8];
        for (int i = width - 1; i >= 0; --i, v >>= 8) big_endian[i] = static_cast<char>(v & 0xff);
        out_.append(big_endian, static_cast<std::size_t>(width));
    }
    std::string& out_;
};

class Reader {
public:
    explicit Reader(std::string_view in) : in_(in) {}
    std::size_t left() const { return in_.size() - pos_; }

    bool u8(std::uint8_t& v) {
        std::uint64_t x = 0;
        if (!be(x, 1)) return false;
        v = static_cast<std::uint8_t>(x);
        return true;
    }
    bool u16(std::uint16_t& v) {
        std::uint64_t x = 0;
        if (!be(x, 2)) return false;
        v = static_cast<std::uint16_t>(x);
        return true;
    }
    bool u32(std::uint32_t& v) {
        std::uint64_t x = 0;
        if (!be(x, 4)) return false;
        v = static_cast<std::uint32_t>(x);
        return true;
    }
    bool u64(std::uint64_t& v) { return be(v, 8); }
    bool i64(std::int64_t& v) {
        std::uint64_t x = 0;
        if (!be(x, 8)) return false;
        v = static_cast<std::int64_t>(x);
        return true;
    }
    bool bytes(std::uint8_t* out, std::size_t size) {
        if (left() < size) return false;
        for (std::size_t i = 0; i < size; ++i) out[i] = static_cast<std::uint8_t>(in_[pos_ + i]);
        pos_ += size;
        return true;
    }
    bool bytes(std::string& out, std::size_t size) {
        if (left() < size) return false;
        out.assign(in_.substr(pos_, size));
        pos_ += size;
        return true;
    }

private:
    bool be(std::uint64_t& v, std::size_t width) {
        if (left() < width) return false;
        v = 0;
        for (std::size_t i = 0; i < width; ++i) v = (v << 8) | static_cast<std::uint8_t>(in_[pos_ + i]);
        pos_ += width;
        return true;
    }
    std::string_view in_;
    std::size_t pos_ = 0;
};

}  // namespace coop::group
