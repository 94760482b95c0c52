package dev.backflow.spark;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;

/**
 * Sums a float array over k ranks connected in a ring (each rank sends to rank+1 and receives from rank-1), in
 * rank order: every rank ends with {@code ((g0 + g1) + g2) + ... + g(k-1)}, the bits of the driver's fold and of
 * {@code Trainer.accumulate(k)}. A chain reduction (rank 0 to k-1) followed by a pass of the sum around the ring,
 * both pipelined in chunks, so each link carries about 2 x the array per call whatever k, and no rank carries more.
 * (The usual ring all-reduce, reduce-scatter + all-gather, moves as many bytes but sums each chunk starting at a
 * different rank, so its float result would depend on the chunk.)
 */
final class RingReducer implements AutoCloseable {
  private static final int CHUNK = 1 << 14;
  private final int rank, ranks;
  private final Socket toNext, fromPrev;
  private final DataOutputStream out;
  private final DataInputStream in;
  private final byte[] bytes = new byte[CHUNK * 4];

  /**
   * @param server this rank's listening socket, opened before the addresses were exchanged
   * @param addresses every rank's "host:port", by rank
   */
  RingReducer(int rank, ServerSocket server, String[] addresses) throws IOException {
    this.rank = rank;
    this.ranks = addresses.length;
    if (ranks == 1) {
      toNext = fromPrev = null;
      out = null;
      in = null;
      return;
    }
    String next = addresses[(rank + 1) % ranks];
    int colon = next.lastIndexOf(':');
    // connect first: the neighbour's listening socket queues it until that rank accepts
    toNext = new Socket();
    toNext.connect(new InetSocketAddress(next.substring(0, colon), Integer.parseInt(next.substring(colon + 1))), 60_000);
    toNext.setTcpNoDelay(true);
    server.setSoTimeout(30_000);
    fromPrev = server.accept();
    out = new DataOutputStream(new BufferedOutputStream(toNext.getOutputStream(), 1 << 16));
    in = new DataInputStream(new BufferedInputStream(fromPrev.getInputStream(), 1 << 16));
  }

  /** Replaces {@code values} on every rank by the rank-ordered sum of all ranks' {@code values}. */
  void allReduce(float[] values) throws IOException {
    if (ranks == 1) return;
    float[] partial = new float[CHUNK];
    // 1. chain: rank r receives (g0 + ... + g(r-1)), adds its own, passes it on; rank k-1 ends with the sum
    for (int from = 0; from < values.length; from += CHUNK) {
      int n = Math.min(CHUNK, values.length - from);
      if (rank > 0) {
        read(partial, n);
        for (int i = 0; i < n; i++) values[from + i] = partial[i] + values[from + i];
      }
      if (rank < ranks - 1) write(values, from, n);
    }
    out.flush();
    // 2. the sum goes round from rank k-1: k-1 -> 0 -> 1 -> ... -> k-2
    for (int from = 0; from < values.length; from += CHUNK) {
      int n = Math.min(CHUNK, values.length - from);
      if (rank != ranks - 1) {
        read(partial, n);
        System.arraycopy(partial, 0, values, from, n);
      }
      if (rank != ranks - 2) write(values, from, n);
    }
    out.flush();
  }

  private void write(float[] v, int from, int n) throws IOException {
    ByteBuffer.wrap(bytes, 0, n * 4).asFloatBuffer().put(v, from, n);
    out.write(bytes, 0, n * 4);
  }

  private void read(float[] dst, int n) throws IOException {
    in.readFully(bytes, 0, n * 4);
    ByteBuffer.wrap(bytes, 0, n * 4).asFloatBuffer().get(dst, 0, n);
  }

  @Override
  public void close() throws IOException {
    if (toNext != null) toNext.close();
    if (fromPrev != null) fromPrev.close();
  }
}
