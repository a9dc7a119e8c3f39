package dev.ferry.store;

import java.util.regex.Pattern;

/** Rules for object keys shared by both stores, so a key that works in a folder works in a bucket too. */
public final class StoreKeys {

    private static final Pattern BAD_SEGMENT = Pattern.compile("(^|/)\\.{1,2}(/|$)");

    private StoreKeys() {
    }

    /**
     * A partition's prefix as a flow writes it ({@code target}, {@code source}): relative to the store, ending in
     * {@code /}. {@code ../x/} or {@code /data/x/} would leave the store folder (or mean another key in a bucket), so
     * they are refused when the flow is validated, not when the first file is written.
     */
    public static String prefix(String prefix) {
        String folder = prefix.strip().endsWith("/") ? prefix.strip() : prefix.strip() + "/";
        if (folder.startsWith("/") || folder.contains("\\") || folder.contains("//") || BAD_SEGMENT.matcher(folder).find()) {
            throw new IllegalArgumentException("'" + prefix + "' is not a store prefix: write a path relative to the store, such as"
                    + " rds/t3/${mydate}/ (no leading /, no . or .. segments, no \\)");
        }
        return folder;
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
