package dev.ferry.store;

/** An object in the store and its size in bytes. */
public record StoredObject(String key, long size) {
}
