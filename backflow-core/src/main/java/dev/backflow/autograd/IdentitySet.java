package dev.backflow.autograd;

import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;

/**
 * A set by object identity for one backward pass's bookkeeping: which gradient storages were already handed to a
 * leaf's .grad, which arrays must never be recycled. It holds a handful of entries in a typical pass (one per leaf),
 * so they are searched linearly, which beats hashing at that size; past {@link #LINEAR} entries they move into an identity hash set. Local to one pass, so
 * concurrent passes on other threads share nothing.
 */
final class IdentitySet<T> {
  private static final int LINEAR = 24;

  private Object[] items; // made on first add: most sets of a small pass stay empty
  private int size;
  private Set<T> set;

  /** Adds item; returns true if it was not in the set yet. */
  @SuppressWarnings("unchecked")
  boolean add(T item) {
    if (set != null) return set.add(item);
    for (int i = 0; i < size; i++) if (items[i] == item) return false;
    if (size == LINEAR) {
      set = Collections.newSetFromMap(new IdentityHashMap<>(2 * LINEAR));
      for (int i = 0; i < size; i++) set.add((T) items[i]);
      items = null;
      return set.add(item);
    }
    if (items == null) items = new Object[4];
    else if (size == items.length) items = java.util.Arrays.copyOf(items, 2 * size);
    items[size++] = item;
    return true;
  }

  /** Whether item (by identity) is in the set. */
  boolean contains(T item) {
    if (set != null) return set.contains(item);
    for (int i = 0; i < size; i++) if (items[i] == item) return true;
    return false;
  }
}
