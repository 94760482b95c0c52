package dev.backflow.autograd;

import java.util.IdentityHashMap;

/**
 * A map keyed by object identity for one backward pass's bookkeeping: which gradient storages were already handed to a
 * leaf's .grad. It holds a handful of entries in a typical pass (one per leaf), so they are searched linearly, which
 * beats hashing at that size; past {@link #LINEAR} entries they move into an {@link IdentityHashMap}. Local to one
 * pass, so concurrent passes on other threads share nothing.
 */
final class IdentityTable<K, V> {
  private static final int LINEAR = 24;
  private static final Object[] EMPTY = {};

  private Object[] keys = EMPTY;
  private Object[] values = EMPTY;
  private int size;
  private IdentityHashMap<K, V> map;

  @SuppressWarnings("unchecked")
  V get(K key) {
    if (map != null) return map.get(key);
    for (int i = 0; i < size; i++) if (keys[i] == key) return (V) values[i];
    return null;
  }

  /** Maps key to value; returns the value it had, or null. */
  @SuppressWarnings("unchecked")
  V put(K key, V value) {
    if (map != null) return map.put(key, value);
    for (int i = 0; i < size; i++) {
      if (keys[i] == key) {
        V old = (V) values[i];
        values[i] = value;
        return old;
      }
    }
    if (size == LINEAR) {
      map = new IdentityHashMap<>(2 * LINEAR);
      for (int i = 0; i < size; i++) map.put((K) keys[i], (V) values[i]);
      keys = values = null;
      return map.put(key, value);
    }
    if (size == keys.length) {
      keys = java.util.Arrays.copyOf(keys, Math.max(4, 2 * size));
      values = java.util.Arrays.copyOf(values, Math.max(4, 2 * size));
    }
    keys[size] = key;
    values[size++] = value;
    return null;
  }

  /** Removes key; returns the value it had, or null. */
  @SuppressWarnings("unchecked")
  V remove(K key) {
    if (map != null) return map.remove(key);
    for (int i = 0; i < size; i++) {
      if (keys[i] == key) {
        V old = (V) values[i];
        size--;
        keys[i] = keys[size];
        values[i] = values[size];
        keys[size] = values[size] = null;
        return old;
      }
    }
    return null;
  }
}
