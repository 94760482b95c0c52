package dev.backflow.io;

/** IEEE 754 half precision to and from float (Float.float16ToFloat arrived only in Java 20). */
final class HalfFloat {
  private HalfFloat() {}

  static float toFloat(short h) {
    int bits = h & 0xffff;
    int sign = (bits & 0x8000) << 16, exp = (bits >>> 10) & 0x1f, mant = bits & 0x3ff;
    if (exp == 0x1f) return Float.intBitsToFloat(sign | 0x7f800000 | (mant << 13));
    if (exp == 0) {
      if (mant == 0) return Float.intBitsToFloat(sign);
      // subnormal: value = mant * 2^-24
      float f = mant * 0x1p-24f;
      return sign != 0 ? -f : f;
    }
    return Float.intBitsToFloat(sign | ((exp + 112) << 23) | (mant << 13));
  }

  /** The nearest half (ties to even), as PyTorch's {@code .half()}: overflow gives infinity, NaN stays NaN. */
  static short fromFloat(float f) {
    int bits = Float.floatToRawIntBits(f);
    int sign = (bits >>> 16) & 0x8000, exp = (bits >>> 23) & 0xff, mant = bits & 0x7fffff;
    if (exp == 0xff) return (short) (sign | 0x7c00 | (mant != 0 ? 0x200 : 0));
    int e = exp - 112; // rebias 127 -> 15
    if (e >= 0x1f) return (short) (sign | 0x7c00);
    if (e <= 0) {
      if (e < -10) return (short) sign;
      int full = mant | 0x800000, shift = 14 - e;
      int m = full >>> shift, rem = full & ((1 << shift) - 1), half = 1 << (shift - 1);
      if (rem > half || (rem == half && (m & 1) == 1)) m++;
      return (short) (sign | m);
    }
    int h = sign | (e << 10) | (mant >>> 13), rem = mant & 0x1fff;
    if (rem > 0x1000 || (rem == 0x1000 && (h & 1) == 1)) h++;
    return (short) h;
  }
}
