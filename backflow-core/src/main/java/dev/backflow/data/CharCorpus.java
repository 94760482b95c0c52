package dev.backflow.data;

import dev.backflow.tensor.Tensor;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.TreeSet;

/**
 * A text as a sequence of character ids for a character-level language model: the vocabulary is the
 * sorted set of distinct characters, and batches are random windows whose targets are the inputs shifted
 * by one character.
 */
public final class CharCorpus {
  private final String vocab;
  private final int[] ids;

  /**
   * A corpus whose vocabulary is the distinct characters of {@code text}, sorted.
   * @param text the training text, at least 2 characters
   * @throws IllegalArgumentException if {@code text} is shorter than 2 characters
   */
  public CharCorpus(String text) {
    this(text, vocabularyOf(text));
  }

  /**
   * Encodes {@code text} with a given vocabulary (e.g. one stored in a checkpoint).
   * @param text the text to encode, at least 2 characters
   * @param vocab the vocabulary: the character at position i has token id i
   * @throws IllegalArgumentException if {@code text} is shorter than 2 characters or holds a character not in
   *     {@code vocab}
   */
  public CharCorpus(String text, String vocab) {
    if (text.length() < 2) throw new IllegalArgumentException("CharCorpus: the text needs at least 2 characters");
    this.vocab = vocab;
    this.ids = encode(text);
  }

  private static String vocabularyOf(String text) {
    TreeSet<Character> set = new TreeSet<>();
    for (int i = 0; i < text.length(); i++) set.add(text.charAt(i));
    StringBuilder sb = new StringBuilder();
    for (char c : set) sb.append(c);
    return sb.toString();
  }

  /**
   * The vocabulary, one character per token id.
   * @return the characters, in token id order
   */
  public String vocabulary() {
    return vocab;
  }

  /**
   * The number of distinct characters.
   * @return the vocabulary's size: a model's number of classes
   */
  public int vocabSize() {
    return vocab.length();
  }

  /**
   * The number of characters in the corpus.
   * @return the corpus's length in characters (= tokens)
   */
  public int length() {
    return ids.length;
  }

  /**
   * The token ids of the characters of {@code s} (each must be in the vocabulary).
   * @param s the text to encode
   * @return one token id per character
   * @throws IllegalArgumentException if a character is not in the vocabulary (the message shows it)
   */
  public int[] encode(String s) {
    int[] out = new int[s.length()];
    for (int i = 0; i < out.length; i++) {
      int k = vocab.indexOf(s.charAt(i));
      if (k < 0) throw new IllegalArgumentException("character '" + s.charAt(i) + "' is not in the vocabulary");
      out[i] = k;
    }
    return out;
  }

  /**
   * The characters of token ids.
   * @param tokens token ids, each in {@code [0, vocabSize())}
   * @return the text they stand for
   * @throws IndexOutOfBoundsException if an id is outside the vocabulary
   */
  public String decode(int[] tokens) {
    StringBuilder sb = new StringBuilder(tokens.length);
    for (int t : tokens) sb.append(vocab.charAt(t));
    return sb.toString();
  }

  /**
   * {@code batch} random windows of {@code context} characters: inputs [B, T] and next-char targets [B, T].
   * @param batch the number of windows B
   * @param context the window length T
   * @param rng the generator that picks the windows' starts
   * @return inputs {@code [B, T]} and targets {@code [B, T]} (the next character at each position), as token ids
   * @throws IllegalArgumentException if the corpus is shorter than {@code context + 1} characters
   */
  public Batch sample(int batch, int context, SplittableRandom rng) {
    if (context + 1 > ids.length) {
      throw new IllegalArgumentException("CharCorpus: the text (" + ids.length + " chars) is shorter than context + 1 = " + (context + 1));
    }
    float[] x = new float[batch * context], y = new float[batch * context];
    for (int b = 0; b < batch; b++) {
      int start = rng.nextInt(ids.length - context);
      for (int t = 0; t < context; t++) {
        x[b * context + t] = ids[start + t];
        y[b * context + t] = ids[start + t + 1];
      }
    }
    return new Batch(Tensor.of(x, batch, context), Tensor.of(y, batch, context));
  }

  @Override
  public String toString() {
    return "CharCorpus(" + ids.length + " chars, vocabulary " + vocab.length() + ": " + Arrays.toString(vocab.chars().limit(20).toArray()) + "...)";
  }
}
