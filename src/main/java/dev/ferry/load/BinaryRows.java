package dev.ferry.load;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.DateTimeException;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.logging.Logger;
import java.util.regex.Pattern;
import org.postgresql.copy.CopyIn;

/**
 * Turns a partition file's CSV rows into PostgreSQL's binary COPY format, on Ferry's own thread, so that
 * the warehouse's backend, which a load's one {@code COPY} keeps on one core, no longer parses text: the
 * same rows then load in about two thirds of the time.
 *
 * <p>It encodes only what it can encode exactly: the values PostgreSQL's own output functions write for
 * the column types of {@link Kind} (ISO dates, {@code t}/{@code f}, numerics without exponent, ...). Any
 * other value, or a row it does not read the way COPY's CSV parser would, raises {@link NotEncodable}, and
 * the caller loads that file as CSV instead, so a value is never read differently from how COPY reads it.
 */
final class BinaryRows {

    /** The column types encoded, by their type name in PostgreSQL's catalog; {@code ENUM} is any enum type (its label). */
    enum Kind {
        BOOL, INT2, INT4, INT8, FLOAT8, NUMERIC, TEXT, BYTEA, DATE, TIMESTAMP, TIMESTAMPTZ, UUID, JSON, JSONB, ENUM;

        static Optional<Kind> of(String typeName) {
            return Optional.ofNullable(switch (typeName) {
                case "bool" -> BOOL;
                case "int2" -> INT2;
                case "int4" -> INT4;
                case "int8" -> INT8;
                case "float8" -> FLOAT8;
                case "numeric" -> NUMERIC;
                case "text", "varchar", "bpchar" -> TEXT;
                case "bytea" -> BYTEA;
                case "date" -> DATE;
                case "timestamp" -> TIMESTAMP;
                case "timestamptz" -> TIMESTAMPTZ;
                case "uuid" -> UUID;
                case "json" -> JSON;
                case "jsonb" -> JSONB;
                default -> null;
            });
        }
    }

    /** A value or row that this class does not encode; the file is loaded as CSV instead. */
    static final class NotEncodable extends Exception {
        NotEncodable(String message) {
            super(message, null, false, false);
        }
    }

    private static final Logger LOG = Logger.getLogger(BinaryRows.class.getName());
    private static final byte[] SIGNATURE = {'P', 'G', 'C', 'O', 'P', 'Y', '\n', (byte) 0xFF, '\r', '\n', 0};
    private static final int FLUSH_AT = 64 * 1024;
    private static final long DAYS_1970_TO_2000 = 10_957;
    private static final long MICROS_PER_DAY = 86_400_000_000L;
    /*
     * PostgreSQL's ranges (datatype/timestamp.h), as days and microseconds since 2000-01-01: a date from 4714-11-24
     * BC (Julian day 0) to 5874897-12-31, a timestamp from 4714-11-24 00:00 BC to 294276-12-31 23:59:59.999999
     * (UTC for timestamptz). A value outside them the encoder would wrap into another date without a word.
     */
    private static final long FIRST_DATE = LocalDate.of(-4713, 11, 24).toEpochDay() - DAYS_1970_TO_2000;
    private static final long END_DATE = LocalDate.of(5874898, 1, 1).toEpochDay() - DAYS_1970_TO_2000;
    private static final long FIRST_TIMESTAMP = FIRST_DATE * MICROS_PER_DAY;
    private static final long END_TIMESTAMP = (LocalDate.of(294277, 1, 1).toEpochDay() - DAYS_1970_TO_2000) * MICROS_PER_DAY;
    private static final Pattern FLOAT8 = Pattern.compile("-?[0-9]+(\\.[0-9]+)?(e[+-][0-9]+)?");

    private final Kind[] kinds;
    private final List<String> names;
    private final byte delimiter;
    private final boolean header;

    // Per file: what is being read and written.
    private byte[] field = new byte[256];
    private int fieldLength;
    private byte[] out = new byte[FLUSH_AT + 1024];
    private int outLength;
    private long line;
    private int column;
    private boolean quoted;
    private boolean rowOpen;
    private boolean skipping;

