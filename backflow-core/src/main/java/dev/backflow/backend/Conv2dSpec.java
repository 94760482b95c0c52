package dev.backflow.backend;

/** Geometry of a 2-D convolution, PyTorch's conventions (NCHW input, [out, in/groups, kh, kw] weight). */
public record Conv2dSpec(int strideH, int strideW, int padH, int padW, int dilationH, int dilationW, int groups) {

  public int outH(int inH, int kh) {
    return (inH + 2 * padH - dilationH * (kh - 1) - 1) / strideH + 1;
  }

  public int outW(int inW, int kw) {
    return (inW + 2 * padW - dilationW * (kw - 1) - 1) / strideW + 1;
  }
}
