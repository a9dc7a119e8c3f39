package dev.ferry.history;

import java.util.List;

/** One page of a longer list: {@code items} from {@code offset}, at most {@code limit}, of {@code total}. */
public record Page<T>(List<T> items, int offset, int limit, long total) {
}
