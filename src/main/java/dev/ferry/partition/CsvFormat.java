package dev.ferry.partition;

import java.util.regex.Pattern;

/**
 * The CSV dialect of a partition's files, as PostgreSQL's COPY writes and reads it: RFC 4180 quoting
 * with {@code "}, an unquoted empty field for NULL and a quoted one ({@code ""}) for the empty string.
 *
 * @param delimiter one character, not a quote or a line break
 * @param encoding  a PostgreSQL encoding name such as UTF8, GBK or LATIN1
 * @param header    whether each file starts with a header line of column names
 */
public record CsvFormat(String delimiter, String encoding, boolean header, Compression compression) {

    private static final Pattern ENCODING = Pattern.compile("[A-Za-z][A-Za-z0-9_]*");

    /** What an extract writes when its step says nothing: {@code |}-delimited, UTF-8, no header, uncompressed. */
    public static final CsvFormat DEFAULT = new CsvFormat("|", "UTF8", false, Compression.NONE);

    public CsvFormat {
        checkDelimiter(delimiter);
        checkEncoding(encoding);
    }

    /** @return the delimiter, when it is one character other than a quote, backslash or line break */
    public static String checkDelimiter(String delimiter) {
        if (delimiter == null || delimiter.length() != 1 || "\"\r\n\\".contains(delimiter)) {
            throw new IllegalArgumentException("'" + delimiter + "' must be exactly one character other than a quote, backslash or line break");
        }
        return delimiter;
    }

    /** @return the encoding, when it looks like a PostgreSQL encoding name */
    public static String checkEncoding(String encoding) {
        if (encoding == null || !ENCODING.matcher(encoding).matches()) {
            throw new IllegalArgumentException("'" + encoding + "' is not a PostgreSQL encoding name such as UTF8 or GBK");
        }
        return encoding;
    }

    /** The option list for COPY, e.g. {@code (FORMAT csv, DELIMITER '|', ENCODING 'UTF8', HEADER false)}. */
    public String copyOptions() {
        String quotedDelimiter = "'" + delimiter.replace("'", "''") + "'";
        return "(FORMAT csv, DELIMITER " + quotedDelimiter + ", ENCODING '" + encoding + "', HEADER " + header + ")";
    }
}
