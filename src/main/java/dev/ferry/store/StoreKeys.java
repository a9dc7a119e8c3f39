package dev.ferry.store;

import java.util.regex.Pattern;

/** Rules for object keys shared by both stores, so a key that works in a folder works in a bucket too. */
final class StoreKeys {

    private static final Pattern BAD_SEGMENT = Pattern.compile("(^|/)\\.{1,2}(/|$)");

    private StoreKeys() {
    }

    static String check(String key) {
        if (key == null || key.isBlank() || key.startsWith("/") || key.contains("\\") || key.contains("//")
                || BAD_SEGMENT.matcher(key).find()) {
            throw new IllegalArgumentException("'" + key + "' is not a store key: use a relative path like "
                    + "rds/t3/20240101/part-00000.csv (no leading /, no . or .. segments)");
        }
        return key;
    }
}
