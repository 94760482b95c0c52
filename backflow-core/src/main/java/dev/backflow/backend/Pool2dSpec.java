package dev.backflow.backend;

/** Geometry of 2-D pooling over NCHW input (floor mode, as PyTorch's default). */
public record Pool2dSpec(int kernelH, int kernelW, int strideH, int strideW, int padH, int padW,
                         int dilationH, int dilationW, boolean countIncludePad) {

  public int outH(int inH) {
    return (inH + 2 * padH - dilationH * (kernelH - 1) - 1) / strideH + 1;
  }

  public int outW(int inW) {
    return (inW + 2 * padW - dilationW * (kernelW - 1) - 1) / strideW + 1;
  }
}