    /**
     * @param names     the COPY's columns, for messages
     * @param kinds     their types, in file order
     * @param delimiter the files' delimiter, one ASCII character
     */
    BinaryRows(List<String> names, List<Kind> kinds, char delimiter, boolean header) {
        if (delimiter >= 0x80) {
            throw new IllegalArgumentException("binary COPY needs an ASCII delimiter, not " + delimiter);
        }
        this.names = List.copyOf(names);
        this.kinds = kinds.toArray(Kind[]::new);
        this.delimiter = (byte) delimiter;
        this.header = header;
    }

    /**
     * Copies the UTF-8 CSV of {@code csv} into {@code copy} as binary tuples and ends the COPY.
     *
     * @return the rows the server counted
     * @throws NotEncodable at the first value or row it does not encode; the COPY is then cancelled
     */
    long copy(InputStream csv, CopyIn copy) throws IOException, SQLException, NotEncodable {
        try {
            return encode(csv, copy);
        } finally {
            if (copy.isActive()) { // what was sent is void: the server ends the COPY with an error
                try {
                    copy.cancelCopy();
                } catch (SQLException e) {
                    LOG.fine(() -> "cancelling the binary COPY: " + e.getMessage());
                }
            }
        }
    }

    private long encode(InputStream csv, CopyIn copy) throws IOException, SQLException, NotEncodable {
        outLength = 0;
        put(SIGNATURE, 0, SIGNATURE.length);
        putInt(0); // flags
        putInt(0); // header extension length
        line = 1;
        column = 0;
        skipping = header;
        rowOpen = false;
        quoted = false;
        fieldLength = 0;
        byte[] in = new byte[64 * 1024];
        // 0 start of a field, 1 in an unquoted value, 2 in a quoted one, 3 after a quote inside quotes
        // (closing or the first of two), 4 after a carriage return
        int state = 0;
        int n;
        while ((n = csv.read(in)) >= 0) {
            int i = 0;
            while (i < n) {
                if (state == 2) { // inside quotes everything up to the next quote is the value's
                    int j = i;
                    while (j < n && in[j] != '"') {
                        if (in[j] == '\n') {
                            line++;
                        }
                        j++;
                    }
                    append(in, i, j - i);
                    if (j < n) {
                        state = 3;
                    }
                    i = j + 1;
                    continue;
                }
                byte b = in[i];
                if (state != 4 && b != delimiter && b != '\n' && b != '\r' && b != '"') {
                    if (state == 3) {
                        throw new NotEncodable("text after a closing quote at line " + line);
                    }
                    int j = i + 1;
                    while (j < n && (b = in[j]) != delimiter && b != '\n' && b != '\r' && b != '"') {
                        j++;
                    }
                    openRow();
                    append(in, i, j - i);
                    state = 1;
                    i = j;
                    continue;
                }
                i++;
                if (state == 4) {
                    if (b != '\n') {
                        throw new NotEncodable("a carriage return without a line feed at line " + line);
                    }
                    endRow();
                    state = 0;
                } else if (b == delimiter) {
                    openRow();
                    endField();
                    state = 0;
                } else if (b == '\n') {
                    endRow();
                    state = 0;
                } else if (b == '\r') {
                    state = 4;
                } else if (state == 3) { // the second of two quotes: one quote in the value
                    append(in, i - 1, 1);
                    state = 2;
                } else {
                    if (state == 1) {
                        throw new NotEncodable("a quote inside an unquoted value at line " + line);
                    }
                    openRow();
                    quoted = true;
                    state = 2;
                }
                if (outLength >= FLUSH_AT) {
                    copy.writeToCopy(out, 0, outLength);
                    outLength = 0;
                }
            }
        }
        if (state == 2 || state == 4) {
            throw new NotEncodable("the file ends inside a quoted value or after a carriage return");
        }
        if (rowOpen) {
            endRow();
        }
        putShort(-1);
        copy.writeToCopy(out, 0, outLength);
        outLength = 0;
        return copy.endCopy();
    }

    private void openRow() {
        if (!rowOpen) {
            rowOpen = true;
            if (!skipping) {
                putShort(kinds.length);
            }
        }
    }

    private void endField() throws NotEncodable {
        if (!skipping) {
            if (column >= kinds.length) {
                throw new NotEncodable("line " + line + " has more than the " + kinds.length + " columns of the COPY");
            }
            encode(column, quoted, line);
        }
        fieldLength = 0;
        quoted = false;
        column++;
    }

    /** Ends the row at a line break; an empty line is one NULL, as COPY reads it for a table of one column. */
    private void endRow() throws NotEncodable {
        openRow();
        endField();
        if (!skipping && column != kinds.length) {
            throw new NotEncodable("line " + line + " has " + column + " of the " + kinds.length + " columns of the COPY");
        }
        column = 0;
        rowOpen = false;
        skipping = false;
        line++;
    }

    private void encode(int column, boolean quoted, long line) throws NotEncodable {
        byte[] f = field;
        int len = fieldLength;
        if (len == 0 && !quoted) {
            putInt(-1);
            return;
        }
        if (len == 2 && f[0] == '\\' && f[1] == '.' && !quoted) {
            throw new NotEncodable("line " + line + " holds COPY's end-of-data marker");
        }
        switch (kinds[column]) {
            case TEXT, JSON, ENUM -> { // an enum's binary form is its label, looked up as enum_in does
                reserve(4 + len);
                putInt(len);
                put(f, 0, len);
            }
            case JSONB -> {
                reserve(5 + len);
                putInt(len + 1);
                out[outLength++] = 1;
                put(f, 0, len);
            }
            case BOOL -> {
                if (len != 1 || (f[0] != 't' && f[0] != 'f')) {
                    throw notEncodable(column, line);
                }
                putInt(1);
                out[outLength++] = (byte) (f[0] == 't' ? 1 : 0);
            }
            case INT2 -> {
                long v = integer(f, len, column, line);
                if (v < Short.MIN_VALUE || v > Short.MAX_VALUE) {
                    throw notEncodable(column, line);
                }
                putInt(2);
                putShort((int) v);
            }
            case INT4 -> {
                long v = integer(f, len, column, line);
                if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
                    throw notEncodable(column, line);
                }
                putInt(4);
                putInt((int) v);
            }
            case INT8 -> {
                putInt(8);
                putLong(integer(f, len, column, line));
            }
            case FLOAT8 -> {
                putInt(8);
                putLong(Double.doubleToLongBits(float8(f, len, column, line)));
            }
            case NUMERIC -> numeric(f, len, column, line);
            case BYTEA -> bytea(f, len, column, line);
            case DATE -> {
                putInt(4);
                putInt(date(f, len, column, line));
            }
            case TIMESTAMP -> {
                putInt(8);
                putLong(timestamp(f, len, false, column, line));
            }
            case TIMESTAMPTZ -> {
                putInt(8);
                putLong(timestamp(f, len, true, column, line));
            }
            case UUID -> uuid(f, len, column, line);
            default -> throw new IllegalStateException(kinds[column].toString());
        }
    }

    private NotEncodable notEncodable(int column, long line) {
        return new NotEncodable("the " + kinds[column].name().toLowerCase(Locale.ROOT) + " value '"
                + new String(field, 0, Math.min(fieldLength, 60), StandardCharsets.UTF_8) + "' of column " + names.get(column)
                + " at line " + line + " is not in the form Ferry encodes");
    }

    /** {@code -?[0-9]{1,19}} in range: what int2out, int4out and int8out write. */
    private long integer(byte[] f, int len, int column, long line) throws NotEncodable {
        int i = f[0] == '-' ? 1 : 0;
        int digits = len - i;
        if (digits < 1 || digits > 19) {
            throw notEncodable(column, line);
        }
        long v = 0;
        for (; i < len; i++) {
            int d = f[i] - '0';
            if (d < 0 || d > 9) {
                throw notEncodable(column, line);
            }
            v = v * 10 + d;
        }
        if (digits == 19) { // may not fit in a long: let the JDK, which knows the bounds, read it
            try {
                return Long.parseLong(new String(f, 0, len, StandardCharsets.ISO_8859_1));
            } catch (NumberFormatException e) {
                throw notEncodable(column, line);
            }
        }
        return f[0] == '-' ? -v : v;
    }

    private double float8(byte[] f, int len, int column, long line) throws NotEncodable {
        String text = new String(f, 0, len, StandardCharsets.ISO_8859_1);
        switch (text) {
            case "NaN":
                return Double.NaN;
            case "Infinity":
                return Double.POSITIVE_INFINITY;
            case "-Infinity":
                return Double.NEGATIVE_INFINITY;
            default:
                // float8out writes at most 17 significant digits, which name one double that both strtod and
                // parseDouble find; longer text (a numeric's) is left to the server's own rounding.
                if (!FLOAT8.matcher(text).matches() || significantDigits(text) > 17) {
                    throw notEncodable(column, line);
                }
                return Double.parseDouble(text);
        }
    }

    private static int significantDigits(String number) {
        int digits = 0;
        boolean leading = true;
        for (int i = 0; i < number.length(); i++) {
            char c = number.charAt(i);
            if (c == 'e') {
                break;
            }
            if (c >= '1' && c <= '9' || c == '0' && !leading) {
                digits++;
                leading = false;
            }
        }
        return digits;
    }

    /**
     * {@code -?[0-9]+(.[0-9]+)?}, {@code NaN}, {@code Infinity} or {@code -Infinity}, as numeric_out writes
     * them, in the binary form numeric_recv reads: base-10000 digits, weight, sign and display scale. The
     * server then applies the column's precision and scale as numeric_in would.
     */
    private void numeric(byte[] f, int len, int column, long line) throws NotEncodable {
        if (f[0] == 'N' || f[0] == 'I' || (f[0] == '-' && len > 1 && f[1] == 'I')) {
            String text = new String(f, 0, len, StandardCharsets.ISO_8859_1);
            int sign = switch (text) {
                case "NaN" -> 0xC000;
                case "Infinity" -> 0xD000;
                case "-Infinity" -> 0xF000;
                default -> throw notEncodable(column, line);
            };
            putInt(8);
            putShort(0);
            putShort(0);
            putShort(sign);
            putShort(0);
            return;
        }
        boolean negative = f[0] == '-';
        int start = negative ? 1 : 0;
        int point = -1;
        for (int i = start; i < len; i++) {
            byte b = f[i];
            if (b == '.' && point < 0 && i > start && i < len - 1) {
                point = i;
            } else if (b < '0' || b > '9') {
                throw notEncodable(column, line);
            }
        }
        if (start == len) {
            throw notEncodable(column, line);
        }
        int integerEnd = point < 0 ? len : point;
        int integerDigits = integerEnd - start;
        int scale = point < 0 ? 0 : len - point - 1;
        // Base-10000 groups: the integer part is aligned on its end, the fraction on its start.
        int integerGroups = (integerDigits + 3) / 4;
        int fractionGroups = (scale + 3) / 4;
        int groups = integerGroups + fractionGroups;
        if (groups > Short.MAX_VALUE || scale > 0x3FFF) {
            throw notEncodable(column, line);
        }
        short[] digits = new short[groups];
        int lead = integerGroups * 4 - integerDigits; // zeros that pad the first group
        for (int g = 0; g < integerGroups; g++) {
            int value = 0;
            for (int k = 0; k < 4; k++) {
                int position = g * 4 + k - lead;
                value = value * 10 + (position < 0 ? 0 : f[start + position] - '0');
            }
            digits[g] = (short) value;
        }
        for (int g = 0; g < fractionGroups; g++) {
            int value = 0;
            for (int k = 0; k < 4; k++) {
                int position = point + 1 + g * 4 + k;
                value = value * 10 + (position < len ? f[position] - '0' : 0);
            }
            digits[integerGroups + g] = (short) value;
        }
        int first = 0;
        while (first < groups && digits[first] == 0) {
            first++;
        }
        int last = groups;
        while (last > first && digits[last - 1] == 0) {
            last--;
        }
        int count = last - first;
        int weight = count == 0 ? 0 : integerGroups - 1 - first;
        reserve(12 + 2 * count);
        putInt(8 + 2 * count);
        putShort(count);
        putShort(weight);
        putShort(negative && count > 0 ? 0x4000 : 0);
        putShort(scale);
        for (int g = first; g < last; g++) {
            putShort(digits[g]);
        }
    }

    /** The hex form bytea_out writes by default: {@code \x} and two hex digits a byte. */
    private void bytea(byte[] f, int len, int column, long line) throws NotEncodable {
        if (len < 2 || f[0] != '\\' || f[1] != 'x' || len % 2 != 0) {
            throw notEncodable(column, line);
        }
        int bytes = (len - 2) / 2;
        reserve(4 + bytes);
        putInt(bytes);
        for (int i = 2; i < len; i += 2) {
            int high = Character.digit(f[i], 16);
            int low = Character.digit(f[i + 1], 16);
            if (high < 0 || low < 0) {
                throw notEncodable(column, line);
            }
            out[outLength++] = (byte) (high << 4 | low);
        }
    }

    private void uuid(byte[] f, int len, int column, long line) throws NotEncodable {
        if (len != 36 || f[8] != '-' || f[13] != '-' || f[18] != '-' || f[23] != '-') {
            throw notEncodable(column, line);
        }
        putInt(16);
        int high = -1;
        for (int i = 0; i < 36; i++) {
            if (i == 8 || i == 13 || i == 18 || i == 23) {
                continue;
            }
            int d = Character.digit(f[i], 16);
            if (d < 0) {
                throw notEncodable(column, line);
            }
            if (high < 0) {
                high = d;
            } else {
                out[outLength++] = (byte) (high << 4 | d);
                high = -1;
            }
        }
    }

    /** {@code YYYY-MM-DD[ BC]}, {@code infinity} or {@code -infinity}: days since 2000-01-01. */
    private int date(byte[] f, int len, int column, long line) throws NotEncodable {
        if (isWord(f, len, "infinity")) {
            return Integer.MAX_VALUE;
        }
        if (isWord(f, len, "-infinity")) {
            return Integer.MIN_VALUE;
        }
        boolean bc = endsWithBc(f, len);
        int end = bc ? len - 3 : len;
        int dateEnd = dateEnd(f, end);
        if (dateEnd != end) {
            throw notEncodable(column, line);
        }
        long days = days(f, dateEnd, bc, column, line);
        if (days < FIRST_DATE || days >= END_DATE) {
            throw notEncodable(column, line); // out of the server's range: its CSV COPY says so with the line
        }
        return (int) days;
    }

    /**
     * {@code YYYY-MM-DD HH:MM:SS[.ffffff]}, then for timestamptz an offset {@code ±HH[:MM[:SS]]}, then
     * {@code  BC} for a year before 1; or {@code infinity}, {@code -infinity}: microseconds since
     * 2000-01-01 00:00 (UTC for timestamptz).
     */
    private long timestamp(byte[] f, int len, boolean zoned, int column, long line) throws NotEncodable {
        if (isWord(f, len, "infinity")) {
            return Long.MAX_VALUE;
        }
        if (isWord(f, len, "-infinity")) {
            return Long.MIN_VALUE;
        }
        boolean bc = endsWithBc(f, len);
        int end = bc ? len - 3 : len;
        int d = dateEnd(f, end);
        if (d < 0 || d + 9 > end || f[d] != ' ' || f[d + 3] != ':' || f[d + 6] != ':') {
            throw notEncodable(column, line);
        }
        long hours = twoDigits(f, d + 1, column, line);
        long minutes = twoDigits(f, d + 4, column, line);
        long seconds = twoDigits(f, d + 7, column, line);
        if (hours > 23 || minutes > 59 || seconds > 59) {
            throw notEncodable(column, line);
        }
        int i = d + 9;
        long micros = 0;
        if (i < end && f[i] == '.') {
            int digits = 0;
            for (i++; i < end && f[i] >= '0' && f[i] <= '9'; i++, digits++) {
                micros = micros * 10 + (f[i] - '0');
            }
            if (digits == 0 || digits > 6) {
                throw notEncodable(column, line);
            }
            for (; digits < 6; digits++) {
                micros *= 10;
            }
        }
        long offsetSeconds = 0;
        if (zoned) {
            if (i + 3 > end || (f[i] != '+' && f[i] != '-')) {
                throw notEncodable(column, line);
            }
            int sign = f[i] == '-' ? -1 : 1;
            offsetSeconds = twoDigits(f, i + 1, column, line) * 3600;
            i += 3;
            if (i < end && f[i] == ':') {
                offsetSeconds += twoDigits(f, i + 1, column, line) * 60;
                i += 3;
                if (i < end && f[i] == ':') {
                    offsetSeconds += twoDigits(f, i + 1, column, line);
                    i += 3;
                }
            }
            offsetSeconds *= sign;
        }
        if (i != end) {
            throw notEncodable(column, line);
        }
        long day = days(f, d, bc, column, line);
        if (day < FIRST_DATE || day >= END_DATE) {
            throw notEncodable(column, line);
        }
        long utc;
        try {
            long local = Math.addExact(Math.multiplyExact(day, MICROS_PER_DAY), ((hours * 60 + minutes) * 60 + seconds) * 1_000_000 + micros);
            utc = Math.subtractExact(local, offsetSeconds * 1_000_000);
        } catch (ArithmeticException overflow) {
            throw notEncodable(column, line);
        }
        if (utc < FIRST_TIMESTAMP || utc >= END_TIMESTAMP) {
            throw notEncodable(column, line); // the server checks the UTC value too: "timestamp out of range"
        }
        return utc;
    }

    private static boolean isWord(byte[] f, int len, String word) {
        if (len != word.length()) {
            return false;
        }
        for (int i = 0; i < len; i++) {
            if (f[i] != word.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private static boolean endsWithBc(byte[] f, int len) {
        return len > 3 && f[len - 3] == ' ' && f[len - 2] == 'B' && f[len - 1] == 'C';
    }

    /** Where {@code Y{4,}-MM-DD} at the start of f ends, or -1. */
    private static int dateEnd(byte[] f, int end) {
        int i = 0;
        while (i < end && f[i] >= '0' && f[i] <= '9') {
            i++;
        }
        if (i < 4 || i + 6 > end || f[i] != '-' || f[i + 3] != '-') {
            return -1;
        }
        return i + 6;
    }

    /** Days since 2000-01-01 of the {@code Y-MM-DD} that ends at {@code dateEnd}; year N BC is year 1 - N. */
    private long days(byte[] f, int dateEnd, boolean bc, int column, long line) throws NotEncodable {
        int yearEnd = dateEnd - 6;
        if (yearEnd > 9) {
            throw notEncodable(column, line);
        }
        long year = 0;
        for (int i = 0; i < yearEnd; i++) {
            year = year * 10 + (f[i] - '0');
        }
        if (bc) {
            year = 1 - year;
        }
        int month = (int) twoDigits(f, yearEnd + 1, column, line);
        int day = (int) twoDigits(f, yearEnd + 4, column, line);
        try {
            return LocalDate.of((int) year, month, day).toEpochDay() - DAYS_1970_TO_2000;
        } catch (DateTimeException e) {
            throw notEncodable(column, line);
        }
    }

    private long twoDigits(byte[] f, int at, int column, long line) throws NotEncodable {
        int high = f[at] - '0';
        int low = f[at + 1] - '0';
        if (high < 0 || high > 9 || low < 0 || low > 9) {
            throw notEncodable(column, line);
        }
        return high * 10L + low;
    }

    private void append(byte[] b, int off, int len) {
        if (fieldLength + len > field.length) {
            field = Arrays.copyOf(field, Math.max(field.length * 2, fieldLength + len));
        }
        System.arraycopy(b, off, field, fieldLength, len);
        fieldLength += len;
    }

    private void reserve(int bytes) {
        if (outLength + bytes > out.length) {
            out = Arrays.copyOf(out, Math.max(out.length * 2, outLength + bytes));
        }
    }

    private void put(byte[] b, int off, int len) {
        reserve(len);
        System.arraycopy(b, off, out, outLength, len);
        outLength += len;
    }

    private void putShort(int v) {
        reserve(2);
        out[outLength++] = (byte) (v >>> 8);
        out[outLength++] = (byte) v;
    }

    private void putInt(int v) {
        reserve(4);
        out[outLength++] = (byte) (v >>> 24);
        out[outLength++] = (byte) (v >>> 16);
        out[outLength++] = (byte) (v >>> 8);
        out[outLength++] = (byte) v;
    }

    private void putLong(long v) {
        putInt((int) (v >>> 32));
        putInt((int) v);
    }
}
